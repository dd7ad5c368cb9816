using BenchmarkDotNet.Attributes;
using CultureNet.Benchmarking;
using CultureNet.Engine.Native;

namespace CultureNet.Benchmarks;

/// <summary>
/// GenNet (2048-500-200-100-50-1) training at batch 128 on synthetic random data, per backend × precision (the cases of
/// <c>culturenet bench</c>), against that backend's GEMM at the fc1 shape (cn_backend_time_gemm) in the same run. Both
/// report time per sample: the GEMM probe runs as many fc1 products as the FLOPs of <c>Rows</c> training samples
/// (<see cref="GenNetCost.FlopsPerSample"/> each, rounded to whole calls), so the Ratio column is (time per sample) ÷
/// (GEMM time per sample) and the ratio to that backend's limit is 1 / Ratio. The probe's call includes its setup
/// (operands, primitive, a warm-up product), a few percent of 215 products; `culturenet bench` times the products alone.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(2)]
[IterationCount(8)]
public class TrainingBenchmarks
{
    private const int Rows = 8192;
    // Rows samples × 6.894 MFLOP ÷ 262.1 MFLOP per call = 215.4, rounded to 215: about 0.2% off Rows sample-equivalents.
    private static readonly int GemmCalls = (int)Math.Round(Rows * GenNetCost.FlopsPerSample / GemmProbe.FlopsPerCall);

    private TrainingThroughput _training = null!;
    private EngineCase _engine = null!;

    /// <summary>"onednn float32", "onednn mixed_bfloat16", "openblas float32".</summary>
    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    public static IEnumerable<string> Cases => EngineCase.All.Select(c => c.Name);

    [GlobalSetup]
    public void Setup()
    {
        _engine = EngineCase.All.Single(c => c.Name == Case);
        if (_engine.Unavailable() is { } why) throw new InvalidOperationException($"{Case}: {why}");
        _training = new TrainingThroughput(Rows, engine: _engine);
    }

    [GlobalCleanup]
    public void Cleanup() => _training.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows, Description = "GEMM 128x500x2048 limit (per sample-equivalent)")]
    public double GemmLimit() => NativeBackends.TimeGemm(_engine.Backend, _engine.Policy.Precision, GemmProbe.M, GemmProbe.N, GemmProbe.K, GemmCalls);

    [Benchmark(OperationsPerInvoke = Rows, Description = "GenNet Fit epoch, batch 128 (per sample)")]
    public double FitOneEpoch() => _training.MeasureEpoch();
}
