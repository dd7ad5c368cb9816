using CultureNet.Engine.Sessions;
using CultureNet.Engine.Protocol.Planning;
using System.CommandLine;
using CultureNet.Cli.Display;
using CultureNet.Engine;
using CultureNet.Engine.Native;
using CultureNet.Engine.Models;

namespace CultureNet.Cli.Commands;

/// <summary>
/// <c>culturenet protocol</c>: the paper's evaluation protocol (M1–M7, ME, N runs) over a feature store, with the
/// Fig. 3 analyses, into one results folder. Resumable: run it again with the same arguments after an interruption.
/// </summary>
public static class ProtocolCommand
{
    public static Command Create()
    {
        var store = new Option<string>("--store") { Description = "feature store directory", Required = true };
        var output = new Option<string>("--out") { Description = "results folder (created; an existing one is resumed)", Required = true };
        var settings = new Option<string>("--settings") { Description = "comma-separated settings: M1…M7, ME (and Fig. 3 analyses such as M1-c4, M1-d40, M6-d5)", DefaultValueFactory = _ => "M1,M2,M3,M4,M5,M6,M7,ME" };
        var runs = new Option<int>("--runs") { Description = "runs, each with fresh models (and fresh random splits)", DefaultValueFactory = _ => 10 };
        var split = new Option<string>("--split") { Description = "contiguous (released code: first 20% trains, last 80% tests) or random (seeded per run)", DefaultValueFactory = _ => "contiguous" };
        var seed = new Option<long>("--seed") { Description = "base seed of splits, weight initialisation and shuffling", DefaultValueFactory = _ => 42 };
        var conventions = ConventionsOption();
        var analyses = new Option<string>("--analyses") { Description = "fig3: also run the Fig. 3 analyses of M1 and M6 (more fits); none: only the settings", DefaultValueFactory = _ => "fig3" };
        var shard = new Option<string?>("--shard") { Description = "I/N: train only shard I of N into the shared --out folder (any number of processes, hosts over a shared file system); then run the command without --shard to finish and write the reports" };
        var threads = new Option<int>("--threads") { Description = "engine threads in all (0 = all cores the process may use); on onednn the results do not depend on it (on openblas give every process of one folder the same)", DefaultValueFactory = _ => 0 };
        var jobs = JobsOption();
        var engine = new EngineOptions();
        var command = new Command("protocol", "Run the evaluation protocol (Table II and Fig. 3) over a feature store; resumable")
        {
            store, output, conventions, settings, runs, split, seed, analyses, shard, threads, jobs, engine.Backend, engine.Precision,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            NativeEngine.NumThreads = r.GetValue(threads);
            var options = new ProtocolOptions
            {
                Settings = SettingVariant.ParseList(r.GetValue(settings)!),
                Runs = r.GetValue(runs),
                Split = ParseSplit(r.GetValue(split)!),
                Seed = r.GetValue(seed),
                Fig3Analyses = ParseAnalyses(r.GetValue(analyses)!),
                Conventions = ParseConventions(r.GetValue(conventions)!),
                Training = new GenNetTrainingOptions { Backend = engine.BackendOf(r), DtypePolicy = engine.PolicyOf(r) },
            };
            return r.GetValue(shard) is { } part
                ? ExecuteShard(r.GetValue(store)!, r.GetValue(output)!, options, Shard.Parse(part), r.GetValue(jobs))
                : Execute(r.GetValue(store)!, r.GetValue(output)!, options, r.GetValue(jobs));
        }));
        return command;
    }

    /// <summary>Runs the protocol with the progress bar, prints Table II and where the results are.</summary>
    public static int Execute(string store, string resultsFolder, ProtocolOptions options, int jobs)
    {
        var outcome = ProtocolProgressBar.Run("protocol", progress => ProtocolSession.Run(store, resultsFolder, options, progress, jobs: jobs));
        Report(outcome, resultsFolder);
        return 0;
    }

    /// <summary>Prints Table II, what was resumed and where the results are.</summary>
    public static void Report(ProtocolSessionResult outcome, string resultsFolder)
    {
        Table2Console.Print(outcome.Table);
        if (outcome.Table.Context.Engine is { } engine) Console.WriteLine($"engine: {engine}");
        Console.WriteLine($"fits: {outcome.Parallelism}");
        if (outcome.ResumedFits > 0) Console.WriteLine($"resumed: {outcome.ResumedFits} of {outcome.TotalFits} fits were already finished");
        Console.WriteLine($"results: {Path.GetFullPath(resultsFolder)} (table2.md, stats.csv, per_child.csv, predictions.csv, {ProtocolSession.FiguresFolder}/ with {outcome.Figures.Count} figures)");
    }

    /// <summary>Trains one shard with the progress bar and says what is left.</summary>
    public static int ExecuteShard(string store, string resultsFolder, ProtocolOptions options, Shard shard, int jobs)
    {
        var outcome = ProtocolProgressBar.Run($"shard {shard}", progress => ProtocolSession.RunShard(store, resultsFolder, options, shard, progress, jobs: jobs));
        Console.WriteLine($"shard {shard}: trained {outcome.Trained} fits; {outcome.Missing} of {outcome.TotalFits} fits of the protocol have no result yet");
        Console.WriteLine($"results: {Path.GetFullPath(resultsFolder)}: run the same command without --shard to finish it and write the reports");
        return 0;
    }

    /// <summary><c>--jobs N</c>: fits trained at once, the engine threads shared among them.</summary>
    public static Option<int> JobsOption() => new("--jobs")
    {
        Description = "fits trained at once, the engine threads shared among them (0 = one fit per thread, at most a run's fits); the results do not depend on it",
        DefaultValueFactory = _ => 0,
    };

    public static SplitMode ParseSplit(string text) => text.Trim().ToLowerInvariant() switch
    {
        "contiguous" => SplitMode.Contiguous,
        "random" => SplitMode.Random,
        _ => throw new CultureNetException($"--split '{text}': expected contiguous or random"),
    };

    /// <summary><c>--conventions reference|paper</c>, reference by default (docs/protocol.md, "Two conventions").</summary>
    public static Option<string> ConventionsOption() => new("--conventions")
    {
        Description = "reference: what the released code does (and its Reports/ and Weights/ in reference/); paper: what the paper's text says",
        DefaultValueFactory = _ => "reference",
    };

    public static ProtocolConventions ParseConventions(string text) => text.Trim().ToLowerInvariant() switch
    {
        "reference" => ProtocolConventions.Reference,
        "paper" => ProtocolConventions.Paper,
        _ => throw new CultureNetException($"--conventions '{text}': expected reference or paper"),
    };

    public static bool ParseAnalyses(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fig3" => true,
        "none" => false,
        _ => throw new CultureNetException($"--analyses '{text}': expected fig3 or none"),
    };
}
