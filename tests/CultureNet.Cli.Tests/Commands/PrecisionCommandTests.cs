using CultureNet.Cli.Tests.Support;
using CultureNet.Engine;
using CultureNet.Engine.Data;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>
/// <c>--backend</c> and <c>--precision</c> as a user meets them: fit says what it computed on, a CPU without bfloat16 is
/// one <c>error:</c> line naming the instruction set, the protocol records its choice and refuses a second process with
/// another, slurm passes them to every job, and the OPENBLAS_CORETYPE default reaches OpenBLAS without overriding a user's.
/// </summary>
public class PrecisionCommandTests
{
    private static bool HasBfloat16()
    {
        try { Sequential.ResolveBackend(NativeBackends.OneDnn, Policy.MixedBfloat16); return true; }
        catch (CultureNetException) { return false; }
    }

    private static string[] Fit(TempDir dir, params string[] more)
    {
        if (!File.Exists(dir.File("x.npy")))
        {
            var (x, y) = Engine.Tests.Support.Data.Regression(60, 6, seed: 1);
            NpyMatrix.Save(dir.File("x.npy"), x.ToArray(), x.Rows, x.Cols);
            NpyMatrix.Save(dir.File("y.npy"), y.ToArray(), y.Rows, y.Cols);
        }
        return ["fit", "--x", dir.File("x.npy"), "--y", dir.File("y.npy"), "--epochs", "1", "--hidden", "4", .. more];
    }

    private static string SingleError(CliProcess.Result r)
    {
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.DoesNotContain("   at ", r.Stderr);
        return line;
    }

    [Fact]
    public void Fit_says_which_backend_and_precision_it_trained_with()
    {
        using var dir = new TempDir();
        var openblas = CliProcess.Run(Fit(dir, "--backend", "openblas"));
        Assert.True(openblas.ExitCode == 0, openblas.Stderr);
        Assert.Contains("BLAS: openblas (", openblas.Stdout);
        Assert.Contains("precision float32", openblas.Stdout);
        if (!HasBfloat16()) return; // the next test covers the refusal
        var bf16 = CliProcess.Run(Fit(dir, "--precision", "mixed_bfloat16"));
        Assert.True(bf16.ExitCode == 0, bf16.Stderr);
        Assert.Matches(@"BLAS: onednn \S+ \(brg:avx512_core_(amx_)?bf16\), precision mixed_bfloat16", bf16.Stdout);
    }

    [Fact]
    public void Mixed_bfloat16_without_the_instruction_set_is_one_line_naming_it()
    {
        using var dir = new TempDir();
        // oneDNN limited below AVX512_CORE_BF16: what a CPU without avx512_bf16/amx_bf16 looks like to the engine.
        var r = CliProcess.RunWith(info => info.Environment["ONEDNN_MAX_CPU_ISA"] = "AVX2", Fit(dir, "--precision", "mixed_bfloat16"));
        var line = SingleError(r);
        Assert.Contains("mixed_bfloat16 needs a CPU with avx512_bf16 (or amx_bf16)", line);
        Assert.Contains("avx2", line);
        Assert.DoesNotContain("epoch", r.Stdout);
    }

    [Fact]
    public void Unknown_backends_and_precisions_and_bfloat16_on_openblas_are_refused()
    {
        using var dir = new TempDir();
        Assert.Contains("--precision 'float16': expected float32 or mixed_bfloat16", SingleError(CliProcess.Run(Fit(dir, "--precision", "float16"))));
        Assert.Contains("--backend 'cuda': expected onednn or openblas", SingleError(CliProcess.Run(Fit(dir, "--backend", "cuda"))));
        Assert.Contains("float32 only", SingleError(CliProcess.Run(Fit(dir, "--backend", "openblas", "--precision", "mixed_bfloat16"))));
    }

