using System.Text.Json;
using System.Text.Json.Serialization;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Metrics.Statistics;

/// <summary>Reference values from tests/oracles/statistics_reference.py (scipy.stats.wilcoxon, numpy Holm and bootstrap).</summary>
public static class StatisticsOracle
{
    public sealed record SignedRank(double? Statistic, double? PValue, double? Z);

    public sealed record Interval(double Low, double High);

    public sealed record Answers(List<SignedRank> Wilcoxon, List<double[]> Holm, List<Interval> Bootstrap);

    public sealed record BootstrapCase(double[] Values, ulong Seed, int Resamples);

    public static Answers Evaluate(
        IEnumerable<(double[] X, double[] Y)>? wilcoxon = null,
        IEnumerable<double[]>? holm = null,
        IEnumerable<BootstrapCase>? bootstrap = null)
    {
        using var dir = new TempDir();
        string input = dir.File("cases.json");
        File.WriteAllText(input, JsonSerializer.Serialize(new
        {
            wilcoxon = (wilcoxon ?? []).Select(c => new { x = c.X, y = c.Y }),
            holm = holm ?? [],
            bootstrap = (bootstrap ?? []).Select(c => new { values = c.Values, seed = c.Seed, resamples = c.Resamples }),
        }));
        var output = Python.Run(Python.Oracle("statistics_reference.py"), input);
        return JsonSerializer.Deserialize<Answers>(output, Options)!;
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
