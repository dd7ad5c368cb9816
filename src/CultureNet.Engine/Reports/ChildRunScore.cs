using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Metrics;

namespace CultureNet.Engine.Reports;

/// <summary>
/// A child's scores for one setting in one run. For ME the correlations are not applicable (a constant prediction) and
/// are NaN by design; the writers print them as empty / "-" / null.
/// </summary>
public sealed record ChildRunScore(SettingVariant Setting, int Run, ChildId Child, MetricScores Scores)
{
    public static ChildRunScore From(EvaluationResult result)
    {
        result.Validate();
        var scores = MetricScores.Compute(result.Labels, result.Predictions);
        if (!result.Setting.Base.HasCorrelations())
            scores = scores with { Icc = double.NaN, Ccc = double.NaN, Pc = double.NaN };
        return new ChildRunScore(result.Setting, result.Run, result.Child, scores);
    }
}