    [Fact]
    public void Openblas_gets_its_avx2_kernels_on_avx512_cpus_unless_the_user_chose_a_core_type()
    {
        using var dir = new TempDir();
        bool avx512 = OpenBlasCoreType.HasAvx512Skx();
        var chosen = CliProcess.RunWith(info => info.Environment.Remove(OpenBlasCoreType.Variable), Fit(dir, "--backend", "openblas"));
        Assert.True(chosen.ExitCode == 0, chosen.Stderr);
        // Debian's OpenBLAS 0.3.21 takes this kind of CPU (Sapphire Rapids) for a Prescott without the default.
        if (avx512) Assert.Contains("core=Haswell", chosen.Stdout);
        var user = CliProcess.RunWith(info => info.Environment[OpenBlasCoreType.Variable] = "Prescott", Fit(dir, "--backend", "openblas"));
        Assert.True(user.ExitCode == 0, user.Stderr);
        Assert.Contains("core=Prescott", user.Stdout);
    }

    /// <summary>Two cultures of two children, 20 frames of 4 features each.</summary>
    private static string Store(TempDir dir)
    {
        string path = dir.File("store");
        using var writer = FeatureStoreWriter.Create(path, 4);
        var random = new Random(1);
        foreach (var (culture, child) in new (byte, int)[] { (0, 1), (0, 2), (1, 3), (1, 4) })
            for (int f = 0; f < 20; f++)
                writer.Append(culture, child, f, (float)random.NextDouble(), [1, 2, 3, (float)random.NextDouble()]);
        writer.Finish();
        return path;
    }

    private static CliProcess.Result Protocol(string store, string results, params string[] more) =>
        CliProcess.Run(["protocol", "--store", store, "--out", results, "--runs", "1", "--settings", "M1", "--analyses", "none", .. more]);

    [Fact]
    public void Protocol_records_its_engine_and_refuses_a_second_process_with_another()
    {
        using var dir = new TempDir();
        string store = Store(dir);
        string plain = dir.File("plain");
        var first = Protocol(store, plain);
        Assert.True(first.ExitCode == 0, first.Stderr);
        // The default keeps the files as they were: no engine column or title.
        Assert.Equal("key,run,epochs,loss,val_loss", File.ReadLines(Path.Combine(plain, "fits.csv")).First());
        Assert.DoesNotContain("engine", File.ReadAllText(Path.Combine(plain, "table2.md")));
        string manifest = File.ReadAllText(Path.Combine(plain, "protocol.json"));
        Assert.Contains("\"precision\": \"float32\"", manifest);
        Assert.Contains("\"backend\": \"onednn\"", manifest);

        Assert.Contains("--backend onednn (now openblas)", SingleError(Protocol(store, plain, "--backend", "openblas")));
        Assert.Contains("--conventions reference (now paper)", SingleError(Protocol(store, plain, "--conventions", "paper")));
        if (HasBfloat16())
            Assert.Contains("--precision float32 (now mixed_bfloat16)", SingleError(Protocol(store, plain, "--precision", "mixed_bfloat16")));

        string other = dir.File("openblas");
        var openblas = Protocol(store, other, "--backend", "openblas");
        Assert.True(openblas.ExitCode == 0, openblas.Stderr);
        Assert.Contains("engine: openblas, float32", openblas.Stdout);
        Assert.Contains("\"backend\": \"openblas\"", File.ReadAllText(Path.Combine(other, "protocol.json")));
        Assert.StartsWith("# Table II", File.ReadAllText(Path.Combine(other, "table2.md")));
        Assert.Contains(" — engine: openblas, float32\n", File.ReadAllText(Path.Combine(other, "table2.md")));
        Assert.All(File.ReadLines(Path.Combine(other, "fits.csv")).Skip(1), line => Assert.EndsWith(",openblas,float32", line));
        Assert.Contains("--backend openblas (now onednn)", SingleError(Protocol(store, other, "--backend", "onednn")));
    }

