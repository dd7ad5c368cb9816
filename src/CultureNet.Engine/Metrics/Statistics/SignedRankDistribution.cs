namespace CultureNet.Engine.Metrics.Statistics;

/// <summary>
/// The exact null distribution of the signed-rank sum W+ for n untied, nonzero differences: each of the 2ⁿ sign
/// patterns is equally likely, so P(W+ = s) is the number of subsets of {1, …, n} whose elements sum to s, over 2ⁿ.
/// The counts are integers (below 2⁵³ for n ≤ <see cref="MaxN"/>), so every tail probability is an exact dyadic
/// fraction and comes out bit-identical to scipy's halving recursion of the same distribution.
/// </summary>
internal sealed class SignedRankDistribution
{
    /// <summary>Where the counts stop fitting the 53 bits of a double exactly (and scipy's 'auto' stops using them).</summary>
    public const int MaxN = 50;

    private readonly long[] _counts;

    public int N { get; }

    /// <summary>n(n+1)/2, the largest possible W+.</summary>
    public int MaxSum => _counts.Length - 1;

    public SignedRankDistribution(int n)
    {
        if (n < 1 || n > MaxN) throw new ArgumentOutOfRangeException(nameof(n), n, $"the exact distribution is computed for 1 ≤ n ≤ {MaxN}");
        N = n;
        // Subset-sum counting: adding rank k either leaves a subset's sum or raises it by k.
        _counts = new long[n * (n + 1) / 2 + 1];
        _counts[0] = 1;
        int reached = 0;
        for (int k = 1; k <= n; k++)
        {
            reached += k;
            for (int s = reached; s >= k; s--) _counts[s] += _counts[s - k];
        }
    }

    public long Count(int sum) => sum < 0 || sum > MaxSum ? 0 : _counts[sum];

    /// <summary>P(W+ ≤ s).</summary>
    public double AtMost(int s) => Tail(0, Math.Min(s, MaxSum));

    /// <summary>P(W+ ≥ s).</summary>
    public double AtLeast(int s) => Tail(Math.Max(s, 0), MaxSum);

    private double Tail(int from, int to)
    {
        long total = 0;
        for (int s = from; s <= to; s++) total += _counts[s];
        return Math.ScaleB(total, -N);
    }
}
