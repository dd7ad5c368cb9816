using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Figures;

/// <summary>A point of a Fig. 3 curve: x (children or % of data) and the culture's mean of per-child PC, in %.</summary>
public readonly record struct CurvePoint(double X, double MeanPcPercent);

/// <summary>One culture's curve.</summary>
public sealed record Curve(byte Culture, IReadOnlyList<CurvePoint> Points);

/// <summary>A child's PC (in %) under M4 and M7; NaN where that setting was not run.</summary>
public sealed record ChildComparison(ChildId Child, double M4PcPercent, double M7PcPercent);

/// <summary>Five-number summary of a child's labels: whiskers at the extremes, as the paper's box plots.</summary>
public sealed record LabelBox(ChildId Child, double Min, double Q1, double Median, double Q3, double Max);

/// <summary>The numbers behind the Fig. 3 analyses, computed from per-child scores (means over runs) and the cohort's labels.</summary>
public static class Fig3Data
{
    /// <summary>Fig. 3 left, top: M1's PC vs the number of training children (M1-c{k}; full M1 at all other children).</summary>
    public static IReadOnlyList<Curve> PcVsTrainingChildren(IReadOnlyList<ChildScore> perChild, CohortMetadata cohort) =>
        Curves(perChild, Setting.M1, s => s.TrainingChildren,
            culture => cohort.ChildrenOf(culture).Count() - 1, s => s.DataPercent is null);

    /// <summary>Fig. 3 left, bottom: M1's PC vs the % of each training child's data (M1-d{p}; full M1 at 100%).</summary>
    public static IReadOnlyList<Curve> PcVsTrainingDataPercent(IReadOnlyList<ChildScore> perChild) =>
        Curves(perChild, Setting.M1, s => s.DataPercent, _ => 100, s => s.TrainingChildren is null);

    /// <summary>M6 with 5/10/15/20% of the target child's data (M6-d{p}; full M6 at 20%).</summary>
    public static IReadOnlyList<Curve> PcVsTargetDataPercent(IReadOnlyList<ChildScore> perChild) =>
        Curves(perChild, Setting.M6, s => s.DataPercent, _ => 20, _ => true);

    private static IReadOnlyList<Curve> Curves(IReadOnlyList<ChildScore> perChild, Setting setting,
        Func<SettingVariant, int?> variantX, Func<byte, double> fullX, Func<SettingVariant, bool> belongs)
    {
        var curves = new List<Curve>();
        var rows = perChild.Where(c => c.Setting.Base == setting && belongs(c.Setting)).ToArray();
        if (!rows.Any(r => r.Setting.IsVariant)) return curves;
        foreach (var culture in rows.GroupBy(r => r.Child.Culture).OrderBy(g => g.Key))
        {
            var points = culture
                .Select(r => (X: r.Setting.IsVariant ? (double?)variantX(r.Setting) : fullX(culture.Key), r.Mean.Pc))
                .Where(p => p.X is not null)
                .GroupBy(p => p.X!.Value)
                .Select(g => new CurvePoint(g.Key, 100 * g.Average(p => p.Pc)))
                .OrderBy(p => p.X)
                .ToArray();
            curves.Add(new Curve(culture.Key, points));
        }
        return curves;
    }

    /// <summary>Fig. 3 middle: per-child PC of M4 and M7 in one culture, sorted by decreasing M7 PC (by child id without M7).</summary>
    public static IReadOnlyList<ChildComparison> M4VersusM7(IReadOnlyList<ChildScore> perChild, byte culture)
    {
        double Pc(Setting s, ChildId c) =>
            perChild.FirstOrDefault(x => x.Setting == new SettingVariant(s) && x.Child == c) is { } found ? 100 * found.Mean.Pc : double.NaN;
        var children = perChild.Where(c => c.Child.Culture == culture && !c.Setting.IsVariant
                && c.Setting.Base is Setting.M4 or Setting.M7)
            .Select(c => c.Child).Distinct();
        return children.Select(c => new ChildComparison(c, Pc(Setting.M4, c), Pc(Setting.M7, c)))
            .OrderByDescending(c => double.IsNaN(c.M7PcPercent) ? double.NegativeInfinity : c.M7PcPercent)
            .ThenBy(c => c.Child)
            .ToArray();
    }

    /// <summary>Fig. 3 right: each child's label distribution over all its frames.</summary>
    public static LabelBox LabelsOf(CohortMetadata cohort, ChildId child)
    {
        var range = cohort.RangeOf(child);
        var values = cohort.LabelColumn.Slice(range.Start, range.Count).ToArray().Select(v => (double)v).Order().ToArray();
        return new LabelBox(child, values[0], Quantile(values, 0.25), Quantile(values, 0.5), Quantile(values, 0.75), values[^1]);
    }

    /// <summary>Quantile of sorted values with linear interpolation between closest ranks (numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) throw new ArgumentException("quantile of no values");
        double position = q * (sorted.Count - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
