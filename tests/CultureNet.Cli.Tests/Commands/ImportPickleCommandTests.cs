using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Data;
using CultureNet.Engine.Tests.Data;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary><c>import reference</c> on numpy-written pickles (tests/oracles/numpy_pickles.py).</summary>
public class ImportPickleCommandTests(NumpyPickleFixture pickles) : IClassFixture<NumpyPickleFixture>
{
    [Fact]
    public void The_cli_imports_the_reference_pickles()
    {
        using var tmp = new TempDir();
        var result = CliProcess.Run("import", "reference", pickles.File("data_0_p3.pkl"), pickles.File("data_1_p3.pkl"), "--out", tmp.File("store"));
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var store = FeatureStore.Open(tmp.File("store"));
        Assert.Equal(6, store.Dim);
        Assert.Equal([0, 1], store.Cultures.ToArray().Distinct().Order().Select(c => (int)c));
    }

    [Fact]
    public void The_cli_refuses_an_evil_pickle_with_one_error_line_and_runs_nothing()
    {
        using var tmp = new TempDir();
        var result = CliProcess.Run("import", "reference", pickles.File("evil_system_p4.pkl"), "--out", tmp.File("store"));
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Stderr.Trim());
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains("'posix.system'", result.Stderr);
        Assert.False(File.Exists(pickles.Marker));
        Assert.False(File.Exists(Path.Combine(tmp.File("store"), "features.cnstore")));
    }
}
