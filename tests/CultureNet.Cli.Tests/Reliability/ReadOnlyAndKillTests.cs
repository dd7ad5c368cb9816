using CultureNet.Cli.Tests.Support;
using System.Diagnostics;
using CultureNet.Engine.Data;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

using static CultureNet.Cli.Tests.Reliability.FaultFixtures;

namespace CultureNet.Cli.Tests.Reliability;

/// <summary>
/// A read-only folder gives one clean error; kill -9 at seeded random moments leaves nothing that looks valid but is
/// not, loses nothing finished, and the rerun completes with no temporary file left.
/// </summary>
public class ReadOnlyAndKillTests
{
    private const string UnfinishedMarker = Engine.Protocol.Running.UnfinishedMarker.FileName;

    [Fact]
    public void EveryWritingCommandOnAReadOnlyFolderGivesOneCleanError()
    {
        using var dir = new TempDir();
        var (x, y) = TrainingArrays(dir, 32, 6);
        var (features, meta) = ImportInputs(dir, 10, 4);
        string store = SmallStore(dir);
        string weights = dir.File("w.npz");
        Assert.Equal(0, CliProcess.Run("fit", "--x", x, "--y", y, "--epochs", "1", "--hidden", "3", "--save-weights", weights).ExitCode);
        string manifest = Faces(dir, 2);
        using var disk = new SmallDisk(1 << 20, readOnly: true);
        var commands = new Dictionary<string, string[]>
        {
            ["synth"] = ["synth", "--out", disk.File("s"), "--children-per-culture", "1", "--frames", "10", "--dim", "4"],
            ["import"] = ["import", "npy", "--features", features, "--meta", meta, "--out", disk.File("s")],
            ["fit"] = ["fit", "--x", x, "--y", y, "--epochs", "1", "--hidden", "3", "--save-weights", disk.File("w.h5")],
            ["predict"] = ["predict", "--weights", weights, "--x", x, "--out", disk.File("p.npy")],
            ["protocol"] = ["protocol", "--store", store, "--out", disk.File("r"), "--runs", "1", "--settings", "ME"],
            ["extract"] = ["extract", "--manifest", manifest, "--out", disk.File("s")],
        };
        foreach (var (name, args) in commands)
        {
            string line = AssertOneCleanError(CliProcess.Run(args), name);
            Assert.Contains("Read-only file system", line);
        }
    }

    /// <summary>Runs <paramref name="args"/> once to completion (timing it), then kills fresh runs at seeded moments
    /// within that time, checks <paramref name="afterKill"/>, reruns to completion and checks the result.</summary>
    private static void KillAtRandomMoments(string[] args, string output, Action afterKill, Action afterRerun, int kills = 3)
    {
        var clock = Stopwatch.StartNew();
        var first = CliProcess.Run(args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var full = clock.Elapsed;
        afterRerun();
        var rng = new Random(424242);
        for (int k = 0; k < kills; k++)
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            if (File.Exists(output)) File.Delete(output);
            var delay = TimeSpan.FromMilliseconds(300 + rng.NextDouble() * Math.Max(100, full.TotalMilliseconds - 300));
            using (var running = CliProcess.Start(args))
            {
                running.Process.WaitForExit(delay);
                if (!running.Process.HasExited) running.Process.Kill(entireProcessTree: true);
                running.Process.WaitForExit();
            }
            afterKill();
            var again = CliProcess.Run(args);
            Assert.True(again.ExitCode == 0, $"rerun after a kill at {delay.TotalMilliseconds:F0} ms: {again.Stderr}");
            afterRerun();
            AssertNoTemporaries(Directory.Exists(output) ? output : Path.GetDirectoryName(output)!, string.Join(' ', args[..1]));
        }
    }

    private static void StoreIsAbsentOrValid(string store)
    {
        if (!File.Exists(Path.Combine(store, "features.cnstore"))) return;
        using var s = FeatureStore.Open(store, verifyChecksums: true);
        Assert.True(s.RowCount > 0);
    }

