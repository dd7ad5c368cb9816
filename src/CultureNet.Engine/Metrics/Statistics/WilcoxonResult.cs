namespace CultureNet.Engine.Metrics.Statistics;

/// <summary>How a signed-rank p-value was obtained.</summary>
public enum WilcoxonMethod
{
    /// <summary>Not computed: the test is undefined for these data (see <see cref="WilcoxonResult.Reason"/>).</summary>
    None,
    /// <summary>The exact null distribution of W+ (no zero differences, at most 50 pairs).</summary>
    Exact,
    /// <summary>The normal approximation with the tie correction of the variance, no continuity correction.</summary>
    Normal,
}

/// <summary>
/// A two-sided Wilcoxon signed-rank test: <see cref="Statistic"/> is min(W+, W−), the smaller of the rank sums of the
/// positive and of the negative differences, as scipy reports it. When the test is undefined the statistic and p-value
/// are NaN and <see cref="Reason"/> says why; otherwise Reason is null.
/// </summary>
/// <param name="Pairs">The pairs given.</param>
/// <param name="NonZero">The pairs with a nonzero difference, the ones ranked (zero differences are dropped).</param>
/// <param name="Z">The standardised statistic of the normal approximation; NaN for the exact method.</param>
public sealed record WilcoxonResult(double Statistic, double PValue, WilcoxonMethod Method, int Pairs, int NonZero, double Z, string? Reason)
{
    public bool IsDefined => Reason is null;

    public static WilcoxonResult Undefined(int pairs, int nonZero, string reason) =>
        new(double.NaN, double.NaN, WilcoxonMethod.None, pairs, nonZero, double.NaN, reason);
}
