using CultureNet.Engine.Nn;
using CultureNet.Cli.Tests.Support;
using System.Text;
using CultureNet.Engine.IO;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>`culturenet fit`/`predict` as a user runs them: exit codes, one-line errors that name the problem.</summary>
public class FitCommandTests
{
    private static void Save(string path, float[] values, int rows, int cols) => NpyMatrix.Save(path, values, rows, cols);

    private static float[] Values(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
    }

    private static CliProcess.Result Fit(TempDir dir, params string[] extra)
        => CliProcess.Run(["fit", "--x", dir.File("x.npy"), "--y", dir.File("y.npy"), "--hidden", "8,4", .. extra]);

    private static void AssertError(CliProcess.Result result, params string[] fragments)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr); // no stack trace
        foreach (var f in fragments) Assert.Contains(f, result.Stderr);
    }

    [Fact]
    public void FitsPredictsAndWritesHistory()
    {
        using var dir = new TempDir();
        Save(dir.File("x.npy"), Values(200 * 6, 1), 200, 6);
        Save(dir.File("y.npy"), Values(200, 2), 200, 1);
        Save(dir.File("vx.npy"), Values(40 * 6, 3), 40, 6);
        Save(dir.File("vy.npy"), Values(40, 4), 40, 1);
        var fit = Fit(dir, "--val-x", dir.File("vx.npy"), "--val-y", dir.File("vy.npy"), "--epochs", "3", "--seed", "1",
                      "--save-weights", dir.File("w.h5"), "--history", dir.File("h.csv"));
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        Assert.Contains("epoch 3/3", fit.Stdout);
        Assert.Contains("samples/s", fit.Stdout);
        var history = File.ReadAllLines(dir.File("h.csv"));
        Assert.Equal("epoch,loss,mae,val_loss,val_mae,seconds,samples_per_s", history[0]);
        Assert.Equal(4, history.Length);

        var predict = CliProcess.Run("predict", "--weights", dir.File("w.h5"), "--x", dir.File("vx.npy"), "--out", dir.File("p.npy"));
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var p = NpyMatrix.Load(dir.File("p.npy"), allowVector: true);
        Assert.Equal(40, p.Rows);
    }

    [Fact]
    public void NaNAndInfinityNameTheRowAndColumn()
    {
        using var dir = new TempDir();
        var x = Values(20 * 6, 1);
        x[13 * 6 + 4] = float.NaN;
        Save(dir.File("x.npy"), x, 20, 6);
        Save(dir.File("y.npy"), Values(20, 2), 20, 1);
        AssertError(Fit(dir), "x.npy", "row 13, column 4", "NaN");

        x[13 * 6 + 4] = 0;
        Save(dir.File("x.npy"), x, 20, 6);
        var y = Values(20, 2);
        y[17] = float.PositiveInfinity;
        Save(dir.File("y.npy"), y, 20, 1);
        AssertError(Fit(dir), "y.npy", "row 17, column 0", "+Inf");
    }

    [Fact]
    public void RowCountMismatchIsReported()
    {
        using var dir = new TempDir();
        Save(dir.File("x.npy"), Values(20 * 6, 1), 20, 6);
        Save(dir.File("y.npy"), Values(19, 2), 19, 1);
        AssertError(Fit(dir), "20 rows", "19");
    }

    [Fact]
    public void WrongDimensionsAreReported()
    {
        using var dir = new TempDir();
        Save(dir.File("x.npy"), Values(20, 1), 20, 1);
        Python.Run("-c", $"import numpy as np; np.save('{dir.File("x.npy")}', np.zeros(20, np.float32)); np.save('{dir.File("y.npy")}', np.zeros((20, 1), np.float32))");
        AssertError(Fit(dir), "x.npy", "1 dimensions", "2-D");
        Python.Run("-c", $"import numpy as np; np.save('{dir.File("x.npy")}', np.zeros((20, 3, 2), np.float32))");
        AssertError(Fit(dir), "x.npy", "3-D");
        Python.Run("-c", $"import numpy as np; np.save('{dir.File("x.npy")}', np.zeros((20, 3), np.float32)); np.save('{dir.File("y.npy")}', np.zeros((20, 2, 2), np.float32))");
        AssertError(Fit(dir), "y.npy", "3-D");
    }

    [Fact]
    public void EmptyMissingAndNonNpyFilesAreReported()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("x.npy"), []);
        Save(dir.File("y.npy"), Values(20, 2), 20, 1);
        AssertError(Fit(dir), "x.npy", "empty");
        File.WriteAllText(dir.File("x.npy"), "x,y\n1,2\n");
        AssertError(Fit(dir), "x.npy", "not a .npy file");
        File.Delete(dir.File("x.npy"));
        AssertError(Fit(dir), "x.npy", "not found");
        Python.Run("-c", $"import numpy as np; np.save('{dir.File("x.npy")}', np.zeros((0, 4), np.float32))");
        AssertError(Fit(dir), "x.npy", "no values");
    }

    [Fact]
    public void NonFloat32ArraysAreRefusedWithTheFix()
    {
        using var dir = new TempDir();
        Python.Run("-c", $"import numpy as np; np.save('{dir.File("x.npy")}', np.zeros((20, 4), np.float64)); np.save('{dir.File("y.npy")}', np.zeros(20, np.float32))");
        AssertError(Fit(dir), "x.npy", "float64", "expected float32", "astype(np.float32)");
        Python.Run("-c", $"import numpy as np; np.save('{dir.File("x.npy")}', np.zeros((20, 4), np.float32)); np.save('{dir.File("y.npy")}', np.zeros(20, np.int64))");
        AssertError(Fit(dir), "y.npy", "int64");
    }

    [Fact]
    public void BadOptionsAreReported()
    {
        using var dir = new TempDir();
        Save(dir.File("x.npy"), Values(20 * 6, 1), 20, 6);
        Save(dir.File("y.npy"), Values(20, 2), 20, 1);
        AssertError(Fit(dir, "--val-x", dir.File("x.npy")), "--val-y");
        AssertError(CliProcess.Run("fit", "--x", dir.File("x.npy"), "--y", dir.File("y.npy"), "--hidden", "8,zero"), "--hidden", "zero");
        AssertError(Fit(dir, "--batch-size", "0"), "batchSize");
        AssertError(Fit(dir, "--save-weights", dir.File("w.bin")), "unknown weight file type");
        Assert.NotEqual(0, CliProcess.Run("fit", "--y", dir.File("y.npy")).ExitCode); // --x is required
    }

    [Fact]
    public void MissingNativeLibrarySaysHowToBuildIt()
    {
        using var dir = new TempDir();
        var app = CopyApp(dir, patchLibrary: null);
        Save(dir.File("x.npy"), Values(20 * 6, 1), 20, 6);
        Save(dir.File("y.npy"), Values(20, 2), 20, 1);
        var result = RunCopy(app, dir);
        AssertError(result, "libculturenet.so is missing", "cmake", "apt-get install");
    }

    [Fact]
    public void MissingBlasSaysWhatToInstall()
    {
        using var dir = new TempDir();
        // The same library asking for a BLAS soname that no system has: what a machine without libblas.so.3 sees.
        var app = CopyApp(dir, patchLibrary: bytes => ReplaceOnce(bytes, "libblas.so.3\0", "libblas.so.9\0"));
        Save(dir.File("x.npy"), Values(20 * 6, 1), 20, 6);
        Save(dir.File("y.npy"), Values(20, 2), 20, 1);
        var result = RunCopy(app, dir);
        AssertError(result, "BLAS is missing", "apt-get install libopenblas0", "libblas.so.9");
    }

    private static CliProcess.Result RunCopy(string app, TempDir dir)
        => CliProcess.RunWith(info => info.ArgumentList[0] = Path.Combine(app, "culturenet.dll"),
                               "fit", "--x", dir.File("x.npy"), "--y", dir.File("y.npy"), "--hidden", "4");

    private static string CopyApp(TempDir dir, Func<byte[], byte[]>? patchLibrary)
    {
        var app = Path.Combine(dir.Path, "app");
        Directory.CreateDirectory(app);
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory))
        {
            var name = Path.GetFileName(file);
            if (name == "libculturenet.so")
            {
                if (patchLibrary is not null) File.WriteAllBytes(Path.Combine(app, name), patchLibrary(File.ReadAllBytes(file)));
                continue;
            }
            if (name.StartsWith("culturenet", StringComparison.Ordinal) || name.EndsWith(".dll", StringComparison.Ordinal))
                File.Copy(file, Path.Combine(app, name));
        }
        return app;
    }

    private static byte[] ReplaceOnce(byte[] data, string from, string to)
    {
        var f = Encoding.ASCII.GetBytes(from);
        var t = Encoding.ASCII.GetBytes(to);
        int at = data.AsSpan().IndexOf(f);
        Assert.True(at >= 0, $"'{from.TrimEnd('\0')}' not found in libculturenet.so");
        var copy = (byte[])data.Clone();
        t.CopyTo(copy, at);
        return copy;
    }
}
