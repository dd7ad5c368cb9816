using CultureNet.Engine.Data;
using CultureNet.Engine.Figures;
using CultureNet.Engine.Models;
using CultureNet.Engine.Reports;

namespace CultureNet.Engine.Protocol;

/// <summary>
/// The whole protocol over a feature store: plan (with the Fig. 3 analyses of the requested settings), resumable
/// training with GenNet/CultureNet, reports and figures in one results folder.
/// </summary>
public static class ProtocolSession
{
    public const string FiguresFolder = "figures";

    /// <summary>The last run's CultureNet (M7) models: culture_C0.npz, child_C0-7.npz, … (<see cref="CultureNetModel.Load"/>).</summary>
    public const string ModelsFolder = "models";

    public static ProtocolOutcome Run(ProtocolRequest request, IProgress<ProtocolProgress>? progress = null, CancellationToken cancellation = default)
    {
        // Every child's feature checksum is verified first (hashing runs at several GB/s, a fraction of one fit): results
        // from corrupt features would otherwise be written without a word. A mismatch stops the run naming the child.
        using var store = FeatureStore.Open(request.Store, verifyChecksums: true);
        var cohort = CohortMetadata.FromColumns(store.Cultures, store.Children, store.Frames, store.Labels, request.Store);
        var plan = ProtocolPlanner.Build(cohort, request.Options with { Settings = WithAnalyses(request, cohort) });
        var trainer = new GenNetTrainer(store, request.Training);
        var manifest = ProtocolManifest.For(plan, Path.GetFullPath(request.Store), store.IsSynthetic);
        using var guard = RunFolderGuard.Acquire(request.Out,
            $"store digest {manifest.CohortDigest:X16}, settings {manifest.Settings}, runs {manifest.Runs}, split {manifest.Split}, seed {manifest.Seed}");
        var results = new ProtocolRunner(plan, trainer, request.Out) { Trained = KeepCultureNet(plan, request.Out) }
            .Run(manifest, progress, cancellation);
        var figures = Fig3Figures.WriteAll(Path.Combine(request.Out, FiguresFolder), results.Reports.PerChild, cohort, store.IsSynthetic);
        guard.Complete();
        return new ProtocolOutcome(results.Reports.Table, figures, plan.TotalFits, results.ResumedFits);
    }

    /// <summary>Saves the last run's M7 culture and child models as CultureNet's per-culture and per-child weight files.</summary>
    private static Action<FitSpec, ITrainedModel> KeepCultureNet(ProtocolPlan plan, string folder)
    {
        int last = plan.Options.Runs;
        var names = plan.Cohort.Cultures.ToDictionary(c => ProtocolPlanner.M7CultureKey(last, c), c => $"culture_{ChildId.CultureLabel(c)}");
        foreach (var child in plan.Cohort.Children) names[ProtocolPlanner.M7ChildKey(last, child)] = $"child_{child.Token}";
        return (fit, model) =>
        {
            if (names.TryGetValue(fit.Key, out var name)) model.Save(Path.Combine(folder, ModelsFolder, name + ".npz"));
        };
    }

    /// <summary>The requested settings plus, when asked, the Fig. 3 analyses of those among them that have one (M1, M6).</summary>
    public static IReadOnlyList<ProtocolSetting> WithAnalyses(ProtocolRequest request, CohortMetadata cohort)
    {
        var settings = request.Options.Settings.ToList();
        if (!request.Fig3Analyses) return settings;
        int others = cohort.Cultures.Min(c => cohort.ChildrenOf(c).Count()) - 1;
        var bases = settings.Where(s => !s.IsVariant).Select(s => s.Base).ToHashSet();
        settings.AddRange(ProtocolSetting.FigureAnalyses(others).Where(a => bases.Contains(a.Base)));
        return settings.Distinct().Order().ToArray();
    }
}
