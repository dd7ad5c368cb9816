using CultureNet.Engine.Data;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;

namespace CultureNet.Engine.Sessions;

/// <summary>What <c>culturenet demo</c> runs: the SYNTHETIC cohort's size and seed, and the protocol's runs,
/// conventions, backend and precision.</summary>
public sealed record DemoOptions
{
    /// <summary>Holds the store (store-FRAMESxDIM-seedS/) and the results (results-…runsN/).</summary>
    public string Folder { get; init; } = "out/demo";
    public int ChildrenPerCulture { get; init; } = 15;
    public int Runs { get; init; } = 2;
    public int Frames { get; init; } = 500;
    public int Dim { get; init; } = 256;
    public long Seed { get; init; } = 1;
    public ProtocolConventions Conventions { get; init; } = ProtocolConventions.Reference;
    /// <summary>null: the engine's default backend.</summary>
    public string? Backend { get; init; }
    public Policy DtypePolicy { get; init; } = Policy.Float32;
    /// <summary>Fits trained at once (0: one per engine thread).</summary>
    public int Jobs { get; init; }
}

/// <summary>The demo's store and results folders, and what the protocol left there.</summary>
public sealed record DemoSessionResult(string Store, string ResultsFolder, ProtocolSessionResult Protocol);

/// <summary>
/// <c>culturenet demo</c> as a library call: generates the SYNTHETIC cohort (once: the store's folder name carries its
/// parameters, so other options never reuse a cohort made for others) and runs the whole protocol on it with the Fig. 3
/// analyses, resumably. <paramref name="log"/> receives the lines a person reads before the protocol starts;
/// <paramref name="withProgress"/> (null: no progress) runs the protocol part with a progress display of the caller's,
/// which so starts only after those lines, as a progress bar on the console needs.
/// </summary>
public static class DemoSession
{
    public static DemoSessionResult Run(DemoOptions options, Action<string> log,
        Func<Func<IProgress<ProtocolProgress>?, ProtocolSessionResult>, ProtocolSessionResult>? withProgress = null,
        CancellationToken cancellation = default)
    {
        var cohort = new SyntheticCohortOptions
        {
            ChildrenPerCulture = options.ChildrenPerCulture, FramesPerChild = options.Frames, Dim = options.Dim, Seed = options.Seed,
        };
        var protocol = new ProtocolOptions
        {
            Runs = options.Runs, Seed = options.Seed, Conventions = options.Conventions,
            Training = new GenNetTrainingOptions { Backend = options.Backend, DtypePolicy = options.DtypePolicy },
        };
        // A backend or precision this host cannot run fails before the cohort is generated.
        ProtocolSession.ResolveEngine(protocol.Training);
        string store = Path.Combine(options.Folder, $"store-{cohort.FramesPerChild}x{cohort.Dim}-seed{cohort.Seed}");
        log(SyntheticCohort.Disclaimer);
        if (!IsStore(store))
        {
            log($"generating the synthetic cohort: 2 cultures × {cohort.ChildrenPerCulture} children × {cohort.FramesPerChild} frames × {cohort.Dim} features → {store}");
            SyntheticCohort.Generate(store, cohort);
        }
        string results = Path.Combine(options.Folder, ResultsFolderName(options));
        ProtocolSessionResult Protocol(IProgress<ProtocolProgress>? progress) => ProtocolSession.Run(store, results, protocol, progress, cancellation, options.Jobs);
        return new DemoSessionResult(store, results, withProgress is null ? Protocol(null) : withProgress(Protocol));
    }

    /// <summary>results-runsN (paper conventions: the name it had before --conventions existed) or
    /// results-reference-runsN, with -BACKEND and -PRECISION appended when they are asked for and not the defaults,
    /// so a demo with other choices gets its own folder instead of being refused by the first one's.</summary>
    public static string ResultsFolderName(DemoOptions options)
    {
        string name = options.Conventions == ProtocolConventions.Paper ? $"results-runs{options.Runs}" : $"results-reference-runs{options.Runs}";
        if (options.Backend is { } backend) name += "-" + backend;
        if (options.DtypePolicy.Name != Policy.Float32) name += "-" + options.DtypePolicy.Name;
        return name;
    }

    private static bool IsStore(string dir)
    {
        if (!Directory.Exists(dir)) return false;
        try
        {
            using var store = FeatureStore.Open(dir);
            return true;
        }
        catch (CultureNetException)
        {
            return false;
        }
    }
}
