using BenchmarkDotNet.Attributes;
using CultureNet.Benchmarking;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Benchmarks;

/// <summary>
/// GenNet (2048-500-200-100-50-1) training at batch 128 on synthetic random data, against the machine's limit measured
/// in the same run: cblas_sgemm at the fc1 shape. Both report time per sample (the sgemm baseline runs as many calls as
/// the FLOPs of <c>Rows</c> training samples, <see cref="GenNetCost.FlopsPerSample"/> each, rounded to whole calls), so
/// the Ratio column is (time per sample) ÷ (limit time per sample) and the ratio to the limit is 1 / Ratio.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(8)]
public unsafe class TrainingBenchmarks
{
    private const int Rows = 8192;
    // Rows samples × 6.894 MFLOP ÷ 262.1 MFLOP per call = 215.4, rounded to 215: about 0.2% off Rows sample-equivalents.
    private static readonly int SgemmCalls = (int)Math.Round(Rows * GenNetCost.FlopsPerSample / SgemmProbe.FlopsPerCall);

    private Sequential _model = null!;
    private Matrix _x = null!, _y = null!;
    private float[] _a = null!, _b = null!, _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_x, _y) = TrainingThroughput.RandomData(Rows, GenNetCost.InputDim, seed: 1);
        _model = GenNet.Create(GenNetCost.InputDim, seed: 1);
        _model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        _a = new float[SgemmProbe.M * SgemmProbe.K];
        _b = new float[SgemmProbe.K * SgemmProbe.N];
        _c = new float[SgemmProbe.M * SgemmProbe.N];
        for (int i = 0; i < _a.Length; i++) _a[i] = i % 7 * 0.1f;
        for (int i = 0; i < _b.Length; i++) _b[i] = i % 5 * 0.1f;
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "cblas_sgemm limit (per sample-equivalent)")]
    public void SgemmLimit()
    {
        fixed (float* a = _a)
        fixed (float* b = _b)
        fixed (float* c = _c)
            for (int i = 0; i < SgemmCalls; i++) SgemmProbe.Call(a, b, c);
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "GenNet Fit, batch 128 (per sample)")]
    public void FitOneEpoch() => _model.Fit(_x, _y, epochs: 1, batchSize: 128, seed: 3);
}