    [Fact]
    public void Protocol_in_mixed_bfloat16_records_it_in_every_report()
    {
        if (!HasBfloat16()) return; // Mixed_bfloat16_without_the_instruction_set_is_one_line_naming_it covers such a CPU
        using var dir = new TempDir();
        string results = dir.File("bf16");
        var run = Protocol(Store(dir), results, "--precision", "mixed_bfloat16");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\"precision\": \"mixed_bfloat16\"", File.ReadAllText(Path.Combine(results, "protocol.json")));
        Assert.Contains(" — engine: onednn, mixed_bfloat16\n", File.ReadAllText(Path.Combine(results, "table2.md")));
        Assert.Contains("\"engine\": \"onednn, mixed_bfloat16\"", File.ReadAllText(Path.Combine(results, "table2.json")));
        Assert.Equal("key,run,epochs,loss,val_loss,backend,precision", File.ReadLines(Path.Combine(results, "fits.csv")).First());
        Assert.Contains("--precision mixed_bfloat16 (now float32)", SingleError(Protocol(dir.File("store"), results)));
    }

    [Fact]
    public void Slurm_passes_backend_and_precision_to_every_job()
    {
        using var dir = new TempDir();
        var r = CliProcess.Run("slurm", "--store", dir.File("store"), "--out", dir.File("results"), "--shards", "2",
            "--backend", "onednn", "--precision", "mixed_bfloat16", "--seed", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (var script in new[] { "protocol-shards.sbatch", "protocol-finish.sbatch" })
        {
            string text = File.ReadAllText(Path.Combine(dir.File("results"), "slurm", script));
            Assert.Contains("--backend onednn", text);
            Assert.Contains("--precision mixed_bfloat16", text);
            Assert.Contains("--seed 3", text);
        }
        Assert.Contains("--precision 'half'", SingleError(CliProcess.Run("slurm", "--store", dir.File("store"), "--out", dir.File("r2"),
            "--shards", "2", "--precision", "half")));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Bench_reports_every_backend_and_precision_against_the_fp32_limit_and_pytorch()
    {
        using var dir = new TempDir();
        var r = CliProcess.RunFor(TimeSpan.FromMinutes(10), null, "bench", "--rows", "512", "--rounds", "2", "--out", dir.Path);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("SYNTHETIC", r.Stdout);
        Assert.Contains("data=synthetic random", r.Stdout);
        var csv = File.ReadAllLines(dir.File("training-bench.csv"));
        Assert.Equal("backend,precision,gemm_gflops,train_samples_per_s,limit_samples_per_s,ratio_to_limit,ratio_to_torch,unavailable,data,ratio_to_step_bound", csv[0]);
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(["onednn float32", "onednn mixed_bfloat16", "openblas float32"], rows.Take(3).Select(f => $"{f[0]} {f[1]}"));
        Assert.StartsWith("pytorch 1.13", rows[3][0]);
        double Number(string[] row, int column) => double.Parse(row[column], System.Globalization.CultureInfo.InvariantCulture);
        foreach (var row in rows.Take(3).Where(f => f[7].Length == 0))
        {
            Assert.True(Number(row, 2) > 0 && Number(row, 3) > 0);
            // The limit is the best fp32 GEMM over 6.894 MFLOP per sample: at least each fp32 case's own GEMM.
            if (row[1] == "float32") Assert.True(Number(row, 4) >= Number(row, 2) * 1e9 / 6_894_300 * 0.999, string.Join(',', row));
            Assert.True(Number(row, 6) > 0);
        }
        if (HasBfloat16()) Assert.Equal("", rows[1][7]);
        // The step bound: the last row, at 1 of itself; each case's share of it is its ratio to the limit over the bound's.
        var bound = rows[^1];
        Assert.Equal("step bound", bound[0]);
        Assert.Equal(1.0, Number(bound, 9));
        Assert.True(Number(bound, 5) > 0 && Number(bound, 3) > 0, string.Join(',', bound));
        var onednn = rows[0];
        Assert.Equal(Number(onednn, 5) / Number(bound, 5), Number(onednn, 9), 2);
        Assert.Contains(r.Stdout.Split('\n'), l => l.StartsWith("step_bound_ratio_to_limit=", StringComparison.Ordinal));
        string md = File.ReadAllText(dir.File("training-bench.md"));
        Assert.Contains("| onednn | mixed_bfloat16 |", md);
        Assert.Contains("| openblas | float32 |", md);
        Assert.Contains("Peer: PyTorch 1.13", md);
        Assert.Contains("Step bound: ", md);
        Assert.Contains("| / step bound |", md);
    }
}
