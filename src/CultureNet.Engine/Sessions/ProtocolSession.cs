using CultureNet.Engine.Cohort;
using CultureNet.Engine.Data;
using CultureNet.Engine.Figures;
using CultureNet.Engine.Models;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports;
using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Sessions;

/// <summary>
/// The whole protocol over a feature store: plan (with the Fig. 3 analyses of the requested settings), resumable
/// training with GenNet/CultureNet, reports and figures in one results folder.
/// </summary>
public static class ProtocolSession
{
    public const string FiguresFolder = "figures";

    /// <summary>The last run's CultureNet (M7) models: joint.npz, culture_C0.npz, child_C0-7.npz, … (<see cref="CultureNetModel.Load"/>).</summary>
    public const string ModelsFolder = "models";

    /// <summary><paramref name="jobs"/>: fits trained at once (0: <see cref="FitParallelism.Resolve"/>'s choice), the
    /// engine's threads (<see cref="NativeEngine.NumThreads"/>) shared among them.</summary>
    public static ProtocolSessionResult Run(string storePath, string resultsFolder, ProtocolOptions options,
        IProgress<ProtocolProgress>? progress = null, CancellationToken cancellation = default, int jobs = 0)
    {
        using var store = OpenVerified(storePath);
        var (plan, runner, manifest) = Prepare(store, storePath, resultsFolder, options, shard: null, jobs);
        IReadOnlyList<string> figures = [];
        var run = RunAndReport(runner, manifest, progress, cancellation, reported => figures =
            Fig3Figures.WriteAll(Path.Combine(resultsFolder, FiguresFolder), reported.Reports.PerChild, plan.Cohort, store.IsSynthetic));
        return new ProtocolSessionResult(run.Reports.Table, figures, plan.TotalFits, run.ResumedFits) { Parallelism = runner.Parallelism };
    }

    /// <summary>Trains shard <paramref name="shard"/>'s unfinished fits into the shared results folder (no reports:
    /// the same command without a shard writes them).</summary>
    public static ShardSessionResult RunShard(string storePath, string resultsFolder, ProtocolOptions options, Shard shard,
        IProgress<ProtocolProgress>? progress = null, CancellationToken cancellation = default, int jobs = 0)
    {
        using var store = OpenVerified(storePath);
        var (plan, runner, manifest) = Prepare(store, storePath, resultsFolder, options, shard, jobs);
        var run = runner.Run(manifest, progress, cancellation);
        return new ShardSessionResult(shard, run.Trained, run.Missing.Count, plan.TotalFits);
    }

    /// <summary>
    /// Every child's feature checksum is verified before any fit (hashing runs at several GB/s, a fraction of one fit):
    /// results from corrupt features would otherwise be written without a word. A mismatch stops the run naming the child.
    /// </summary>
    private static FeatureStore OpenVerified(string storePath) => FeatureStore.Open(storePath, verifyChecksums: true);

    private static (ProtocolPlan, ProtocolRunner, ProtocolManifest) Prepare(FeatureStore store, string storePath,
        string resultsFolder, ProtocolOptions options, Shard? shard, int jobs)
    {
        store.EnsureLabelled("the protocol");
        options = options with { Training = ResolveEngine(options.Training) };
        var cohort = CohortMetadata.FromColumns(store.Cultures, store.Children, store.Frames, store.Labels, storePath);
        var plan = ProtocolPlanner.Build(cohort, options with { Settings = WithAnalyses(options, cohort) });
        var manifest = ProtocolManifest.For(plan, Path.GetFullPath(storePath), store.IsSynthetic);
        var keep = KeepCultureNet(plan, resultsFolder);
        if (plan.Options.Conventions == ProtocolConventions.Reference) keep += KeepReleasedWeights(plan, resultsFolder);
        var threads = NativeEngine.NumThreads;
        var trainer = new GenNetTrainer(store, options.Training, new ThreadShare(threads));
        var runner = new ProtocolRunner(plan, trainer, resultsFolder) { Trained = keep, Shard = shard, Parallelism = ParallelismFor(jobs, plan, threads) };
        return (plan, runner, manifest);
    }

    /// <summary>How a process running <paramref name="plan"/> trains its fits at once (<paramref name="jobs"/> 0: the
    /// default), over <paramref name="threads"/> engine threads (0: <see cref="NativeEngine.NumThreads"/>); the plan's
    /// backend must be resolved (<see cref="ResolveEngine"/>), as openblas trains one fit at a time by default.</summary>
    public static FitParallelism ParallelismFor(int jobs, ProtocolPlan plan, int threads = 0) =>
        FitParallelism.Resolve(jobs, threads > 0 ? threads : NativeEngine.NumThreads, plan.NetworkFitsPerRun,
            sharedGemmThreads: plan.Options.Training.Backend == NativeBackends.OpenBlas);

