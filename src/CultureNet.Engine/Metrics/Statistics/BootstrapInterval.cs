namespace CultureNet.Engine.Metrics.Statistics;

/// <summary>
/// A percentile bootstrap confidence interval [<see cref="Low"/>, <see cref="High"/>]. NaN endpoints with a
/// <see cref="Reason"/> when it is undefined; Reason is null otherwise.
/// </summary>
/// <param name="Seed">The 64-bit seed of the resampling stream, enough (with the values) to reproduce the interval.</param>
public sealed record BootstrapInterval(double Low, double High, int Resamples, ulong Seed, string? Reason)
{
    public bool IsDefined => Reason is null;

    /// <summary>Both endpoints multiplied by <paramref name="factor"/> (e.g. 100 for a correlation shown in %).</summary>
    public BootstrapInterval Scaled(double factor) => this with { Low = Low * factor, High = High * factor };
}
