using CultureNet.Engine.Cohort;
using CultureNet.Engine.Data;
using CultureNet.Engine.Figures;
using CultureNet.Engine.Models;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports;

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

    public static ProtocolSessionResult Run(string storePath, string resultsFolder, ProtocolOptions options,
        IProgress<ProtocolProgress>? progress = null, CancellationToken cancellation = default)
    {
        using var store = FeatureStore.Open(storePath);
        store.EnsureLabelled("the protocol");
        var cohort = CohortMetadata.FromColumns(store.Cultures, store.Children, store.Frames, store.Labels, storePath);
        var plan = ProtocolPlanner.Build(cohort, options with { Settings = WithAnalyses(options, cohort) });
        var trainer = new GenNetTrainer(store, options.Training);
        var manifest = ProtocolManifest.For(plan, Path.GetFullPath(storePath), store.IsSynthetic);
        var runner = new ProtocolRunner(plan, trainer, resultsFolder) { Trained = KeepCultureNet(plan, resultsFolder) };
        var run = RunAndReport(runner, manifest, progress, cancellation);
        var figures = Fig3Figures.WriteAll(Path.Combine(resultsFolder, FiguresFolder), run.Reports.PerChild, cohort, store.IsSynthetic);
        return new ProtocolSessionResult(run.Reports.Table, figures, plan.TotalFits, run.ResumedFits);
    }

    /// <summary>Trains every unfinished fit of the runner's plan, then rebuilds the reports from all fits' results.</summary>
    public static ReportedRunResult RunAndReport(ProtocolRunner runner, ProtocolManifest manifest,
        IProgress<ProtocolProgress>? progress = null, CancellationToken cancellation = default)
    {
        var run = runner.Run(manifest, progress, cancellation);
        return new ReportedRunResult(run.Fits, run.ResumedFits, ProtocolReports.Write(runner.Folder, runner.Plan, run, manifest));
    }

    /// <summary>Saves the last run's M7 joint, culture and child models as CultureNet's joint, per-culture and per-child weight files.</summary>
    private static Action<FitSpec, ITrainedModel> KeepCultureNet(ProtocolPlan plan, string folder)
    {
        int last = plan.Options.Runs;
        var names = plan.Cohort.Cultures.ToDictionary(c => ProtocolPlanner.M7CultureKey(last, c), c => $"culture_{CultureLabels.Code(c)}");
        foreach (var child in plan.Cohort.Children) names[ProtocolPlanner.M7ChildKey(last, child)] = $"child_{child.Token}";
        names[ProtocolPlanner.M7JointKey(last)] = CultureNetModel.JointFileName;
        return (fit, model) =>
        {
            if (names.TryGetValue(fit.Key, out var name)) model.Save(Path.Combine(folder, ModelsFolder, name + ".npz"));
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