    /// <summary>The training options with the backend resolved (the default named, so protocol.json records what
    /// runs) and the policy fixed; a backend or precision this host cannot run fails here, before anything is written.</summary>
    public static GenNetTrainingOptions ResolveEngine(GenNetTrainingOptions training)
    {
        var policy = training.EffectivePolicy;
        return training with { Backend = Sequential.ResolveBackend(training.Backend, policy), DtypePolicy = policy };
    }

    /// <summary>Trains every unfinished fit of the runner's plan (waiting for fits other processes hold), rebuilds the
    /// reports from all fits' results, lets <paramref name="alsoWrite"/> add its files, and only then removes the
    /// folder's UNFINISHED marker.</summary>
    public static ReportedRunResult RunAndReport(ProtocolRunner runner, ProtocolManifest manifest,
        IProgress<ProtocolProgress>? progress = null, CancellationToken cancellation = default,
        Action<ReportedRunResult>? alsoWrite = null)
    {
        if (runner.Shard is not null) throw new ArgumentException("a shard's runner writes no reports", nameof(runner));
        var run = runner.Run(manifest, progress, cancellation);
        var reported = new ReportedRunResult(run.Fits, run.ResumedFits, ProtocolReports.Write(runner.Folder, runner.Plan, run, manifest));
        alsoWrite?.Invoke(reported);
        UnfinishedMarker.Remove(runner.Folder);
        return reported;
    }

    /// <summary>Saves the last run's M7 joint, culture and child models as CultureNet's joint, per-culture and per-child weight files.</summary>
    private static Action<FitSpec, ITrainedModel> KeepCultureNet(ProtocolPlan plan, string folder)
    {
        int last = plan.Options.Runs;
        var lastRun = plan.GetRun(last);
        var names = new Dictionary<string, string>();
        foreach (var child in plan.Cohort.Children)
        {
            string key = ProtocolPlanner.M7ChildKey(last, child);
            if (!lastRun.TryGet(key, out var fit)) continue;
            names[key] = $"child_{child.Token}";
            // The culture stage the child's layer starts from: this run's, or the shared one (reference conventions).
            names[fit.ParentKey!] = $"culture_{CultureLabels.Code(child.Culture)}";
            // And the joint stage the culture stage starts from.
            if (lastRun[fit.ParentKey!].ParentKey is { } joint) names[joint] = CultureNetModel.JointFileName;
        }
        return (fit, model) =>
        {
            if (names.TryGetValue(fit.Key, out var name)) model.Save(Path.Combine(folder, ModelsFolder, name + ".npz"));
        };
    }

    /// <summary>reference/Weights/&lt;name&gt;_weights.h5 as the released code leaves them: the last fit of each name in its
    /// order, in Keras 2.2.2's save_weights layout of its functional genNet.</summary>
    private static Action<FitSpec, ITrainedModel> KeepReleasedWeights(ProtocolPlan plan, string folder)
    {
        var files = ReleasedReports.WeightFiles(plan);
        return (fit, model) =>
        {
            if (!files.TryGetValue(fit.Key, out var file)) return;
            string path = Path.Combine(folder, ReleasedReports.Folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // The layers are taken from the network itself (Prepare's trainer is always a GenNetTrainer): a scratch file
            // beside the results would be left there by a process killed while writing it, and look like a result.
            var layers = WeightFile.Snapshot(((GenNetTrainer.GenNetModel)model).Model);
            WeightFile.WriteKerasHdf5(path, layers.Select((l, i) => l with { Name = $"dense_{i + 1}" }).ToArray(), KerasHdf5Layout.ReleasedGenNet);
        };
    }

    /// <summary>The requested settings plus, when asked, the Fig. 3 analyses of those among them that have one (M1, M6).</summary>
    public static IReadOnlyList<SettingVariant> WithAnalyses(ProtocolOptions options, CohortMetadata cohort)
    {
        var settings = options.Settings.ToList();
        if (!options.Fig3Analyses) return settings;
        int others = cohort.Cultures.Min(c => cohort.ChildrenOf(c).Count()) - 1;
        var bases = settings.Where(s => !s.IsVariant).Select(s => s.Base).ToHashSet();
        settings.AddRange(SettingVariant.FigureAnalyses(others).Where(a => bases.Contains(a.Base)));
        return settings.Distinct().Order().ToArray();
    }
}
