using System.Globalization;
using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>`culturenet bench protocol` on a tiny SYNTHETIC cohort: its FLOP count is the documented formula over the
/// M1 folds' rows and trained epochs, the bound is that count at the printed GEMM rate, and the PyTorch peer ran.</summary>
[Trait("Category", "Slow")]
public class BenchProtocolCommandTests
{
    [Fact]
    public void Bench_protocol_reports_wall_time_against_the_flop_bound_and_the_pytorch_peer()
    {
        using var dir = new TempDir();
        var run = CliProcess.Run("bench", "protocol", "--children-per-culture", "2", "--frames", "300", "--dim", "64", "--out", dir.Path, "--jobs", "1");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("SYNTHETIC", run.Stdout);
        string md = File.ReadAllText(dir.File("protocol-bench.md"));
        Assert.Contains("bound / wall", md);
        // The bound's rate is the best fp32 GEMM of every backend, measured in this run before and after the protocol, and
        // the fastest backend's also between its fits (the other's column reads "-").
        Assert.Matches(@"\| onednn float32 \| \d+\.\d \| (\d+\.\d|-) \| \d+\.\d \|", md);
        Assert.Matches(@"\| openblas float32 \| \d+\.\d \| (\d+\.\d|-) \| \d+\.\d \|", md);
        Assert.Matches(@"Full paper protocol estimate \(10 runs x ~365 fits at this run's wall time per fit\): \d+\.\d h", md);
        Assert.Matches(@"PyTorch wall / culturenet wall on the same M1 folds: \d+\.\d\d", md);
        var gemms = System.Text.RegularExpressions.Regex.Matches(md, @"\| (onednn|openblas) float32 \| (\d+\.\d) \| (\d+\.\d|-) \| (\d+\.\d) \|")
            .SelectMany(m => new[] { m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value }).Where(v => v != "-")
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(5, gemms.Length);

        var rows = File.ReadAllLines(dir.File("protocol-bench.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0]);
        Assert.Equal(["culturenet-float32", "culturenet-float32-local-rate", "pytorch"], rows.Keys.Order().ToArray());
        double Value(string peer, int column) => double.Parse(rows[peer][column], CultureInfo.InvariantCulture);

        // 2 children per culture, 300 frames: every M1 fold trains on the other child's first 240 frames, validates on
        // its last 60 and tests on the target's last 240; 64-500-200-100-50-1 has 157,050 multiply-adds per sample.
        const double macs = 64 * 500 + 500 * 200 + 200 * 100 + 100 * 50 + 50 * 1;
        var epochs = File.ReadAllLines(Path.Combine(dir.Path, "results", "fits.csv")).Skip(1).Select(l => int.Parse(l.Split(',')[2])).ToArray();
        Assert.Equal(4, epochs.Length);
        double flop = epochs.Sum(e => (e * (240 * 6.0 + 60 * 2.0) + 240 * 2.0) * macs);
        Assert.Equal(flop, Value("culturenet-float32", 3), flop * 1e-6);
        double gflops = Value("culturenet-float32", 6);
        Assert.Equal(gemms.Max(), gflops, 0.06);
        Assert.Equal(flop / (gflops * 1e9), Value("culturenet-float32", 4), 0.01 * flop / (gflops * 1e9));
        Assert.Equal(Value("culturenet-float32", 4) / Value("culturenet-float32", 2), Value("culturenet-float32", 5), 0.01);
        // Against the rate timed beside each fit: the same wall time and FLOPs, a bound no shorter than at the best rate.
        Assert.Equal(Value("culturenet-float32", 2), Value("culturenet-float32-local-rate", 2));
        Assert.Equal(Value("culturenet-float32", 3), Value("culturenet-float32-local-rate", 3));
        Assert.True(Value("culturenet-float32-local-rate", 4) >= Value("culturenet-float32", 4) * (1 - 1e-6));
        Assert.Contains("| culturenet, each fit at the rate timed beside it | 4 |", md);
        Assert.Equal(4, (int)Value("pytorch", 1));
        Assert.True(Value("pytorch", 2) > 0 && Value("pytorch", 3) > 0);
    }

    [Fact]
    public void With_fits_at_once_the_bound_is_also_at_as_many_products_at_once()
    {
        using var dir = new TempDir();
        var run = CliProcess.Run("bench", "protocol", "--children-per-culture", "2", "--frames", "200", "--dim", "64", "--out", dir.Path,
            "--threads", "2", "--jobs", "2", "--torch", "none");
        Assert.True(run.ExitCode == 0, run.Stderr);
        string md = File.ReadAllText(dir.File("protocol-bench.md"));
        Assert.Contains("engine threads 2 (2 fits at once x 1 thread)", md);
        // No timing between fits (it would share the cores with the fits in training), so no per-fit bound.
        var gemms = System.Text.RegularExpressions.Regex.Matches(md, @"\| (onednn|openblas) float32(, 2 products at once x 1 thread)? \| (\d+\.\d) \| - \| (\d+\.\d) \|");
        Assert.Equal(3, gemms.Count);
        Assert.Equal("onednn", Assert.Single(gemms, m => m.Groups[2].Success).Groups[1].Value);
        double best = gemms.SelectMany(m => new[] { m.Groups[3].Value, m.Groups[4].Value }).Max(v => double.Parse(v, CultureInfo.InvariantCulture));
        var rows = File.ReadAllLines(dir.File("protocol-bench.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(["culturenet-float32"], rows.Select(r => r[0]).ToArray());
        Assert.Equal(best, double.Parse(rows[0][6], CultureInfo.InvariantCulture), 0.06);
        Assert.Equal(4, WorkerLines(Path.Combine(dir.Path, "results")));
    }

    private static int WorkerLines(string results) =>
        Directory.EnumerateFiles(Path.Combine(results, "workers"), "*.tsv").Sum(f => File.ReadAllLines(f).Length);

    [Fact]
    public void Bench_protocol_runs_the_chosen_backend_and_precision_and_names_it()
    {
        using var dir = new TempDir();
        var run = CliProcess.Run("bench", "protocol", "--children-per-culture", "2", "--frames", "100", "--dim", "32", "--out", dir.Path,
            "--backend", "openblas", "--torch", "none");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("| culturenet (openblas, float32) |", run.Stdout);
        Assert.Contains("\"backend\": \"openblas\"", File.ReadAllText(Path.Combine(dir.Path, "results", "protocol.json")));
        Assert.Equal("culturenet-float32", File.ReadAllLines(dir.File("protocol-bench.csv"))[1].Split(',')[0]);
        var bad = CliProcess.Run("bench", "protocol", "--out", dir.File("x"), "--backend", "openblas", "--precision", "mixed_bfloat16", "--torch", "none");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("error: ", bad.Stderr.Trim());
        Assert.Single(bad.Stderr.Trim().Split('\n'));
    }
}
