using System.CommandLine;
using CultureNet.Benchmarking;
using CultureNet.Cli.Display;
using CultureNet.Engine;
using CultureNet.Engine.Native;

namespace CultureNet.Cli.Commands;

/// <summary><c>culturenet bench protocol</c>: the protocol on the SYNTHETIC cohort against its FLOP bound at the
/// best fp32 GEMM rate measured in the same run (oneDNN, OpenBLAS), on the chosen backend and precision, and the same
/// M1 folds in PyTorch (float32); writes protocol-bench.md/.csv.</summary>
public static class BenchProtocolCommand
{
    public static Command Create()
    {
        var children = new Option<int>("--children-per-culture") { DefaultValueFactory = _ => 5, Description = "SYNTHETIC children per culture" };
        var frames = new Option<int>("--frames") { DefaultValueFactory = _ => 6000, Description = "frames per child" };
        var dim = new Option<int>("--dim") { DefaultValueFactory = _ => 2048, Description = "feature dimension" };
        var settings = new Option<string>("--settings") { DefaultValueFactory = _ => "M1", Description = "settings of the one run (M1 is what the PyTorch peer trains)" };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0, Description = "engine threads in all (0 = all cores)" };
        var jobs = ProtocolCommand.JobsOption();
        var torch = new Option<string>("--torch") { DefaultValueFactory = _ => "auto", Description = "PyTorch peer script (auto: tools/bench/torch_protocol.py of this checkout; none: no peer)" };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => "bench-protocol", Description = "folder for the store, the results and protocol-bench.md/.csv (the store is reused)" };
        var engine = new EngineOptions();
        var command = new Command("protocol", "Protocol wall time against its FLOP bound at the measured GEMM rate, with a same-run PyTorch peer (SYNTHETIC cohort)")
        {
            children, frames, dim, settings, threads, jobs, torch, output, engine.Backend, engine.Precision,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            NativeEngine.NumThreads = r.GetValue(threads);
            var options = new ProtocolBenchmarkOptions
            {
                ChildrenPerCulture = r.GetValue(children), Frames = r.GetValue(frames), Dim = r.GetValue(dim),
                Settings = r.GetValue(settings)!, TorchScript = PythonPeer.Locate(r.GetValue(torch)!, "torch_protocol.py"),
                Backend = engine.BackendOf(r), DtypePolicy = engine.PolicyOf(r), Jobs = r.GetValue(jobs),
            };
            string folder = r.GetValue(output)!;
            var result = ProtocolBarRun(options, folder);
            string md = ProtocolBenchmark.Write(result, folder, "culturenet " + string.Join(' ', Environment.GetCommandLineArgs()[1..]));
            Console.WriteLine(md);
            Console.WriteLine($"written: {Path.GetFullPath(Path.Combine(folder, "protocol-bench.md"))} and protocol-bench.csv");
            return 0;
        }));
        return command;
    }

    private static ProtocolBenchmarkResult ProtocolBarRun(ProtocolBenchmarkOptions options, string folder) =>
        ProtocolProgressBar.Run("bench protocol", progress => ProtocolBenchmark.Run(options, folder, progress, Console.Error.WriteLine));
}
