namespace CultureNet.Engine.Metrics.Statistics;

/// <summary>
/// Holm's step-down correction of a family of p-values (statsmodels' <c>multipletests(p, method="holm")</c>):
/// with the m p-values sorted ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted p₍ᵢ₎ is max over j ≤ i of (m − j + 1)·p₍ⱼ₎,
/// capped at 1. Adjusted values are monotone in the raw ones, and tied raw values get the same adjusted value whatever
/// order a sort leaves them in.
/// </summary>
public static class HolmBonferroni
{
    /// <summary>
    /// Adjusted p-values in the order given. NaN entries (tests that were undefined) are not part of the family: they
    /// stay NaN and m counts only the others.
    /// </summary>
    public static double[] Adjust(ReadOnlySpan<double> pValues)
    {
        var adjusted = new double[pValues.Length];
        var family = new List<int>(pValues.Length);
        for (int i = 0; i < pValues.Length; i++)
        {
            if (double.IsNaN(pValues[i])) adjusted[i] = double.NaN;
            else if (pValues[i] is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(pValues), pValues[i], $"p-value {i} is outside [0, 1]");
            else family.Add(i);
        }
        var p = pValues.ToArray();
        family.Sort((a, b) => p[a].CompareTo(p[b]));
        int m = family.Count;
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            running = Math.Max(running, p[family[rank]] * (m - rank));
            adjusted[family[rank]] = Math.Min(running, 1.0);
        }
        return adjusted;
    }
}
