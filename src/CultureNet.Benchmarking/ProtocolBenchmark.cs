using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CultureNet.Engine;
using CultureNet.Engine.Data;
using CultureNet.Engine.Native;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Sessions;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;

namespace CultureNet.Benchmarking;

/// <summary>What <c>culturenet bench protocol</c> runs: the SYNTHETIC cohort's size, the settings (one run, no
/// analyses), and the PyTorch peer script (null: no peer).</summary>
public sealed record ProtocolBenchmarkOptions
{
    public int ChildrenPerCulture { get; init; } = 5;
    public int Frames { get; init; } = 6000;
    public int Dim { get; init; } = GenNetCost.InputDim;
    public string Settings { get; init; } = "M1";
    public string? TorchScript { get; init; }
    public string Python { get; init; } = PythonPeer.DefaultPython;
    /// <summary>The backend the protocol's networks compute on (null: the engine's default).</summary>
    public string? Backend { get; init; }
    public Policy DtypePolicy { get; init; } = Policy.Float32;
}

/// <summary>One measured figure set: wall seconds, the FLOPs the fits did, and the seconds those FLOPs take at the best
/// GEMM rate measured in the same run (the bound); <see cref="OfBound"/> = bound / wall, the fraction of the bound the
/// run reached (1 = at the machine's limit).</summary>
public sealed record BoundedTime(double WallSeconds, double Flop, double BoundSeconds)
{
    public double OfBound => BoundSeconds / WallSeconds;
}

/// <summary>A backend's best fp32 GEMM rate at fc1's shape (GFLOP/s) in the timings before the protocol, between its
/// fits (null: not timed there) and after it.</summary>
public sealed record GemmRate(double Before, double? During, double After)
{
    public double Best => Math.Max(Math.Max(Before, After), During ?? 0);
}

/// <summary><paramref name="EngineName"/>: what the protocol ran on, e.g. "onednn, mixed_bfloat16".</summary>
public sealed record ProtocolBenchmarkResult(
    ProtocolBenchmarkOptions Options, string EngineName, string BackendInfo, int Threads, IReadOnlyDictionary<string, GemmRate> GemmGflops,
    int Fits, BoundedTime Engine, BoundedTime? Torch, int TorchFolds, double FullProtocolHours, BoundedTime? EngineLocal = null)
{
    /// <summary>PyTorch's wall time over the engine's on the same M1 folds (&gt; 1: the engine is faster); null without a
    /// peer or when the run trained other settings than M1 alone (then the two did different work).</summary>
    public double? TorchWallRatio => Torch is { } t && Options.Settings.Trim() == "M1" ? t.WallSeconds / Engine.WallSeconds : null;
}

/// <summary>
/// The protocol end to end on the SYNTHETIC cohort against the machine's own limit: every fit's FLOPs (per fold: epochs
/// × (training rows × 6 + validation rows × 2) × multiply-adds + test rows × 2 × multiply-adds, with the epochs each fit
/// trained) at the best fp32 GEMM rate measured in the same run, and the same M1 folds in PyTorch for a same-run peer.
/// </summary>
public static class ProtocolBenchmark
{
    /// <summary>Fits of one run of the paper's full protocol (Table I settings and Fig. 3 analyses, 15 + 15 children).</summary>
    public const int PaperFitsPerRun = 365;
    public const int PaperRuns = 10;

