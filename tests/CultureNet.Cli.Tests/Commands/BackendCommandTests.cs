using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>The backend a <c>culturenet</c> process runs on, and its message when oneDNN is missing.</summary>
public class BackendCommandTests
{
    [Fact]
    public void MissingOnednnIsOneClearLineAndTheDefaultFallsBackToOpenblas()
    {
        // A culturenet process whose oneDNN is not where the loader looks (the real loading path, pointed at a soname
        // that does not exist).
        using var dir = new TempDir();
        var (x, y) = Engine.Tests.Support.Data.Regression(40, 6, seed: 1);
        NpyMatrix.Save(dir.File("x.npy"), x.ToArray(), x.Rows, x.Cols);
        NpyMatrix.Save(dir.File("y.npy"), y.ToArray(), y.Rows, y.Cols);
        string[] fit = ["fit", "--x", dir.File("x.npy"), "--y", dir.File("y.npy"), "--epochs", "1", "--hidden", "4"];
        var asked = CliProcess.RunWith(info =>
        {
            info.Environment["CULTURENET_ONEDNN_LIBRARY"] = "libdnnl.so.0-not-installed";
            info.Environment["CULTURENET_BACKEND"] = NativeBackends.OneDnn;
        }, fit);
        Assert.Equal(1, asked.ExitCode);
        var line = Assert.Single(asked.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("backend onednn (from CULTURENET_BACKEND)", line);
        Assert.Contains("apt-get install libdnnl2", line);
        Assert.DoesNotContain("   at ", asked.Stderr);

        var fallback = CliProcess.RunWith(info => info.Environment["CULTURENET_ONEDNN_LIBRARY"] = "libdnnl.so.0-not-installed", fit);
        Assert.True(fallback.ExitCode == 0, fallback.Stderr + fallback.Stdout);
        Assert.Contains("BLAS: openblas (", fallback.Stdout);
    }
}
