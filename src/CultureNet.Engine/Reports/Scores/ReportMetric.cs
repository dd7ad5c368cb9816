using CultureNet.Engine.Metrics;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>One of Table II's four metrics: its column key, its label, the factor from per-child fractions to Table II
/// units (100 for the correlations, shown in %) and where it sits in <see cref="MetricScores"/>.</summary>
public sealed record ReportMetric(string Key, string Label, double Scale, bool IsCorrelation, Func<MetricScores, double> Pick)
{
    public static readonly ReportMetric Icc = new("icc", "ICC [%]", 100.0, true, m => m.Icc);
    public static readonly ReportMetric Ccc = new("ccc", "CCC [%]", 100.0, true, m => m.Ccc);
    public static readonly ReportMetric Pc = new("pc", "PC [%]", 100.0, true, m => m.Pc);
    public static readonly ReportMetric Mae = new("mae", "MAE", 1.0, false, m => m.Mae);

    /// <summary>Table II's column order.</summary>
    public static readonly IReadOnlyList<ReportMetric> All = [Icc, Ccc, Pc, Mae];

    public override string ToString() => Key;
}
