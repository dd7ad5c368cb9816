using BenchmarkDotNet.Attributes;
using CultureNet.Engine.Benchmarking;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Benchmarks;

/// <summary>
/// GenNet (2048-500-200-100-50-1) training at batch 128 on synthetic random data, against the machine's limit measured
/// in the same run: cblas_sgemm at the fc1 shape. Both report time per sample (the sgemm baseline counts one sample as
/// 6 × 1.145 M multiply-adds = 6.87 MFLOP), so the Ratio column is
/// (time per sample) ÷ (limit time per sample) and the ratio to the limit is 1 / Ratio.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(8)]
public unsafe class TrainingBenchmarks
{
    private const int Rows = 8192;
    private const int SgemmCalls = 100;
    // 100 calls × 2·128·500·2048 FLOP ÷ 6.8703 MFLOP per sample = 3815.6 sample-equivalents.
    private const int SgemmSampleEquivalents = 3816;

    private Sequential _model = null!;
    private Matrix _x = null!, _y = null!;
    private float[] _a = null!, _b = null!, _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_x, _y) = TrainingThroughput.RandomData(Rows, 2048, seed: 1);
        _model = GenNet.Create(2048, seed: 1);
        _model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        _a = new float[SgemmProbe.M * SgemmProbe.K];
        _b = new float[SgemmProbe.K * SgemmProbe.N];
        _c = new float[SgemmProbe.M * SgemmProbe.N];
        for (int i = 0; i < _a.Length; i++) _a[i] = i % 7 * 0.1f;
        for (int i = 0; i < _b.Length; i++) _b[i] = i % 5 * 0.1f;
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = SgemmSampleEquivalents, Description = "cblas_sgemm limit (per sample-equivalent)")]
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
