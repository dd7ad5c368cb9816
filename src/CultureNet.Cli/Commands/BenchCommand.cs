using CultureNet.Benchmarking;
using System.CommandLine;
using CultureNet.Engine.Native;

namespace CultureNet.Cli.Commands;

/// <summary>
/// `culturenet bench` (<see cref="BackendBenchmark"/>): GEMM rates at the fc1 shape and GenNet training samples/s for
/// each backend × precision, against the best fp32 GEMM of the same run and a same-run PyTorch peer (SYNTHETIC random
/// data). Prints key=value lines a script can read, then the table, and writes training-bench.md/.csv.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var rows = new Option<int>("--rows") { Description = "rows of random training data (one epoch per case and round)", DefaultValueFactory = _ => 16384 };
        var rounds = new Option<int>("--rounds") { Description = "rounds of (GEMM timing, training epoch) per case; medians are reported", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "threads (0 = all cores)", DefaultValueFactory = _ => 0 };
        var engine = new EngineOptions();
        engine.Backend.Description = "measure only this backend (default: onednn and openblas)";
        engine.Precision.Description = "measure only this precision (default: float32 and mixed_bfloat16)";
        engine.Precision.DefaultValueFactory = null;
        var torch = new Option<string>("--torch") { DefaultValueFactory = _ => "auto", Description = "PyTorch peer script (auto: tools/bench/torch_mlp.py of this checkout; none: no peer)" };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => "bench", Description = "folder for training-bench.md and training-bench.csv" };
        var command = new Command("bench", "GEMM and GenNet training rates per backend and precision against the best fp32 GEMM and PyTorch (SYNTHETIC random data)")
        {
            rows, rounds, threads, engine.Backend, engine.Precision, torch, output, BenchProtocolCommand.Create(),
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            NativeEngine.NumThreads = r.GetValue(threads);
            string? backend = engine.BackendOf(r);
            var precision = r.GetValue(engine.Precision) is { } p ? EngineOptions.ParsePrecision(p) : null;
            var cases = EngineCase.All.Where(c => (backend is null || c.Backend == backend) && (precision is null || c.Policy.Equals(precision))).ToArray();
            if (cases.Length == 0) throw new Engine.CultureNetException($"--backend {backend} --precision {precision?.Name}: no such case (openblas computes in float32 only)");
            var options = new BackendBenchmarkOptions
            {
                Rows = r.GetValue(rows), Rounds = r.GetValue(rounds), Cases = cases,
                TorchScript = PythonPeer.Locate(r.GetValue(torch)!, "torch_mlp.py"),
            };
            Console.WriteLine($"blas={NativeEngine.BlasInfo}");
            Console.WriteLine($"threads={NativeEngine.NumThreads}");
            Console.WriteLine($"openblas_coretype={OpenBlasCoreType.Description}");
            var result = BackendBenchmark.Run(options, Console.Error.WriteLine);
            foreach (var line in BackendBenchmark.KeyValues(result)) Console.WriteLine(line);
            string folder = r.GetValue(output)!;
            Console.WriteLine();
            Console.WriteLine(BackendBenchmark.Write(result, folder, "culturenet " + string.Join(' ', Environment.GetCommandLineArgs()[1..])));
            Console.WriteLine($"written: {Path.GetFullPath(Path.Combine(folder, "training-bench.md"))} and training-bench.csv");
            Console.WriteLine("data=synthetic random (a throughput test bed, not an engagement result)");
            return 0;
        }));
        return command;
    }
}
