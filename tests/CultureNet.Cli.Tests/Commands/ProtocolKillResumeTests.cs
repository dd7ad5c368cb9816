using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Protocol.Running;
using System.Diagnostics;
using CultureNet.Engine.Data;
using CultureNet.Engine.Reports;
using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>`culturenet protocol` killed (SIGKILL) in the middle of a run and started again ends with the same files as
/// an uninterrupted run, and does not redo the fits that were finished: with the paper conventions and a random split, and
/// with the reference conventions, whose M7 stages shared by all runs (run 0) must survive the kill as checkpoints.</summary>
public class ProtocolKillResumeTests
{
    private static readonly string[] Reports =
        [ResultsFolder.Predictions, ResultsFolder.PerChild, ResultsFolder.Table2Md, ResultsFolder.Table2CsvFile, ResultsFolder.Table2JsonFile, ResultsFolder.StatsCsvFile, ResultsFolder.Fits];

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("paper", "random")]
    [InlineData("reference", "contiguous")]
    public void Killed_and_restarted_protocol_ends_identical_to_an_uninterrupted_run(string conventions, string split)
    {
        using var dir = new TempDir();
        string store = dir.File("store");
        SyntheticCohort.Generate(store, new SyntheticCohortOptions { ChildrenPerCulture = 3, FramesPerChild = 60, Dim = 8, Seed = 5 });
        string[] Args(string output) =>
            ["protocol", "--store", store, "--out", output, "--runs", "2", "--split", split, "--seed", "9", "--conventions", conventions];

        var straight = CliProcess.Run(Args(dir.File("straight")));
        Assert.True(straight.ExitCode == 0, straight.Stderr);

        // Start, wait until some fits are finished, kill the process outright, start again.
        string resumed = dir.File("resumed");
        using (var running = CliProcess.Start(Args(resumed)))
        {
            var process = running.Process;
            var clock = Stopwatch.StartNew();
            while (FinishedFits(resumed).Length < 30 && !process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(20);
            Assert.False(process.HasExited, "the protocol finished before it could be killed");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        var beforeRestart = FinishedFits(resumed).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Assert.InRange(beforeRestart.Count, 30, FinishedFits(dir.File("straight")).Length - 1);
        Assert.False(File.Exists(Path.Combine(resumed, ResultsFolder.Table2Md)));

        var again = CliProcess.Run(Args(resumed));
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains($"resumed: {beforeRestart.Count} of", again.Stdout);
        foreach (var (file, written) in beforeRestart)
            Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        string reference = Path.Combine(dir.File("straight"), ReleasedReports.Folder);
        var released = Directory.Exists(reference)
            ? Directory.GetFiles(reference, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.File("straight"), f)).ToArray()
            : [];
        Assert.Equal(conventions == "reference", released.Length > 0);
        foreach (var report in Reports.Append(Path.Combine(ProtocolRunner.FitsFolder, CompositionCsv.FileName)).Concat(released))
            Assert.True(File.ReadAllBytes(Path.Combine(dir.File("straight"), report)).SequenceEqual(File.ReadAllBytes(Path.Combine(resumed, report))),
                $"{report} differs after the restart");
        Assert.False(Directory.Exists(Path.Combine(resumed, ProtocolRunner.CheckpointsFolder)), "checkpoints left behind");
    }

    private static string[] FinishedFits(string results)
    {
        string fits = Path.Combine(results, ProtocolRunner.FitsFolder);
        return Directory.Exists(fits) ? Directory.GetFiles(fits, "*.fit", SearchOption.AllDirectories) : [];
    }
}
