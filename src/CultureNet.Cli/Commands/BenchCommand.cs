using System.CommandLine;
using System.Globalization;
using CultureNet.Engine.Benchmarking;
using CultureNet.Engine.Native;

namespace CultureNet.Cli.Commands;

/// <summary>
/// `culturenet bench`: GenNet training throughput (batch 128, random data) next to the machine's cblas_sgemm limit,
/// measured in the same run, as key=value lines a script can read.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "rows of random training data", DefaultValueFactory = _ => 16384 };
        var epochs = new Option<int>("--epochs") { Description = "timed epochs (best is reported)", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var command = new Command("bench", "Measure GenNet training samples/s against the machine's cblas_sgemm limit (synthetic random data)")
        {
            rows, epochs, threads,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            NativeEngine.NumThreads = r.GetValue(threads);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"blas={NativeEngine.BlasInfo}");
            Console.WriteLine($"threads={NativeEngine.NumThreads}");
            double gflops = SgemmProbe.MeasureGflops();
            
            double samples = TrainingThroughput.Measure(rows: r.GetValue(rows), epochs: r.GetValue(epochs));
            double gflopsAfter = SgemmProbe.MeasureGflops();
            // The limit is the better of the two readings, so a slow moment of the machine cannot flatter the ratio.
            double limit = SgemmProbe.LimitSamplesPerSecond(Math.Max(gflops, gflopsAfter));
            Console.WriteLine(string.Create(inv, $"sgemm_gflops={gflops:F1}"));
            Console.WriteLine(string.Create(inv, $"sgemm_gflops_after={gflopsAfter:F1}"));
            Console.WriteLine(string.Create(inv, $"limit_samples_per_s={limit:F0}"));
            Console.WriteLine(string.Create(inv, $"train_samples_per_s={samples:F0}"));
            Console.WriteLine(string.Create(inv, $"ratio_to_limit={samples / limit:F3}"));
            Console.WriteLine("data=synthetic random (a throughput test bed, not an engagement result)");
            return 0;
        }));
        return command;
    }
}
