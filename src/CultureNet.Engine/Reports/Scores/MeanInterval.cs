using CultureNet.Engine.Metrics.Statistics;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>The bootstrap 95% confidence interval of one Table II mean (setting, culture, metric), in Table II units.</summary>
public sealed record MeanInterval(Setting Setting, byte Culture, ReportMetric Metric, int Children, double Mean, BootstrapInterval Interval)
{
    /// <summary>The seed's purpose, e.g. "bootstrap/M1/C0/icc": with the protocol seed it gives the resampling seed.</summary>
    public static string SeedPurpose(Setting setting, byte culture, ReportMetric metric) =>
        $"bootstrap/{setting}/{CultureLabels.Code(culture)}/{metric.Key}";
}
