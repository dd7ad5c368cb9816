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

    /// <summary>Multiply-adds of one forward pass: Σ width[i]·width[i+1] over input → hidden layers → 1 output.</summary>
    public static double MacsPerSample(int inputDim = InputDim)
    {
        int[] widths = [inputDim, .. GenNet.HiddenUnits, 1];
        double macs = 0;
        for (int i = 0; i + 1 < widths.Length; i++) macs += (double)widths[i] * widths[i + 1];
        return macs;
    }

    /// <summary>FLOPs of one training sample counted as 6 × multiply-adds (forward 2, input gradient 2, weight gradient 2):
    /// 6 × 1,149,050 = 6,894,300 for the 2048-wide GenNet.</summary>
    public static readonly double FlopsPerSample = 6 * MacsPerSample();
}
