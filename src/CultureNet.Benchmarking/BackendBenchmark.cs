using System.Globalization;
using System.Text;
using CultureNet.Engine.IO;
using CultureNet.Engine.Native;

namespace CultureNet.Benchmarking;

/// <summary>What <c>culturenet bench</c> measures: rows of random training data, rounds, the cases, the PyTorch peer
/// script (null: no peer).</summary>
public sealed record BackendBenchmarkOptions
{
    public int Rows { get; init; } = 16384;
    public int Rounds { get; init; } = 5;
    public IReadOnlyList<EngineCase> Cases { get; init; } = EngineCase.All;
    public string? TorchScript { get; init; }
    public string Python { get; init; } = PythonPeer.DefaultPython;
    /// <summary>Epochs the peer times per thread setting (after a warm-up epoch).</summary>
    public int TorchEpochs { get; init; } = 2;
}

/// <summary>One round of one case: its GEMM rate at fc1, its training rate, and the limit of the round (the best fp32
/// GEMM of any backend in that round ÷ FLOPs per sample).</summary>
public sealed record CaseRound(double GemmGflops, double SamplesPerSecond, double LimitSamplesPerSecond)
{
    public double Ratio => SamplesPerSecond / LimitSamplesPerSecond;
}

/// <summary>A case's rounds, or why it cannot run here.</summary>
public sealed record CaseResult(EngineCase Case, string? Unavailable, string Info, IReadOnlyList<CaseRound> Rounds)
{
    public double GemmGflops => Statistics.Median(Rounds.Select(r => r.GemmGflops));
    public double SamplesPerSecond => Statistics.Median(Rounds.Select(r => r.SamplesPerSecond));
    /// <summary>Median of the per-round ratios: each round times the limit and the epoch back to back.</summary>
    public double Ratio => Statistics.Median(Rounds.Select(r => r.Ratio));
}

/// <summary>The peer's figures: PyTorch's version and its best float32 samples/s (best of 1 and 2 threads).</summary>
public sealed record TorchPeer(string Version, double SamplesPerSecond);

/// <summary><paramref name="RoundBestFp32Gflops"/>: each round's best fp32 GEMM rate over every backend that runs here;
/// <paramref name="RoundBounds"/>: each round's <see cref="StepBound"/>.</summary>
public sealed record BackendBenchmarkResult(BackendBenchmarkOptions Options, IReadOnlyList<CaseResult> Cases, int Threads,
    string CoreType, IReadOnlyList<double> RoundBestFp32Gflops, IReadOnlyList<StepBoundRound> RoundBounds, TorchPeer? Torch)
{
    /// <summary>Median over rounds of the round's best fp32 GEMM rate.</summary>
    public double BestFp32Gflops => Statistics.Median(RoundBestFp32Gflops);
    public double LimitSamplesPerSecond => BestFp32Gflops * 1e9 / GenNetCost.FlopsPerSample;

    /// <summary>Median over rounds of the bound ÷ the limit (<see cref="StepBoundRound.RatioToLimit"/>): how far past 1
    /// float32 training can go here.</summary>
    public double BoundRatio => Statistics.Median(RoundBounds.Select(b => b.RatioToLimit));

    /// <summary>The bound in samples/s at the limit: <see cref="BoundRatio"/> × <see cref="LimitSamplesPerSecond"/>.</summary>
    public double BoundSamplesPerSecond => BoundRatio * LimitSamplesPerSecond;
}

