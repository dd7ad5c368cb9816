using CultureNet.Benchmarking;
using System.CommandLine;
using System.Globalization;
using CultureNet.Engine.Native;

namespace CultureNet.Cli.Commands;

/// <summary>
/// `culturenet bench`: GenNet training throughput (batch 128, random data) next to the machine's cblas_sgemm limit,
/// measured in interleaved rounds of the same run, as key=value lines a script can read.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "rows of random training data (one epoch per round)", DefaultValueFactory = _ => 16384 };
        var rounds = new Option<int>("--rounds") { Description = "rounds of (sgemm timing, training epoch); medians are reported", DefaultValueFactory = _ => 7 };
        var threads = new Option<int>("--threads") { Description = "threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var command = new Command("bench", "Measure GenNet training samples/s against the machine's cblas_sgemm limit (synthetic random data)")
        {
            rows, rounds, threads,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            NativeEngine.NumThreads = r.GetValue(threads);
            if (r.GetValue(rounds) < 1) throw new ArgumentException("--rounds must be at least 1");
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"blas={NativeEngine.BlasInfo}");
            Console.WriteLine($"threads={NativeEngine.NumThreads}");
            using var bench = new TrainingThroughput(rows: r.GetValue(rows));
            var measured = bench.MeasureRounds(r.GetValue(rounds));
            foreach (var (round, i) in measured.Select((m, i) => (m, i)))
                Console.WriteLine(string.Create(inv, $"round={i + 1} sgemm_gflops={round.SgemmGflops:F1} train_samples_per_s={round.SamplesPerSecond:F0} ratio={round.Ratio:F3}"));
            Console.WriteLine(string.Create(inv, $"sgemm_gflops={Statistics.Median(measured.Select(m => m.SgemmGflops)):F1}"));
            Console.WriteLine(string.Create(inv, $"limit_samples_per_s={Statistics.Median(measured.Select(m => m.LimitSamplesPerSecond)):F0}"));
            Console.WriteLine(string.Create(inv, $"train_samples_per_s={Statistics.Median(measured.Select(m => m.SamplesPerSecond)):F0}"));
            Console.WriteLine(string.Create(inv, $"ratio_to_limit={Statistics.Median(measured.Select(m => m.Ratio)):F3}"));
            Console.WriteLine("data=synthetic random (a throughput test bed, not an engagement result)");
            return 0;
        }));
        return command;
    }
}
