using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Reliability;

/// <summary>
/// One results folder, one set of arguments: a second `protocol` with other arguments, started while the first runs,
/// gets one error line naming the difference (protocol.json, created race-free by the first process) and changes
/// nothing. Processes with the same arguments cooperate on the folder (the shard tests, ProtocolShardTests).
/// </summary>
public class RunFolderArgumentsTests
{
    [Fact]
    public void ASecondProcessWithOtherArgumentsGetsOneClearLineWhileTheFirstRuns()
    {
        using var dir = new TempDir();
        string store = FaultFixtures.SmallStore(dir);
        string results = dir.File("results");
        using var running = CliProcess.Start("protocol", "--store", store, "--out", results, "--runs", "3", "--analyses", "none");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(results, UnfinishedMarker.FileName)) && !running.Process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(1))
            Thread.Sleep(10);
        string manifestBefore = File.ReadAllText(Path.Combine(results, ProtocolManifest.FileName));
        var second = CliProcess.Run("protocol", "--store", store, "--out", results, "--runs", "2", "--analyses", "none");
        bool firstStillRunning = !running.Process.HasExited;
        running.Process.Kill(entireProcessTree: true);
        running.Process.WaitForExit();
        Assert.True(firstStillRunning, "the first protocol finished before the second started; the test proves nothing");
        string line = FaultFixtures.AssertOneCleanError(second, "second protocol");
        Assert.Contains("this results folder was started with --runs 3 (now 2)", line);
        Assert.Equal(manifestBefore, File.ReadAllText(Path.Combine(results, ProtocolManifest.FileName)));
    }
}
