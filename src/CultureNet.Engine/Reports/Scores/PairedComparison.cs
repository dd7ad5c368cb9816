using CultureNet.Engine.Metrics.Statistics;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>
/// One Wilcoxon signed-rank test of a <see cref="SettingComparison"/> in a culture on a metric, over the children scored
/// in both settings. <see cref="MeanDifference"/> is the mean over those children of (setting − versus) in Table II
/// units (% for correlations; a positive MAE difference means the first setting errs more); <see cref="HolmP"/> is the
/// p-value Holm-adjusted over the comparisons of the same culture and metric (NaN when the test is undefined).
/// </summary>
public sealed record PairedComparison(byte Culture, ReportMetric Metric, SettingComparison Comparison, double MeanDifference, WilcoxonResult Test, double HolmP);
