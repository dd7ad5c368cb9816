using CultureNet.Engine.Models;

namespace CultureNet.Benchmarking;

/// <summary>
/// The arithmetic of training GenNet on one sample, derived from its layer widths (<see cref="GenNet.HiddenUnits"/>):
/// the one FLOP-per-sample figure every benchmark divides by.
/// </summary>
public static class GenNetCost
{
    /// <summary>The benchmarks' input width: ResNet-50's 2048 pooled features, the paper's backbone.</summary>
    public const int InputDim = 2048;

    /// <summary>GenNet's widths: input → hidden layers → 1 output (2048-500-200-100-50-1 at the benchmarks' input).</summary>
    public static IReadOnlyList<int> Widths(int inputDim = InputDim) => [inputDim, .. GenNet.HiddenUnits, 1];

    /// <summary>Multiply-adds of one forward pass of GenNet over <paramref name="inputDim"/> features.</summary>
    public static double MacsPerSample(int inputDim = InputDim) => MacsPerSample(Widths(inputDim));

    /// <summary>Multiply-adds of one forward pass through Dense layers of <paramref name="widths"/>: Σ width[i]·width[i+1].</summary>
    public static double MacsPerSample(IReadOnlyList<int> widths)
    {
        double macs = 0;
        for (int i = 0; i + 1 < widths.Count; i++) macs += (double)widths[i] * widths[i + 1];
        return macs;
    }

    /// <summary>FLOPs of one training sample counted as 6 × multiply-adds (forward 2, input gradient 2, weight gradient 2):
    /// 6 × 1,149,050 = 6,894,300 for the 2048-wide GenNet.</summary>
    public static readonly double FlopsPerSample = 6 * MacsPerSample();
}