/// <summary>
/// <c>culturenet bench</c>: in one run, for every backend × precision, the GEMM rate at GenNet's fc1 shape
/// (cn_backend_time_gemm) and GenNet's training samples/s at batch 128 on SYNTHETIC random data, in interleaved rounds
/// (each round times every case's GEMM and one epoch back to back, so a busy moment of a shared host hits a round's
/// limit and its epochs alike); each case's ratio to the limit (the best fp32 GEMM of the round ÷ 6 × multiply-adds
/// per sample, <see cref="GenNetCost.FlopsPerSample"/>); then the same MLP in PyTorch (tools/bench/torch_mlp.py,
/// float32) on the same shapes for a same-run ratio.
/// </summary>
public static class BackendBenchmark
{
    public static BackendBenchmarkResult Run(BackendBenchmarkOptions options, Action<string>? say = null)
    {
        if (options.Rounds < 1) throw new ArgumentException("--rounds must be at least 1");
        if (options.Rows < 1) throw new ArgumentException("--rows must be at least 1");
        string coreType = OpenBlasCoreType.Description;
        NativeEngine.EnsureLoaded();
        var data = TrainingThroughput.RandomData(options.Rows, GenNetCost.InputDim, seed: 1);
        var benches = new Dictionary<EngineCase, TrainingThroughput>();
        var rounds = options.Cases.ToDictionary(c => c, _ => new List<(double Gemm, double Samples)>());
        var unavailable = new Dictionary<EngineCase, string>();
        var bestFp32 = new double[options.Rounds];
        try
        {
            foreach (var c in options.Cases)
            {
                if (c.Unavailable() is { } why) { unavailable[c] = why; continue; }
                say?.Invoke($"warming up {c.Name}");
                benches[c] = new TrainingThroughput(data, engine: c);
            }
            // The limit is the best fp32 GEMM of every backend here, also of those not trained in this run.
            var limitOnly = EngineCase.All.Where(c => c.IsFloat32 && !benches.ContainsKey(c) && c.Unavailable() is null).ToArray();
            var limits = new double[options.Rounds];
            var bounds = new StepBoundRound[options.Rounds];
            var float32Here = EngineCase.All.Where(c => c.IsFloat32 && c.Unavailable() is null).ToArray();
            for (int r = 0; r < options.Rounds; r++)
            {
                say?.Invoke($"round {r + 1}/{options.Rounds}");
                double best = limitOnly.Select(c => GemmProbe.Gflops(c)).DefaultIfEmpty(0).Max();
                foreach (var (c, bench) in benches)
                {
                    rounds[c].Add((GemmProbe.Gflops(c), bench.MeasureEpoch()));
                    if (c.IsFloat32) best = Math.Max(best, rounds[c][^1].Gemm);
                }
                limits[r] = best * 1e9 / GenNetCost.FlopsPerSample;
                bestFp32[r] = best;
                bounds[r] = StepBound.Measure(float32Here, TrainingThroughput.DefaultBatchSize);
            }
            var cases = options.Cases.Select(c => unavailable.TryGetValue(c, out var why)
                ? new CaseResult(c, why, "", [])
                : new CaseResult(c, null, benches[c].BackendInfo, rounds[c].Select((m, r) => new CaseRound(m.Gemm, m.Samples, limits[r])).ToArray())).ToArray();

            TorchPeer? torch = null;
            if (options.TorchScript is { } script)
            {
                say?.Invoke("the same MLP in PyTorch (tools/bench/torch_mlp.py, float32)");
                string output = PythonPeer.Run(options.Python, script,
                    [options.Rows.ToString(CultureInfo.InvariantCulture), options.TorchEpochs.ToString(CultureInfo.InvariantCulture)]);
                torch = new TorchPeer(PythonPeer.Value(output, "torch_version"),
                    double.Parse(PythonPeer.Value(output, "torch_best_samples_per_s"), CultureInfo.InvariantCulture));
            }
            return new BackendBenchmarkResult(options, cases, NativeEngine.NumThreads, coreType, bestFp32, bounds, torch);
        }
        finally
        {
            foreach (var bench in benches.Values) bench.Dispose();
        }
    }