    [Fact]
    public void Synth()
    {
        using var dir = new TempDir();
        string store = dir.File("store");
        KillAtRandomMoments(["synth", "--out", store, "--children-per-culture", "3", "--frames", "400", "--dim", "512"], store,
            () => StoreIsAbsentOrValid(store),
            () => { using var s = FeatureStore.Open(store, verifyChecksums: true); Assert.Equal(2400, s.RowCount); });
    }

    [Fact]
    public void Import()
    {
        using var dir = new TempDir();
        var (features, meta) = ImportInputs(dir, 600, 512);
        string store = dir.File("store");
        KillAtRandomMoments(["import", "npy", "--features", features, "--meta", meta, "--out", store], store,
            () => StoreIsAbsentOrValid(store),
            () => { using var s = FeatureStore.Open(store, verifyChecksums: true); Assert.Equal(2400, s.RowCount); });
    }

    [Fact]
    public void FitSaveWeights()
    {
        using var dir = new TempDir();
        var (x, y) = TrainingArrays(dir, 512, 256);
        string output = dir.File("out");
        Directory.CreateDirectory(output);
        string weights = Path.Combine(output, "w.h5");
        void WeightsAbsentOrComplete()
        {
            if (File.Exists(weights)) Assert.Equal(5, WeightFile.Read(weights).Count);
        }
        KillAtRandomMoments(["fit", "--x", x, "--y", y, "--epochs", "3", "--seed", "1", "--save-weights", weights], output,
            WeightsAbsentOrComplete, () => Assert.Equal(5, WeightFile.Read(weights).Count));
    }

    [Fact]
    public void Extract()
    {
        using var dir = new TempDir();
        string manifest = Faces(dir, 12);
        string store = dir.File("store");
        KillAtRandomMoments(["extract", "--manifest", manifest, "--out", store, "--batch", "2"], store,
            () => StoreIsAbsentOrValid(store),
            () =>
            {
                using var s = FeatureStore.Open(store, verifyChecksums: true);
                Assert.Equal(12, s.RowCount);
                Assert.False(File.Exists(store + ".journal"));
            });
    }

    [Fact]
    public void Protocol()
    {
        using var dir = new TempDir();
        string store = SmallStore(dir);
        string results = dir.File("results");
        KillAtRandomMoments(["protocol", "--store", store, "--out", results, "--runs", "1", "--analyses", "none"], results,
            () =>
            {
                // Killed before it completed: if any report is there, the folder says it is unfinished.
                bool anyReport = Directory.Exists(results) && new[] { ResultsFolder.Predictions, ResultsFolder.PerChild, ResultsFolder.Table2Md }
                    .Any(f => File.Exists(Path.Combine(results, f)));
                bool completed = anyReport && !File.Exists(Path.Combine(results, UnfinishedMarker))
                    && File.Exists(Path.Combine(results, ResultsFolder.Table2JsonFile)) && File.Exists(Path.Combine(results, ResultsFolder.Fits));
                if (anyReport && !completed) Assert.True(File.Exists(Path.Combine(results, UnfinishedMarker)));
            },
            () =>
            {
                Assert.False(File.Exists(Path.Combine(results, UnfinishedMarker)));
                Assert.True(File.Exists(Path.Combine(results, ResultsFolder.Table2Md)));
            });
    }

    [Fact]
    public void ProtocolKilledWhileWritingReportsIsMarkedUnfinished()
    {
        // Kill the moment the first report appears: the later ones are not written yet.
        using var dir = new TempDir();
        string store = SmallStore(dir);
        string results = dir.File("results");
        using (var running = CliProcess.Start("protocol", "--store", store, "--out", results, "--runs", "1", "--analyses", "none"))
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(results, ResultsFolder.Predictions)) && !running.Process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
                Thread.SpinWait(1000);
            running.Process.Kill(entireProcessTree: true);
            running.Process.WaitForExit();
        }
        Assert.True(File.Exists(Path.Combine(results, ResultsFolder.Predictions)), "the run ended before its reports");
        Assert.True(File.Exists(Path.Combine(results, UnfinishedMarker)), "a partly written results folder does not say it is unfinished");
        Assert.Contains("unfinished", File.ReadAllText(Path.Combine(results, UnfinishedMarker)));
    }
}
