using System.Diagnostics;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>
/// The CI part of fuzzing: for every target of fuzz/CultureNet.Fuzz, the seed corpus (made by the tool's writers and
/// by NumPy/h5py/PIL through tools/fuzz/make_seeds.py) plus 3000 fresh mutants from a fixed seed, each with a 10 s
/// limit, in a child process with a 1 GB managed heap (an unbounded allocation fails there). Fails on any crash, hang or
/// exception other than the documented CultureNetException. Long coverage-guided campaigns: tools/fuzz/campaign.sh.
/// </summary>
public class FuzzReplayTests : IClassFixture<FuzzReplayTests.Corpus>
{
    public sealed class Corpus : IDisposable
    {
        private readonly TempDir _dir = new();
        public string Dir => _dir.File("corpus");
        public string Findings => _dir.File("findings");

        public Corpus()
        {
            var (rc, output) = Fuzz("seeds", Dir);
            if (rc != 0) throw new InvalidOperationException($"culturenet-fuzz seeds failed: {output}");
            Python.Run(Path.Combine(Python.RepoRoot, "tools", "fuzz", "make_seeds.py"), Dir);
        }

        public void Dispose() => _dir.Dispose();
    }

    private readonly Corpus _corpus;
    public FuzzReplayTests(Corpus corpus) => _corpus = corpus;

    public static TheoryData<string> Targets => new()
    {
        "npy", "npy-stream", "npz-array", "npz-weights", "h5-weights", "keras-h5-model", "keras3-weights", "keras-archive",
        "pickle", "store",
        "manifest", "labels", "meta-csv", "image", "journal", "fit-result",
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeedsAndMutantsNeverCrashOrHang(string target)
    {
        var (rc, output) = Fuzz("replay", _corpus.Dir, _corpus.Findings, "--mutations", "3000", "--seed", "20261201", "--timeout-ms", "10000", target);
        Assert.True(rc == 0, output);
        Assert.Contains($"replay: ", output);
        Assert.Contains(" 0 failures", output);
    }

    private static (int ExitCode, string Output) Fuzz(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "culturenet-fuzz.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x40000000";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            return (-1, "timed out: " + stdout.Result + stderr.Result);
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