    /// <summary>The key=value lines scripts read (benchmarks/run-training-benchmark.sh reads the unprefixed ones, which
    /// are the default case's: onednn float32, else the first fp32 case that ran).</summary>
    public static IEnumerable<string> KeyValues(BackendBenchmarkResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var c in r.Cases)
        {
            string key = c.Case.Name.Replace(' ', '_');
            if (c.Unavailable is { } why) { yield return $"{key}_unavailable={why}"; continue; }
            for (int i = 0; i < c.Rounds.Count; i++)
                yield return string.Create(inv, $"round={i + 1} case={key} gemm_gflops={c.Rounds[i].GemmGflops:F1} train_samples_per_s={c.Rounds[i].SamplesPerSecond:F0} ratio={c.Rounds[i].Ratio:F3}");
            yield return string.Create(inv, $"{key}_gemm_gflops={c.GemmGflops:F1}");
            yield return string.Create(inv, $"{key}_train_samples_per_s={c.SamplesPerSecond:F0}");
            yield return string.Create(inv, $"{key}_ratio_to_limit={c.Ratio:F3}");
            if (r.Torch is { } t) yield return string.Create(inv, $"{key}_ratio_to_torch={c.SamplesPerSecond / t.SamplesPerSecond:F3}");
        }
        yield return string.Create(inv, $"sgemm_gflops={r.BestFp32Gflops:F1}");
        yield return string.Create(inv, $"limit_samples_per_s={r.LimitSamplesPerSecond:F0}");
        yield return string.Create(inv, $"step_bound_samples_per_s={r.BoundSamplesPerSecond:F0}");
        yield return string.Create(inv, $"step_bound_ratio_to_limit={r.BoundRatio:F3}");
        if (r.Cases.FirstOrDefault(c => c.Unavailable is null && c.Case.IsFloat32) is { } main)
        {
            yield return string.Create(inv, $"train_samples_per_s={main.SamplesPerSecond:F0}");
            yield return string.Create(inv, $"ratio_to_limit={main.Ratio:F3}");
        }
        if (r.Torch is { } torch) yield return string.Create(inv, $"torch_samples_per_s={torch.SamplesPerSecond:F0}");
    }

    /// <summary>training-bench.md and training-bench.csv in <paramref name="folder"/>; returns the Markdown.</summary>
    public static string Write(BackendBenchmarkResult r, string folder, string command)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.Append("# culturenet bench: GenNet training per backend and precision (SYNTHETIC random data)\n\n");
        md.Append(inv, $"`{command}`\n\n");
        md.Append(inv, $"{r.Options.Rows} rows x {GenNetCost.InputDim} random features (a throughput test bed, not an engagement result), batch 128, ");
        md.Append(inv, $"medians of {r.Options.Rounds} interleaved rounds; {Environment.ProcessorCount} cores, engine threads {r.Threads}, OPENBLAS_CORETYPE {r.CoreType}.\n");
        md.Append(inv, $"Limit: best fp32 GEMM at fc1 (128x500x2048) of each round / {GenNetCost.FlopsPerSample / 1e6:F3} MFLOP per sample (6 x {GenNetCost.MacsPerSample():N0} multiply-adds) = ");
        md.Append(inv, $"{r.BestFp32Gflops:F1} GFLOP/s -> {r.LimitSamplesPerSecond:F0} samples/s.\n");
        md.Append(inv, $"Step bound: {r.BoundSamplesPerSecond:F0} samples/s = {r.BoundRatio:F2} x the limit, the fastest a float32 step can be here: ");
        md.Append(inv, $"each of its {StepBound.Products(TrainingThroughput.DefaultBatchSize, StepBound.GenNetWidths).Count} products at the best rate measured for its shape (any fp32 backend, C or its transpose, B pre-packed) ");
        md.Append(inv, $"plus the update's loads and stores over {StepBound.Parameters(StepBound.GenNetWidths):N0} parameters as a bare memory stream; ");
        md.Append("the batch gather, elementwise work and call overheads are left out, so no float32 case can reach it.\n\n");
        md.Append("| backend | precision | GEMM 128x500x2048 GFLOP/s | training samples/s | / fp32 GEMM limit | / step bound |");
        if (r.Torch is not null) md.Append(" / PyTorch fp32 |");
        md.Append(" runs on |\n|---|---|---:|---:|---:|---:|");
        if (r.Torch is not null) md.Append("---:|");
        md.Append("---|\n");
        foreach (var c in r.Cases)
        {
            if (c.Unavailable is { } why)
            {
                md.Append(inv, $"| {c.Case.Backend} | {c.Case.Policy.Name} | - | - | - | - |{(r.Torch is null ? "" : " - |")} unavailable: {why.Replace("|", "/")} |\n");
                continue;
            }
            md.Append(inv, $"| {c.Case.Backend} | {c.Case.Policy.Name} | {c.GemmGflops:F1} | {c.SamplesPerSecond:F0} | {c.Ratio:F2} | {c.Ratio / r.BoundRatio:F2} |");
            if (r.Torch is { } t) md.Append(inv, $" {c.SamplesPerSecond / t.SamplesPerSecond:F2} |");
            md.Append(inv, $" {c.Info} |\n");
        }
        if (r.Torch is { } torch)
            md.Append(inv, $"\nPeer: PyTorch {torch.Version} (Debian python3-torch), the same MLP, Adadelta, MSE, batch 128, float32, best of 1 and 2 threads: {torch.SamplesPerSecond:F0} samples/s.\n");
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "training-bench.md"), md.ToString());
        AtomicFile.WriteText(Path.Combine(folder, "training-bench.csv"), w =>
        {
            w.WriteLine("backend,precision,gemm_gflops,train_samples_per_s,limit_samples_per_s,ratio_to_limit,ratio_to_torch,unavailable,data,ratio_to_step_bound");
            foreach (var c in r.Cases)
            {
                if (c.Unavailable is { } why)
                {
                    w.WriteLine($"{c.Case.Backend},{c.Case.Policy.Name},,,,,,\"{why.Replace("\"", "'")}\",SYNTHETIC,");
                    continue;
                }
                string torchRatio = r.Torch is { } t ? (c.SamplesPerSecond / t.SamplesPerSecond).ToString("F4", inv) : "";
                w.WriteLine(string.Create(inv, $"{c.Case.Backend},{c.Case.Policy.Name},{c.GemmGflops:F2},{c.SamplesPerSecond:F1},{r.LimitSamplesPerSecond:F1},{c.Ratio:F4},{torchRatio},,SYNTHETIC,{c.Ratio / r.BoundRatio:F4}"));
            }
            if (r.Torch is { } peer)
            {
                w.WriteLine(string.Create(inv, $"pytorch {peer.Version},float32,,{peer.SamplesPerSecond:F1},{r.LimitSamplesPerSecond:F1},{peer.SamplesPerSecond / r.LimitSamplesPerSecond:F4},1.0000,,SYNTHETIC,{peer.SamplesPerSecond / r.LimitSamplesPerSecond / r.BoundRatio:F4}"));
            }
            string boundTorch = r.Torch is { } p ? (r.BoundSamplesPerSecond / p.SamplesPerSecond).ToString("F4", inv) : "";
            w.WriteLine(string.Create(inv, $"step bound,float32,,{r.BoundSamplesPerSecond:F1},{r.LimitSamplesPerSecond:F1},{r.BoundRatio:F4},{boundTorch},,SYNTHETIC,1.0000"));
        });
        return md.ToString();
    }
}