    public static ProtocolBenchmarkResult Run(ProtocolBenchmarkOptions options, string workFolder,
        IProgress<ProtocolProgress>? progress = null, Action<string>? say = null)
    {
        // A backend or precision this host cannot run fails before the cohort is generated.
        var training = ProtocolSession.ResolveEngine(new GenNetTrainingOptions { Backend = options.Backend, DtypePolicy = options.DtypePolicy });
        string store = Path.Combine(workFolder, "store"), results = Path.Combine(workFolder, "results");
        if (!Directory.Exists(store))
        {
            say?.Invoke($"generating the SYNTHETIC cohort: 2 x {options.ChildrenPerCulture} children x {options.Frames} frames x {options.Dim}");
            SyntheticCohort.Generate(store, new SyntheticCohortOptions
            {
                ChildrenPerCulture = options.ChildrenPerCulture, FramesPerChild = options.Frames, Dim = options.Dim,
            });
        }
        if (Directory.Exists(results)) Directory.Delete(results, recursive: true);

        // The bound is at the best fp32 GEMM of any backend here (docs/cost-model.md), whatever the protocol runs on,
        // timed before the protocol, between its fits (the fastest backend only: another one's thread pool would stay
        // awake beside the next fit) and after it. A shared host's cores speed up and slow down over seconds; the best
        // rate seen over the whole run is the strictest bound.
        say?.Invoke("measuring the fp32 GEMM rates at GenNet's fc1 shape (oneDNN matmul, OpenBLAS cblas_sgemm)");
        var gemmCases = EngineCase.All.Where(c => c.IsFloat32 && c.Unavailable() is null).ToArray();
        var before = gemmCases.Select(c => GemmProbe.Gflops(c, repetitions: 7)).ToArray();
        int fastest = Array.IndexOf(before, before.Max());
        var between = new GemmBetweenFits(progress, gemmCases[fastest]);

        var protocol = new ProtocolOptions
        {
            Settings = SettingVariant.ParseList(options.Settings), Runs = 1, Fig3Analyses = false, Training = training,
        };
        var clock = Stopwatch.StartNew();
        ProtocolSession.Run(store, results, protocol, between);
        double wall = (clock.Elapsed - between.Spent).TotalSeconds;
        say?.Invoke("measuring the fp32 GEMM rates again");
        var gemm = gemmCases.Select((c, i) => (c, i)).ToDictionary(p => p.c.Name,
            p => new GemmRate(before[p.i], p.i == fastest && between.After.Count > 0 ? between.Best : null, GemmProbe.Gflops(p.c, repetitions: 7)));
        double rate = gemm.Values.Max(g => g.Best) * 1e9;
        var (fits, flopByFit) = EngineFlop(store, results, protocol, options.Dim);
        double flop = flopByFit.Values.Sum();
        var engine = new BoundedTime(wall, flop, flop / rate);
        // Each fit against the rate timed beside it (the faster of the timings just before and just after it): what the
        // host offered while that fit ran, where the bound above takes the best moment of the whole run.
        double localBound = 0;
        double previous = before[fastest];
        foreach (var (key, after) in between.After)
        {
            localBound += flopByFit.GetValueOrDefault(key) / (Math.Max(previous, after) * 1e9);
            previous = after;
        }
        var engineLocal = between.After.Count == fits ? new BoundedTime(wall, flop, localBound) : null;

        BoundedTime? torch = null;
        int torchFolds = 0;
        if (options.TorchScript is { } script)
        {
            say?.Invoke("the M1 folds in PyTorch (tools/bench/torch_protocol.py)");
            (torch, torchFolds) = Torch(options, script, store, Path.Combine(workFolder, "torch.json"), rate);
        }
        double fullHours = wall / fits * PaperFitsPerRun * PaperRuns / 3600;
        string engineName = $"{training.Backend}, {training.EffectivePolicy.Name}";
        return new ProtocolBenchmarkResult(options, engineName, NativeBackends.Describe(training.Backend), NativeEngine.NumThreads, gemm, fits,
            engine, torch, torchFolds, fullHours, engineLocal);
    }

    /// <summary>Times a GEMM after every fit the protocol finishes (reported as progress, on the protocol's thread):
    /// <see cref="After"/> holds each fit's key with the rate timed right after it, in the order the fits finished;
    /// <see cref="Spent"/> is the timings' own time, which the protocol's wall time leaves out.</summary>
    private sealed class GemmBetweenFits(IProgress<ProtocolProgress>? inner, EngineCase probe) : IProgress<ProtocolProgress>
    {
        private int _done = -1;
        private string? _current;
        public List<(string Key, double Gflops)> After { get; } = [];
        public double Best => After.Count == 0 ? 0 : After.Max(a => a.Gflops);
        public TimeSpan Spent { get; private set; }

        public void Report(ProtocolProgress value)
        {
            if (value.Current is { } key) _current = key;
            if (_done >= 0 && value.Done > _done && _current is not null)
            {
                var clock = Stopwatch.StartNew();
                After.Add((_current, GemmProbe.Gflops(probe, repetitions: 3)));
                Spent += clock.Elapsed;
                _current = null;
            }
            _done = value.Done;
            inner?.Report(value);
        }
    }

    /// <summary>The fits' FLOPs from the plan's rows and each result's trained epochs, by fit key.</summary>
    private static (int Fits, Dictionary<string, double> Flop) EngineFlop(string storePath, string results, ProtocolOptions protocol, int dim)
    {
        using var store = FeatureStore.Open(storePath);
        var cohort = Engine.Cohort.CohortMetadata.FromColumns(store.Cultures, store.Children, store.Frames, store.Labels, storePath);
        var plan = ProtocolPlanner.Build(cohort, protocol);
        double macs = GenNetCost.MacsPerSample(dim);
        var flop = new Dictionary<string, double>();
        int fits = 0;
        foreach (var fit in plan.GetRun(1).Fits)
        {
            var result = FitResultFile.TryRead(Path.Combine(results, ProtocolRunner.FitsFolder, "run01", fit.Key + ".fit"))
                         ?? throw new CultureNetException($"{results}: fit {fit.Key} has no result");
            fits++;
            int test = fit.Evaluations.Sum(e => e.TestRows.Length);
            if (fit.Kind != FitKind.GenNet) continue; // last-layer and mean fits: a small fraction, not in the bound
            flop[fit.Key] = (result.Summary.Epochs * (fit.TrainRows.Length * 6.0 + fit.ValidationRows.Length * 2.0) + test * 2.0) * macs;
        }
        return (fits, flop);
    }

