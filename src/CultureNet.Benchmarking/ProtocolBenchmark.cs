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
    /// <summary>Fits trained at once (0: the protocol's own choice, <see cref="FitParallelism.Resolve"/>).</summary>
    public int Jobs { get; init; }
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
    /// <summary>How the protocol shared the engine's threads among its fits.</summary>
    public FitParallelism Parallelism { get; init; } = new(1, 1);

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

    /// <summary>GEMM timing groups before the protocol and after it, and after each fit (one fit at a time).</summary>
    private const int ProbeGroups = 7, GroupsBetweenFits = 3;

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

        var protocol = new ProtocolOptions
        {
            Settings = SettingVariant.ParseList(options.Settings), Runs = 1, Fig3Analyses = false, Training = training,
        };
        var plan = Plan(store, protocol);
        var parallelism = ProtocolSession.ParallelismFor(options.Jobs, plan);

        // The bound is at the best fp32 GEMM of any backend here (docs/cost-model.md), whatever the protocol runs on:
        // one product on all threads and, when fits train at once, as many products at once on their threads. Timed
        // before the protocol, between its fits when they train one at a time (the fastest backend only: another one's
        // thread pool would stay awake beside the next fit; with fits at once a timing would share the cores with them)
        // and after it. A shared host's cores speed up and slow down over seconds; the best rate seen over the whole run
        // is the strictest bound.
        say?.Invoke("measuring the fp32 GEMM rates at GenNet's fc1 shape (oneDNN matmul, OpenBLAS cblas_sgemm)");
        // Fits at once leave no moment between fits to time in: the timings before and after then take as many groups
        // as a run of one fit at a time takes in all (7 before, 3 after each fit, 7 after), so the bound is as strict.
        var probes = GemmProbes(parallelism, parallelism.Jobs == 1 ? ProbeGroups : (2 * ProbeGroups + GroupsBetweenFits * plan.NetworkFitsPerRun) / 2);
        var before = probes.Select(p => p.Time()).ToArray();
        int fastest = Array.IndexOf(before, before.Max());
        var between = parallelism.Jobs == 1 ? new GemmBetweenFits(progress, probes[fastest].Case) : null;

        var clock = Stopwatch.StartNew();
        ProtocolSession.Run(store, results, protocol, (IProgress<ProtocolProgress>?)between ?? progress, jobs: parallelism.Jobs);
        double wall = (clock.Elapsed - (between?.Spent ?? TimeSpan.Zero)).TotalSeconds;
        say?.Invoke("measuring the fp32 GEMM rates again");
        var gemm = probes.Select((p, i) => (p, i)).ToDictionary(x => x.p.Name,
            x => new GemmRate(before[x.i], x.i == fastest && between is { After.Count: > 0 } ? between.Best : null, x.p.Time()));
        double rate = gemm.Values.Max(g => g.Best) * 1e9;
        var (fits, flopByFit) = EngineFlop(plan, results, options.Dim);
        double flop = flopByFit.Values.Sum();
        var engine = new BoundedTime(wall, flop, flop / rate);
        // Each fit against the rate timed beside it (the faster of the timings just before and just after it): what the
        // host offered while that fit ran, where the bound above takes the best moment of the whole run.
        BoundedTime? engineLocal = null;
        if (between is not null && between.After.Count == fits)
        {
            double localBound = 0;
            double previous = before[fastest];
            foreach (var (key, after) in between.After)
            {
                localBound += flopByFit.GetValueOrDefault(key) / (Math.Max(previous, after) * 1e9);
                previous = after;
            }
            engineLocal = new BoundedTime(wall, flop, localBound);
        }
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
            engine, torch, torchFolds, fullHours, engineLocal) { Parallelism = parallelism };
    }

    /// <summary>A GEMM timing: its name in the report, the backend it times, and the timing itself.</summary>
    private sealed record GemmTiming(string Name, EngineCase Case, Func<double> Time);

    /// <summary>Every float32 backend here on all threads and, when fits train at once, with as many products at once
    /// (onednn: OpenBLAS's threads are process-wide, so its products at once would oversubscribe the cores).</summary>
    private static GemmTiming[] GemmProbes(FitParallelism parallelism, int repetitions) =>
        EngineCase.All.Where(c => c.IsFloat32 && c.Unavailable() is null).SelectMany(c => parallelism.Jobs == 1 || c.Backend != NativeBackends.OneDnn
            ? new[] { new GemmTiming(c.Name, c, () => GemmProbe.Gflops(c, repetitions)) }
            :
            [
                new GemmTiming(c.Name, c, () => GemmProbe.Gflops(c, repetitions)),
                new GemmTiming($"{c.Name}, {parallelism.Jobs} products at once x {parallelism.ThreadsPerFit} thread{(parallelism.ThreadsPerFit == 1 ? "" : "s")}", c,
                    () => GemmProbe.ConcurrentGflops(c, parallelism.Jobs, parallelism.ThreadsPerFit, repetitions)),
            ]).ToArray();

    private static ProtocolPlan Plan(string storePath, ProtocolOptions protocol)
    {
        using var store = FeatureStore.Open(storePath);
        var cohort = Engine.Cohort.CohortMetadata.FromColumns(store.Cultures, store.Children, store.Frames, store.Labels, storePath);
        return ProtocolPlanner.Build(cohort, protocol);
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
                After.Add((_current, GemmProbe.Gflops(probe, repetitions: GroupsBetweenFits)));
                Spent += clock.Elapsed;
                _current = null;
            }
            _done = value.Done;
            inner?.Report(value);
        }
    }

    /// <summary>The fits' FLOPs from the plan's rows and each result's trained epochs, by fit key.</summary>
    private static (int Fits, Dictionary<string, double> Flop) EngineFlop(ProtocolPlan plan, string results, int dim)
    {
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
        md.Append(inv, $"{Environment.ProcessorCount} cores, engine threads {r.Threads} ({r.Parallelism}), engine: {r.EngineName} ({r.BackendInfo}), OPENBLAS_CORETYPE {OpenBlasCoreType.Description}.\n\n");
        md.Append("| GEMM (fp32, fc1 shape 128x500x2048) | GFLOP/s before the protocol | best between its fits | after |\n|---|---:|---:|---:|\n");
        foreach (var (name, g) in r.GemmGflops)
            md.Append(inv, $"| {name} | {g.Before:F1} | {(g.During is { } d ? d.ToString("F1", inv) : "-")} | {g.After:F1} |\n");
        md.Append(r.Parallelism.Jobs == 1
            ? "\nThe bound is at the best of these rates; the timings between fits are not in the wall time.\n"
            : "\nThe bound is at the best of these rates. With fits trained at once no timing runs between them (it would share the cores with them), so there is no per-fit bound, and the timings before and after take as many groups as one fit at a time would take in all.\n");
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
