using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Metrics;

namespace CultureNet.Engine.Reports.Scores;

/// <summary>
/// A child's scores for one setting in one run. For ME the correlations are not applicable (a constant prediction) and
/// are NaN by design; the writers print them as empty / "-" / null.
/// </summary>
public sealed record ChildRunScore(SettingVariant Setting, int Run, ChildId Child, MetricScores Scores)
{
    public static ChildRunScore From(EvaluationResult result) => From(result, ProtocolConventions.Paper);

    /// <summary>Scored as the conventions say: <see cref="ReleasedMetrics"/> for the reference ones.</summary>
    public static ChildRunScore From(EvaluationResult result, ProtocolConventions conventions)
    {
        result.Validate();
        var scores = conventions == ProtocolConventions.Reference
            ? ReleasedMetrics.Compute(result.Labels, result.Predictions)
            : MetricScores.Compute(result.Labels, result.Predictions);
        if (!result.Setting.Base.HasCorrelations())
            scores = scores with { Icc = double.NaN, Ccc = double.NaN, Pc = double.NaN };
        return new ChildRunScore(result.Setting, result.Run, result.Child, scores);
    }
}