    private static (BoundedTime, int) Torch(ProtocolBenchmarkOptions options, string script, string store, string json, double rate)
    {
        PythonPeer.Run(options.Python, script, ["--store", store, "--json", json]);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
        var root = doc.RootElement;
        double flop = root.GetProperty("flop").GetDouble();
        return (new BoundedTime(root.GetProperty("total_seconds").GetDouble(), flop, flop / rate), root.GetProperty("folds").GetArrayLength());
    }

    /// <summary>protocol-bench.md and protocol-bench.csv in <paramref name="folder"/>; returns the Markdown.</summary>
    public static string Write(ProtocolBenchmarkResult r, string folder, string command)
    {
        var inv = CultureInfo.InvariantCulture;
        var o = r.Options;
        var md = new System.Text.StringBuilder();
        md.Append(inv, $"# culturenet bench protocol (SYNTHETIC cohort)\n\n");
        md.Append(inv, $"`{command}`\n\n");
        md.Append(inv, $"SYNTHETIC cohort 2 x {o.ChildrenPerCulture} children x {o.Frames} frames x {o.Dim}, settings {o.Settings}, 1 run, no Fig. 3 analyses. ");
        md.Append(inv, $"{Environment.ProcessorCount} cores, engine threads {r.Threads}, engine: {r.EngineName} ({r.BackendInfo}), OPENBLAS_CORETYPE {OpenBlasCoreType.Description}.\n\n");
        md.Append("| GEMM (fp32, fc1 shape 128x500x2048) | GFLOP/s before the protocol | best between its fits | after |\n|---|---:|---:|---:|\n");
        foreach (var (name, g) in r.GemmGflops)
            md.Append(inv, $"| {name} | {g.Before:F1} | {(g.During is { } d ? d.ToString("F1", inv) : "-")} | {g.After:F1} |\n");
        md.Append("\nThe bound is at the best of these rates; the timings between fits are not in the wall time.\n");
        md.Append("\n| | fits | wall s | GFLOP | bound s | bound / wall |\n|---|---:|---:|---:|---:|---:|\n");
        void Row(string label, int fits, BoundedTime t) =>
            md.Append(inv, $"| {label} | {fits} | {t.WallSeconds:F1} | {t.Flop / 1e9:F0} | {t.BoundSeconds:F1} | {t.OfBound:F2} |\n");
        Row($"culturenet ({r.EngineName})", r.Fits, r.Engine);
        if (r.EngineLocal is { } local) Row("culturenet, each fit at the rate timed beside it", r.Fits, local);
        if (r.Torch is { } t) Row($"PyTorch {r.TorchFolds} M1 folds", r.TorchFolds, t);
        if (r.TorchWallRatio is { } versus)
            md.Append(inv, $"\nPyTorch wall / culturenet wall on the same M1 folds: {versus:F2} (> 1: culturenet is faster).\n");
        md.Append(inv, $"\nFull paper protocol estimate ({PaperRuns} runs x ~{PaperFitsPerRun} fits at this run's wall time per fit): {r.FullProtocolHours:F1} h.\n");
        md.Append("\nThe bound counts GenNet fits only (epochs x (training rows x 6 + validation rows x 2) + test rows x 2) x multiply-adds; results on SYNTHETIC data say nothing about the paper's claims.\n");
        Directory.CreateDirectory(folder);
        Engine.IO.AtomicFile.WriteAllText(Path.Combine(folder, "protocol-bench.md"), md.ToString());
        Engine.IO.AtomicFile.WriteText(Path.Combine(folder, "protocol-bench.csv"), w =>
        {
            w.WriteLine("peer,fits,wall_seconds,flop,bound_seconds,bound_over_wall,best_gemm_gflops,synthetic");
            double best = r.GemmGflops.Values.Max(g => g.Best);
            void Row(string peer, int fits, BoundedTime t) =>
                w.WriteLine(string.Create(inv, $"{peer},{fits},{t.WallSeconds:F6},{t.Flop:E6},{t.BoundSeconds:F6},{t.OfBound:F4},{best:F2},SYNTHETIC"));
            Row($"culturenet-{r.Options.DtypePolicy.Name}", r.Fits, r.Engine);
            if (r.EngineLocal is { } local) Row($"culturenet-{r.Options.DtypePolicy.Name}-local-rate", r.Fits, local);
            if (r.Torch is { } t) Row("pytorch", r.TorchFolds, t);
        });
        return md.ToString();
    }
}
