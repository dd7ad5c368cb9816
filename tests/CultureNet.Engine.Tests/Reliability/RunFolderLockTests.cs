using CultureNet.Engine.Protocol;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>One results folder, one set of arguments: a second process with other arguments is refused while the first
/// runs; processes with the same arguments (cooperating shards) may share it; a killed holder blocks nothing.</summary>
public class RunFolderLockTests
{
    [Fact]
    public void OtherArgumentsAreRefusedWhileTheFirstRuns()
    {
        using var dir = new TempDir();
        using var first = RunFolderGuard.Acquire(dir.Path, "runs 2");
        var e = Assert.Throws<CultureNetException>(() => RunFolderGuard.Acquire(dir.Path, "runs 3"));
        Assert.Contains("another `culturenet protocol` is running on this results folder with other arguments (runs 2; now runs 3)", e.Message);
    }

    [Fact]
    public void SameArgumentsShareTheFolderAndTheLastOneOutRemovesTheMarker()
    {
        using var dir = new TempDir();
        string marker = Path.Combine(dir.Path, RunFolderGuard.MarkerFile);
        var a = RunFolderGuard.Acquire(dir.Path, "runs 2");
        var b = RunFolderGuard.Acquire(dir.Path, "runs 2");
        Assert.True(File.Exists(marker));
        a.Complete();
        a.Dispose();
        Assert.True(File.Exists(marker), "removed while another process was still working on the folder");
        b.Complete();
        b.Dispose();
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void AReleasedFolderTakesNewArguments()
    {
        using var dir = new TempDir();
        RunFolderGuard.Acquire(dir.Path, "runs 2").Dispose();
        using var next = RunFolderGuard.Acquire(dir.Path, "runs 3");
        Assert.True(File.Exists(Path.Combine(dir.Path, RunFolderGuard.MarkerFile)));
    }

    [Fact]
    public void ASecondCliProcessWithOtherArgumentsGetsOneClearLine()
    {
        using var dir = new TempDir();
        string store = FaultFixtures.SmallStore(dir);
        string results = dir.File("results");
        using var running = CliProcess.Start("protocol", "--store", store, "--out", results, "--runs", "3");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(results, RunFolderGuard.MarkerFile)) && clock.Elapsed < TimeSpan.FromMinutes(1)) Thread.Sleep(10);
        var second = CliProcess.Run("protocol", "--store", store, "--out", results, "--runs", "2");
        bool firstStillRunning = !running.Process.HasExited;
        running.Process.Kill(entireProcessTree: true);
        running.Process.WaitForExit();
        Assert.True(firstStillRunning, "the first protocol finished before the second started");
        string line = FaultFixtures.AssertOneCleanError(second, "second protocol");
        Assert.Contains("another `culturenet protocol` is running", line);
    }
}
