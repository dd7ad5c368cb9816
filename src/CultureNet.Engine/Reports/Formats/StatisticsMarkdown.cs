using System.Globalization;
using System.Text;
using CultureNet.Engine.Metrics.Statistics;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>The "Statistics" section appended to table2.md: the paired tests, then the CIs in Table II's layout.</summary>
public static class StatisticsMarkdown
{
    public static string Render(ProtocolStatistics statistics, Table2 table)
    {
        var ctx = table.Context;
        var sb = new StringBuilder();
        sb.Append('\n').Append("## Statistics").Append(ctx.Synthetic ? " (SYNTHETIC data)" : "").Append('\n').Append('\n');
        if (ctx.Synthetic) sb.Append("> ").Append(Table2.SyntheticNote).Append('\n').Append('\n');

        sb.Append("Paired two-sided Wilcoxon signed-rank tests over the children of each culture (zero differences dropped; " +
                  "exact null distribution up to 50 children without a zero difference, otherwise the normal approximation with " +
                  "the tie correction), Holm-corrected over the comparisons of each culture and metric. " +
                  "Δ: mean over the children of the first setting's score minus the second's; W: min(W+, W−). " +
                  "Every value in full, and why a test is undefined, in stats.csv.").Append('\n').Append('\n');
        if (statistics.Comparisons.Count == 0)
            sb.Append("No comparison ran: each needs both of its settings (").Append(string.Join(", ", SettingComparison.Planned)).Append(").\n");
        else
        {
            sb.Append("| Culture | Metric | Comparison | Children | Δ | W | p | p (Holm) | Method |\n");
            sb.Append("|---|---|---|---:|---:|---:|---:|---:|---|\n");
            foreach (var c in statistics.Comparisons)
                sb.Append($"| {CultureLabels.Code(c.Culture)} | {c.Metric.Label} | {c.Comparison} | {c.Test.Pairs} | {Fixed(c.MeanDifference)} | " +
                          $"{Statistic(c.Test.Statistic)} | {P(c.Test.PValue)} | {P(c.HolmP)} | {Method(c.Test)} |\n");
        }

        sb.Append('\n').Append($"95% bootstrap confidence intervals of the Table II means: percentile method, {statistics.Resamples} " +
                               $"resamples of the children with replacement, seeded from the protocol seed {statistics.Seed} and the " +
                               "entry (`bootstrap/<setting>/<culture>/<metric>`). \"-\": not reported, or undefined (constant scores, " +
                               "fewer than two children; the reason is in stats.csv).").Append('\n').Append('\n');
        sb.Append("| Model |");
        foreach (byte c in table.Cultures)
            foreach (var metric in ReportMetric.All)
                sb.Append($" {CultureLabels.Code(c)} {metric.Label} |");
        sb.Append('\n').Append("|---|");
        foreach (byte _ in table.Cultures) sb.Append("---:|---:|---:|---:|");
        sb.Append('\n');
        var intervals = statistics.Intervals.ToDictionary(i => (i.Setting, i.Culture, i.Metric.Key));
        foreach (var setting in table.Settings)
        {
            sb.Append("| ").Append(setting).Append(" |");
            foreach (byte c in table.Cultures)
                foreach (var metric in ReportMetric.All)
                    sb.Append(' ').Append(intervals.TryGetValue((setting, c, metric.Key), out var i) ? Interval(i.Interval) : "-").Append(" |");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Interval(BootstrapInterval i) => i.IsDefined ? $"[{Fixed(i.Low)}, {Fixed(i.High)}]" : "-";

    private static string Fixed(double v) => double.IsFinite(v) ? v.ToString("F2", CultureInfo.InvariantCulture) : "-";

    private static string Statistic(double w) => double.IsFinite(w) ? w.ToString("0.#", CultureInfo.InvariantCulture) : "-";

    private static string P(double p) => !double.IsFinite(p) ? "-" : p < 1e-4 ? "<0.0001" : p.ToString("F4", CultureInfo.InvariantCulture);

    private static string Method(WilcoxonResult t) => t.IsDefined ? StatsCsv.Method(t.Method) : $"undefined: {t.Reason}";
}
