using CultureNet.Engine.Metrics;

namespace CultureNet.Engine.Tests.Metrics;

/// <summary>The C# metrics against independent float64 implementations in numpy/scipy, to 1e-9.</summary>
public class MetricOracleTests
{
    private const double Tolerance = 1e-9;

    private static List<(string Name, double[] Labels, double[] Predictions)> Cases()
    {
        var cases = new List<(string, double[], double[])>
        {
            ("fixed-small", [0.1, 0.5, -0.3, 0.9, 0.0], [0.2, 0.4, -0.1, 0.7, 0.1]),
            ("fixed-anticorrelated", [1, 2, 3, 4, 5, 6], [6, 5, 4, 3.5, 2, 1]),
            ("fixed-offset-and-scale", [-1, -0.5, 0, 0.5, 1], [0.5, 0.75, 1.0, 1.25, 1.5]),
            ("two-elements", [0.25, -0.75], [0.5, 0.125]),
            ("constant-predictions", [0.1, 0.7, -0.2, 0.4], [0.3, 0.3, 0.3, 0.3]),
            ("constant-labels", [0.8, 0.8, 0.8, 0.8, 0.8], [0.1, 0.9, 0.5, 0.6, 0.2]),
        };
        var random = new Random(20240521);
        foreach (int n in new[] { 3, 10, 97, 1000, 4800 })
        {
            // Labels in [−1, 1] like engagement; predictions = noisy, scaled, shifted labels, rounded through float32.
            var labels = new double[n];
            var predictions = new double[n];
            double scale = 0.2 + random.NextDouble(), shift = random.NextDouble() - 0.5, noise = random.NextDouble();
            for (int i = 0; i < n; i++)
            {
                labels[i] = (float)(2 * random.NextDouble() - 1);
                predictions[i] = (float)(scale * labels[i] + shift + noise * (2 * random.NextDouble() - 1));
            }
            cases.Add(($"random-{n}", labels, predictions));
        }
        var independent = new double[500];
        var other = new double[500];
        for (int i = 0; i < 500; i++) { independent[i] = random.NextDouble(); other[i] = random.NextDouble(); }
        cases.Add(("random-independent", independent, other));
        return cases;
    }

    [Fact]
    public void Metrics_agree_with_numpy_and_scipy()
    {
        var cases = Cases();
        var reference = MetricsOracle.Evaluate(cases.Select(c => (c.Labels, c.Predictions)).ToList());
        Assert.Equal(cases.Count, reference.Count);
        for (int i = 0; i < cases.Count; i++)
        {
            var (name, labels, predictions) = cases[i];
            var ours = MetricScores.Compute(labels, predictions);
            var r = reference[i];
            // Where the reference is undefined (NaN: constant input) our documented value is 0.
            AssertClose(name, "ICC", r.Icc ?? 0, ours.Icc);
            AssertClose(name, "CCC", r.Ccc ?? 0, ours.Ccc);
            AssertClose(name, "PC", r.Pc ?? 0, ours.Pc);
            AssertClose(name, "MAE", r.Mae!.Value, ours.Mae);
        }
    }

    [Fact]
    public void Float_overloads_agree_with_the_oracle_on_float32_data()
    {
        var random = new Random(7);
        var labels = new float[300];
        var predictions = new float[300];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = (float)(2 * random.NextDouble() - 1);
            predictions[i] = 0.6f * labels[i] + (float)(0.3 * random.NextDouble());
        }
        var widenedLabels = labels.Select(v => (double)v).ToArray();
        var widenedPredictions = predictions.Select(v => (double)v).ToArray();
        var r = MetricsOracle.Evaluate([(widenedLabels, widenedPredictions)])[0];
        var ours = MetricScores.Compute(labels, predictions);
        AssertClose("float32", "ICC", r.Icc!.Value, ours.Icc);
        AssertClose("float32", "CCC", r.Ccc!.Value, ours.Ccc);
        AssertClose("float32", "PC", r.Pc!.Value, ours.Pc);
        AssertClose("float32", "MAE", r.Mae!.Value, ours.Mae);
    }

    private static void AssertClose(string caseName, string metric, double expected, double actual)
    {
        Assert.True(Math.Abs(expected - actual) <= Tolerance,
            $"{caseName}: {metric} expected {expected:R} (numpy/scipy), got {actual:R}");
    }
}
