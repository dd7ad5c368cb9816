using System.Text;
using CultureNet.Engine.Metrics.Statistics;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>
/// stats.csv: one line per test, then one per interval, in the columns of <see cref="Header"/> (empty where a column
/// does not apply or a value is undefined):
/// <list type="bullet">
/// <item><c>analysis</c>: <c>wilcoxon</c> (a paired signed-rank test) or <c>bootstrap</c> (a CI of a Table II mean).</item>
/// <item><c>culture</c>, <c>metric</c> (icc, ccc, pc, mae), <c>setting</c>; <c>versus</c>: the second setting of a test.</item>
/// <item><c>children</c>: children paired (test) or averaged (interval); <c>nonzero</c>: pairs with a nonzero difference.</item>
/// <item><c>estimate</c>: the mean difference setting − versus (test) or the Table II mean (interval), in Table II
/// units: correlations in %, MAE in label units.</item>
/// <item><c>statistic</c>: min(W+, W−); <c>z</c>: the normal approximation's z (empty when exact); <c>p</c>: two-sided
/// p-value; <c>p_holm</c>: Holm-adjusted over the tests of the same culture and metric; <c>method</c>: exact or normal.</item>
/// <item><c>ci_low</c>, <c>ci_high</c>: the 95% percentile bootstrap interval (Table II units); <c>resamples</c>;
/// <c>seed</c>: the 64-bit resampling seed.</item>
/// <item><c>reason</c>: why a test or interval is undefined; <c>data</c>: SYNTHETIC or real.</item>
/// </list>
/// </summary>
public static class StatsCsv
{
    public const string Header = "analysis,culture,metric,setting,versus,children,nonzero,estimate,statistic,z,p,p_holm,method,ci_low,ci_high,resamples,seed,reason,data";

    public static string Render(ProtocolStatistics statistics, bool synthetic)
    {
        string data = synthetic ? "SYNTHETIC" : "real";
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var c in statistics.Comparisons)
        {
            var t = c.Test;
            Line(sb, "wilcoxon", CultureLabels.Code(c.Culture), c.Metric.Key, c.Comparison.Setting.ToString(), c.Comparison.Versus.ToString(),
                CsvFormat.Int(t.Pairs), CsvFormat.Int(t.NonZero), CsvFormat.Number(c.MeanDifference), CsvFormat.Number(t.Statistic),
                CsvFormat.Number(t.Z), CsvFormat.Number(t.PValue), CsvFormat.Number(c.HolmP), Method(t.Method), "", "", "", "",
                Text(t.Reason), data);
        }
        foreach (var m in statistics.Intervals)
        {
            var i = m.Interval;
            Line(sb, "bootstrap", CultureLabels.Code(m.Culture), m.Metric.Key, m.Setting.ToString(), "", CsvFormat.Int(m.Children), "",
                CsvFormat.Number(m.Mean), "", "", "", "", "", CsvFormat.Number(i.Low), CsvFormat.Number(i.High),
                CsvFormat.Int(i.Resamples), i.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(i.Reason), data);
        }
        return sb.ToString();
    }

    public static string Method(WilcoxonMethod method) => method switch
    {
        WilcoxonMethod.Exact => "exact",
        WilcoxonMethod.Normal => "normal",
        _ => "",
    };

    private static void Line(StringBuilder sb, params string[] fields) => sb.AppendJoin(',', fields).Append('\n');

    /// <summary>A free-text field, quoted when it holds a comma or a quote.</summary>
    private static string Text(string? value) =>
        value is null ? "" : value.Contains(',') || value.Contains('"') ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
