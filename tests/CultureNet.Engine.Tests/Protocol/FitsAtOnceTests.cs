using CultureNet.Engine.Data;
using CultureNet.Engine.Models;
using CultureNet.Engine.Native;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports;
using CultureNet.Engine.Sessions;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>
/// Real GenNet fits trained at once: the protocol's files are byte-identical to one fit at a time on all threads, on
/// both backends (OpenBLAS's own GEMM threads are process-wide, so there the fits share them and only the engine's
/// loops run on one thread each; onednn gives each fit one thread). The networks have 2048 inputs, so fc1 (1 M parameters) is large enough for the engine to split its
/// work across threads when a fit has two; M7's child fits share their culture model while they train.
/// A race on a shared buffer, a fit whose thread count changed its arithmetic, or a parent read while it was freed
/// changes the bytes (or fails).
/// </summary>
public sealed class FitsAtOnceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Files = [ResultsFolder.Predictions, ResultsFolder.Table2CsvFile, ResultsFolder.PerChild];

    [Theory]
    [InlineData(NativeBackends.OneDnn)]
    [InlineData(NativeBackends.OpenBlas)]
    public void Fits_trained_two_at_once_on_one_thread_each_match_one_at_a_time_on_two(string backend)
    {
        Assert.True(NativeEngine.NumThreads >= 2 || Environment.ProcessorCount < 2, "the engine runs on all cores by default");
        string store = _dir.File("store");
        SyntheticCohort.Generate(store, new SyntheticCohortOptions { ChildrenPerCulture = 3, FramesPerChild = 120, Dim = 2048, Seed = 9 },
            null, CancellationToken.None);
        var options = new ProtocolOptions
        {
            Settings = SettingVariant.ParseList("M1,M3,M4,M7"), Runs = 1, Seed = 4, Fig3Analyses = false,
            Training = new GenNetTrainingOptions { Backend = backend, Epochs = 3 },
        };
        int threads = Math.Max(2, NativeEngine.NumThreads);
        var one = ProtocolSession.Run(store, _dir.File("one"), options, jobs: 1);
        var two = ProtocolSession.Run(store, _dir.File("two"), options, jobs: threads);

        Assert.Equal(new FitParallelism(1, NativeEngine.NumThreads), one.Parallelism);
        Assert.Equal(new FitParallelism(threads, 1), two.Parallelism);
        foreach (var file in Files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir.File("one"), file)), File.ReadAllBytes(Path.Combine(_dir.File("two"), file)));
        // Each network trained once, the same ones.
        var trained = WorkerLog.RecordedKeys(_dir.File("two")).ToList();
        Assert.Equal(trained.Count, trained.Distinct().Count());
        Assert.Equal(WorkerLog.RecordedKeys(_dir.File("one")).Order(), trained.Order());
    }
}
