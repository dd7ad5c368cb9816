using CultureNet.Engine.Metrics.Statistics;
using CultureNet.Engine.Determinism;
using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>
/// What the paper does not report, computed from the per-child scores behind Table II: paired signed-rank tests of
/// <see cref="SettingComparison.Planned"/> per culture and metric, Holm-corrected within each (culture, metric), and
/// a seeded bootstrap 95% CI of every Table II mean. Every number is reproducible from per_child.csv and the seed.
/// </summary>
public sealed record ProtocolStatistics(IReadOnlyList<PairedComparison> Comparisons, IReadOnlyList<MeanInterval> Intervals, int Resamples, long Seed)
{
    /// <param name="perChild">Per-child scores; Fig. 3 variants are ignored, as in Table II.</param>
    /// <param name="table">The Table II of the same scores: its settings, cultures and means, and the protocol seed.</param>
    public static ProtocolStatistics Compute(IReadOnlyList<ChildScore> perChild, Table2 table, int resamples = BootstrapMean.DefaultResamples)
    {
        var scores = perChild.Where(c => !c.Setting.IsVariant)
            .GroupBy(c => (c.Setting.Base, c.Child.Culture))
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.Child).ToArray());
        return new ProtocolStatistics(Compare(scores, table), Bootstrap(scores, table, resamples), resamples, table.Context.Seed);
    }

    private static List<PairedComparison> Compare(Dictionary<(Setting, byte), ChildScore[]> scores, Table2 table)
    {
        var result = new List<PairedComparison>();
        foreach (byte culture in table.Cultures)
            foreach (var metric in ReportMetric.All)
            {
                var family = new List<(SettingComparison Comparison, double MeanDifference, WilcoxonResult Test)>();
                foreach (var comparison in SettingComparison.Planned)
                {
                    if (!scores.TryGetValue((comparison.Setting, culture), out var first) ||
                        !scores.TryGetValue((comparison.Versus, culture), out var second)) continue;
                    var versus = second.ToDictionary(c => c.Child);
                    var paired = first.Where(c => versus.ContainsKey(c.Child)).ToArray();
                    var x = paired.Select(c => metric.Pick(c.Mean)).ToArray();
                    var y = paired.Select(c => metric.Pick(versus[c.Child].Mean)).ToArray();
                    double meanDifference = paired.Length == 0 ? double.NaN : x.Zip(y, (a, b) => a - b).Average() * metric.Scale;
                    family.Add((comparison, meanDifference, WilcoxonSignedRank.Test(x, y)));
                }
                var holm = HolmBonferroni.Adjust(family.Select(f => f.Test.PValue).ToArray());
                for (int i = 0; i < family.Count; i++)
                    result.Add(new PairedComparison(culture, metric, family[i].Comparison, family[i].MeanDifference, family[i].Test, holm[i]));
            }
        return result;
    }

    private static List<MeanInterval> Bootstrap(Dictionary<(Setting, byte), ChildScore[]> scores, Table2 table, int resamples)
    {
        var result = new List<MeanInterval>();
        foreach (var setting in table.Settings)
            foreach (byte culture in table.Cultures)
            {
                if (table.Find(setting, culture) is not { } entry) continue;
                var children = scores[(setting, culture)];
                foreach (var metric in ReportMetric.All)
                {
                    if (Mean(entry, metric) is not { } mean) continue;
                    ulong seed = SeedScheme.Derive64(table.Context.Seed, MeanInterval.SeedPurpose(setting, culture, metric));
                    var values = children.Select(c => metric.Pick(c.Mean)).ToArray();
                    var interval = BootstrapMean.Interval(values, seed, resamples).Scaled(metric.Scale);
                    result.Add(new MeanInterval(setting, culture, metric, children.Length, mean.Mean, interval));
                }
            }
        return result;
    }

    /// <summary>The Table II cell of a metric; null where Table II has none (ME's correlations).</summary>
    private static MeanSd? Mean(Table2Entry entry, ReportMetric metric) =>
        metric == ReportMetric.Icc ? entry.Icc : metric == ReportMetric.Ccc ? entry.Ccc : metric == ReportMetric.Pc ? entry.Pc : entry.Mae;
}
