using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Data;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports;
using CultureNet.Engine.Sessions;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>A small SYNTHETIC store and its protocol results from one uninterrupted process, which every sharded run
/// of these tests must reproduce byte for byte (same machine, same thread count: one, as a Slurm task with one CPU).</summary>
public sealed class ShardedProtocolFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public ShardedProtocolFixture()
    {
        Store = _dir.File("store");
        SyntheticCohort.Generate(Store, new SyntheticCohortOptions { ChildrenPerCulture = 3, FramesPerChild = 120, Dim = 32, Seed = 5 });
        Reference = _dir.File("reference");
        var run = CliProcess.Run(Args(Reference));
        if (run.ExitCode != 0) throw new InvalidOperationException($"the reference protocol run failed: {run.Stderr}");
    }

    public string Store { get; }
    public string Reference { get; }

    public string[] Args(string output, params string[] more) =>
        ["protocol", "--store", Store, "--out", output, "--runs", "2", "--conventions", "paper", "--split", "random", "--seed", "9", "--threads", "1", .. more];

    public static readonly string[] Reports =
        [ResultsFolder.Predictions, ResultsFolder.PerChild, ResultsFolder.Table2Md, ResultsFolder.Table2CsvFile, ResultsFolder.Table2JsonFile, ResultsFolder.StatsCsvFile, ResultsFolder.Fits];

    /// <summary>Every report and figure equals the reference's, byte for byte, and the folder is marked complete.</summary>
    public void AssertSameReports(string results)
    {
        Assert.False(UnfinishedMarker.IsPresent(results), "UNFINISHED is still there");
        foreach (var report in Reports)
            Assert.True(File.ReadAllBytes(Path.Combine(Reference, report)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(results, report))), $"{report} differs");
        var figures = Directory.GetFiles(Path.Combine(Reference, ProtocolSession.FiguresFolder)).Select(Path.GetFileName).Order().ToArray();
        Assert.NotEmpty(figures);
        Assert.Equal(figures, Directory.GetFiles(Path.Combine(results, ProtocolSession.FiguresFolder)).Select(Path.GetFileName).Order().ToArray());
        foreach (var figure in figures)
            Assert.True(File.ReadAllBytes(Path.Combine(Reference, ProtocolSession.FiguresFolder, figure!)).AsSpan()
                .SequenceEqual(File.ReadAllBytes(Path.Combine(results, ProtocolSession.FiguresFolder, figure!))), $"{figure} differs");
    }

    /// <summary>Every fit of the protocol was trained and recorded exactly once in the folder's worker logs.</summary>
    public void AssertEachFitTrainedOnce(string results)
    {
        var recorded = WorkerLog.RecordedKeys(results).ToList();
        var duplicates = recorded.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"trained more than once: {string.Join(", ", duplicates)}");
        var fits = Directory.GetFiles(Path.Combine(Reference, ProtocolRunner.FitsFolder), "*.fit", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).Order().ToArray();
        Assert.Equal(fits, recorded.Order().ToArray());
    }

    public void Dispose() => _dir.Dispose();
}
