using CultureNet.Cli.Tests.Support;
using CultureNet.Engine;
using CultureNet.Engine.IO;
using CultureNet.Engine.Tests.Data;
using System.Diagnostics;
using CultureNet.Engine.Data;

using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

public class StoreCommandsTests
{
    [Fact]
    public void A_writer_killed_mid_import_leaves_nothing_that_opens_and_keeps_the_previous_store_intact()
    {
        using var tmp = new TempDir();
        // Big enough (~100 MB) that the import runs well past its first write.
        const int rows = 50_000, dim = 512;
        var x = new float[rows * dim];
        var rng = new Random(5);
        for (int i = 0; i < x.Length; i += 97) x[i] = (float)rng.NextDouble();
        using (var w = new NpyArrayWriter(tmp.File("X.npy"), NpyElement.Float32, rows, dim)) { w.WriteRows(x); w.Finish(); }
        using (var meta = new StreamWriter(tmp.File("meta.csv")))
        {
            meta.WriteLine("culture,child,frame,label");
            for (int i = 0; i < rows; i++) meta.WriteLine($"{i % 2},{1 + i % 7},{i},0.5");
        }

        foreach (bool previousStore in new[] { false, true })
        {
            string dir = tmp.File(previousStore ? "replace" : "fresh");
            var small = TestRows.Make(frames: 5, dim: 3);
            if (previousStore) small.WriteStore(dir);

            using var running = CliProcess.Start("import", "npy", "--features", tmp.File("X.npy"), "--meta", tmp.File("meta.csv"), "--out", dir);
            var p = running.Process;
            var clock = Stopwatch.StartNew();
            string? temp = null;
            while (clock.Elapsed < TimeSpan.FromSeconds(30) && !p.HasExited)
            {
                temp = Directory.Exists(dir) ? Directory.GetFiles(dir, ".features.cnstore.*.tmp").FirstOrDefault() : null;
                if (temp != null && SafeLength(temp) > 8 << 20) break; // it has been writing features for a while
                Thread.Sleep(2);
            }
            Assert.False(p.HasExited, "the import finished before it could be killed; make the input bigger");
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.NotNull(temp);

            if (previousStore)
            {
                using var old = FeatureStore.Open(dir, verifyChecksums: true);
                Assert.Equal(small.Count, old.RowCount);
                Assert.Equal(small.Features, old.Features(0, small.Count).ToArray());
            }
            else
            {
                var e = Assert.Throws<CultureNetException>(() => FeatureStore.Open(dir));
                Assert.Contains("no finalised feature store", e.Message);
                // Even pointed at directly, the killed writer's temporary file is not a store.
                var direct = Assert.Throws<CultureNetException>(() => FeatureStore.Open(temp!));
                Assert.Contains("not a finalised feature store", direct.Message);
            }

            // The next writer removes the dead writer's temporary file.
            TestRows.Make(frames: 2, dim: 3).WriteStore(dir);
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        }
    }

    private static long SafeLength(string path)
    {
        try { return new FileInfo(path).Length; } catch (IOException) { return 0; }
    }

    [Fact]
    public void Synth_info_verify_export_through_the_cli()
    {
        using var tmp = new TempDir();
        var (rc, stdout, stderr) = CliProcess.Run("synth", "--out", tmp.File("s"), "--children-per-culture", "2", "--frames", "50", "--dim", "16", "--seed", "3");
        Assert.True(rc == 0, stderr);
        Assert.Contains("SYNTHETIC", stdout);

        (rc, stdout, stderr) = CliProcess.Run("info", tmp.File("s"), "--verify");
        Assert.True(rc == 0, stderr);
        Assert.Contains("SYNTHETIC", stdout);
        Assert.Contains("C0 (Japan): 2 children, 100 frames", stdout);
        Assert.Contains("features OK", stdout);

        (rc, stdout, _) = CliProcess.Run("export", tmp.File("s"), "--out", tmp.File("e"));
        Assert.Equal(0, rc);
        (rc, _, stderr) = CliProcess.Run("import", "reference", Path.Combine(tmp.File("e"), "data_0.npy"), Path.Combine(tmp.File("e"), "data_1.npy"), "--out", tmp.File("r"));
        Assert.True(rc == 0, stderr);
        using (var a = FeatureStore.Open(tmp.File("s")))
        using (var b = FeatureStore.Open(tmp.File("r")))
            Assert.Equal(a.Features(0, (int)a.RowCount).ToArray(), b.Features(0, (int)b.RowCount).ToArray());

        (rc, stdout, stderr) = CliProcess.Run("verify", tmp.File("s"));
        Assert.True(rc == 0, stderr);
        Assert.StartsWith("OK:", stdout.Split('\n').Last(l => l.Length > 0));

        // Corrupt one feature byte: verify fails with one error line and exit code 1.
        string file = Path.Combine(tmp.File("s"), "features.cnstore");
        using (var fs = new FileStream(file, FileMode.Open)) { fs.Position = 4096 + 16 * 4 * 60; int v = fs.ReadByte(); fs.Position--; fs.WriteByte((byte)(v ^ 1)); }
        (rc, _, stderr) = CliProcess.Run("verify", tmp.File("s"));
        Assert.Equal(1, rc);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("feature checksum mismatch in culture C0 (Japan) child 2", stderr);
    }

    [Fact]
    public void Cli_errors_are_one_line_without_a_stack_trace()
    {
        using var tmp = new TempDir();
        var (rc, _, stderr) = CliProcess.Run("info", tmp.Path);
        Assert.Equal(1, rc);
        Assert.Equal($"error: {tmp.Path}: no feature store (features.cnstore not found)", stderr.Trim());
    }
}
