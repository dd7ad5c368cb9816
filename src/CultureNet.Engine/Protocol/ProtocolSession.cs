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

    public static ProtocolOutcome Run(ProtocolRequest request, IProgress<ProtocolProgress>? progress = null, CancellationToken cancellation = default)
    {
        using var store = FeatureStore.Open(request.Store);
        var cohort = CohortMetadata.FromColumns(store.Cultures, store.Children, store.Frames, store.Labels, request.Store);
        var plan = ProtocolPlanner.Build(cohort, request.Options with { Settings = WithAnalyses(request, cohort) });
        var trainer = new CultureNetTrainer(StoreFeatures.AsMatrix(store), cohort, request.Training);
        var manifest = ProtocolManifest.For(plan, Path.GetFullPath(request.Store), store.IsSynthetic);
        var results = new ProtocolRunner(plan, trainer, request.Out).Run(manifest, progress, cancellation);
        var figures = Fig3Figures.WriteAll(Path.Combine(request.Out, FiguresFolder), results.Reports.PerChild, cohort, store.IsSynthetic);
        return new ProtocolOutcome(results.Reports.Table, figures, plan.TotalFits, results.ResumedFits);
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
