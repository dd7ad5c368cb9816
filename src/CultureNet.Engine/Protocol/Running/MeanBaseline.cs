using CultureNet.Engine.Cohort;
namespace CultureNet.Engine.Protocol.Running;

/// <summary>The ME baseline: a constant prediction, the mean of the labels of the given rows (the target child's p2).</summary>
public static class MeanBaseline
{
    public static float Fit(CohortMetadata cohort, IReadOnlyList<int> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("the mean estimate needs at least one training row");
        double sum = 0;
        foreach (int row in rows) sum += cohort.Label(row);
        return (float)(sum / rows.Count);
    }
}
