using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Data;
using CultureNet.Engine.Tests.Support;
using static CultureNet.Cli.Tests.Reliability.FaultFixtures;

namespace CultureNet.Cli.Tests.Reliability;

/// <summary>
/// Every writing command on a full disk (a real 1 MB tmpfs): one "error: …" line saying so, exit 1, no temporary file
/// left and nothing that looks like a finished result. (Before: `fit --save-weights X.h5` died with a
/// TargetInvocationException stack trace, and .features.cnstore.*.tmp / .*.npy.*.tmp files stayed behind.)
/// </summary>
public class DiskFullTests
{
    private static void AssertDiskFullHandled(CliProcess.Result r, SmallDisk disk, string command)
    {
        string line = AssertOneCleanError(r, command);
        Assert.Contains("No space left on device", line);
        AssertNoTemporaries(disk.Path, command);
    }

    [Fact]
    public void Synth()
    {
        using var disk = new SmallDisk(1 << 20);
        var r = CliProcess.Run("synth", "--out", disk.File("store"), "--children-per-culture", "2", "--frames", "500", "--dim", "256");
        AssertDiskFullHandled(r, disk, "synth");
        Assert.False(File.Exists(Path.Combine(disk.File("store"), "features.cnstore")));
    }

    [Fact]
    public void ImportNpy()
    {
        using var dir = new TempDir();
        var (x, meta) = ImportInputs(dir, 500, 256);
        using var disk = new SmallDisk(1 << 20);
        var r = CliProcess.Run("import", "npy", "--features", x, "--meta", meta, "--out", disk.File("store"));
        AssertDiskFullHandled(r, disk, "import npy");
        Assert.False(File.Exists(Path.Combine(disk.File("store"), "features.cnstore")));
    }

    [Theory]
    [InlineData("w.h5")]
    [InlineData("w.npz")]
    public void FitSaveWeights(string name)
    {
        using var dir = new TempDir();
        var (x, y) = TrainingArrays(dir, 16, 2048);
        using var disk = new SmallDisk(1 << 20);
        var r = CliProcess.Run("fit", "--x", x, "--y", y, "--epochs", "1", "--save-weights", disk.File(name));
        AssertDiskFullHandled(r, disk, "fit --save-weights " + name);
        Assert.Empty(disk.Files());
    }

    [Fact]
    public void Predict()
    {
        using var dir = new TempDir();
        var (x, y) = TrainingArrays(dir, 40_000, 4);
        string w = dir.File("w.npz");
        Assert.Equal(0, CliProcess.Run("fit", "--x", x, "--y", y, "--epochs", "1", "--hidden", "3", "--save-weights", w).ExitCode);
        using var disk = new SmallDisk(64 << 10);
        var r = CliProcess.Run("predict", "--weights", w, "--x", x, "--out", disk.File("p.npy"));
        AssertDiskFullHandled(r, disk, "predict");
        Assert.Empty(disk.Files());
    }

    [Fact]
    public void Protocol()
    {
        using var dir = new TempDir();
        string store = SmallStore(dir);
        using var disk = new SmallDisk(1 << 20);
        disk.LeaveFree(96 << 10);
        var r = CliProcess.Run("protocol", "--store", store, "--out", disk.File("results"), "--runs", "1", "--analyses", "none");
        AssertDiskFullHandled(r, disk, "protocol");
        // Whatever was written is either a finished fit (kept for the rerun) or marked unfinished.
        var files = disk.Files();
        if (files.Any(f => f.StartsWith("results/table2") || f.StartsWith("results/per_child")))
            Assert.Contains("results/UNFINISHED", files);
    }

    [Fact]
    public void Extract()
    {
        using var dir = new TempDir();
        string manifest = Faces(dir, 6);
        using var disk = new SmallDisk(1 << 20);
        disk.LeaveFree(8 << 10);
        var r = CliProcess.Run("extract", "--manifest", manifest, "--out", disk.File("store"), "--batch", "2");
        AssertDiskFullHandled(r, disk, "extract");
        Assert.False(File.Exists(Path.Combine(disk.File("store"), "features.cnstore")));
    }
}
