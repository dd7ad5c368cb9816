using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using CultureNet.Benchmarking;

namespace CultureNet.Benchmarks;

/// <summary>
/// The face pipelines against bare inference on the same frames, under BenchmarkDotNet: the same four workloads
/// <c>culturenet faces-bench</c> times in alternating rounds (<see cref="FacesWorkload"/>, shared code). Two categories,
/// each with its own baseline, so the Ratio column gives per frame
/// <list type="bullet">
/// <item><c>faces</c>: the faces pipeline (ffmpeg decoding, resize, detection, NMS, crop) / bare detector inference;</item>
/// <item><c>engagement</c>: the engagement chain end to end / bare detector + ResNet-18 inference (the bare chain runs
///   them one after the other, as faces-bench adds their times); its CultureNet has random, SYNTHETIC weights.</item>
/// </list>
/// BenchmarkDotNet reports time per frame, so a Ratio here is the inverse of faces-bench's frames/s ratio.
/// Video: CULTURENET_BENCH_VIDEO, else the 720p clip tools/fetch-test-media.sh puts in build/test-media;
/// the first 60 frames.
/// `dotnet run -c Release --project benchmarks/CultureNet.Benchmarks -- --filter '*Faces*'`
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 7)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FacesBenchmarks
{
    private const int Frames = 60; // OperationsPerInvoke must be a constant
    private FacesWorkload _w = null!;

    [GlobalSetup]
    public void Setup()
    {
        string video = Environment.GetEnvironmentVariable("CULTURENET_BENCH_VIDEO")
            ?? Path.Combine(RepoRoot(), "build", "test-media", "forensics", "movie-hello.mp4");
        if (!File.Exists(video))
            throw new InvalidOperationException($"{video}: not found; run tools/fetch-test-media.sh or set CULTURENET_BENCH_VIDEO");
        _w = new FacesWorkload(video, Frames);
        if (_w.Frames != Frames)
            throw new InvalidOperationException($"{video}: has {_w.Frames} frames; the benchmark counts {Frames} per invocation");
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "CultureNet.Engine.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "bare detector inference")]
    [BenchmarkCategory("faces")]
    public void BareDetector() => _w.BareDetector();

    [Benchmark(OperationsPerInvoke = Frames, Description = "faces pipeline (decode, detect, crop)")]
    [BenchmarkCategory("faces")]
    public int FacesPipeline() => _w.Faces();

    [Benchmark(Baseline = true, OperationsPerInvoke = Frames, Description = "bare detector + ResNet-18 inference")]
    [BenchmarkCategory("engagement")]
    public void BareChain()
    {
        _w.BareDetector();
        _w.BareBackbone();
    }

    [Benchmark(OperationsPerInvoke = Frames, Description = "engagement pipeline (end to end)")]
    [BenchmarkCategory("engagement")]
    public int EngagementPipeline() => _w.Engagement();

    [GlobalCleanup]
    public void Cleanup() => _w.Dispose();
}
