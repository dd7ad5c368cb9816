using System.Text.Json;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Metrics;

/// <summary>Reference metric values from tests/oracles/metrics_reference.py (numpy/scipy, float64).</summary>
public static class MetricsOracle
{
    public sealed record Reference(double? Icc, double? Ccc, double? Pc, double? Mae);

    public static IReadOnlyList<Reference> Evaluate(IReadOnlyList<(double[] Labels, double[] Predictions)> cases)
    {
        using var dir = new TempDir();
        string input = dir.File("cases.json");
        File.WriteAllText(input, JsonSerializer.Serialize(cases.Select(c => new { labels = c.Labels, predictions = c.Predictions })));
        var output = Python.Run(Python.Oracle("metrics_reference.py"), input);
        return JsonSerializer.Deserialize<List<Reference>>(output, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }
}
