using System.Globalization;
using System.Text.Json;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports;
using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Reports.Scores;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Reports;

/// <summary>stats.csv and table2.md's Statistics section, recomputed from per_child.csv by scipy/numpy
/// (tests/oracles/stats_csv_reference.py).</summary>
public sealed class StatisticsReportTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private const long Seed = -12345;

    /// <summary>
    /// 2 runs, 7 children per culture, every Table I setting and one Fig. 3 variant. Planted on purpose: in C0, M5
    /// predicts exactly like M1 for three children (zero differences: the normal approximation); in C1, ME is off by
    /// exactly 0.5 on every frame (a constant MAE: an undefined interval).
    /// </summary>
    private static List<EvaluationResult> Results(IEnumerable<Setting>? only = null)
    {
        var random = new Random(8);
        var settings = (only ?? Enum.GetValues<Setting>()).Select(s => new SettingVariant(s)).Append(new SettingVariant(Setting.M1, TrainingChildren: 2));
        var results = new List<EvaluationResult>();
        for (int run = 1; run <= 2; run++)
            for (byte culture = 0; culture < 2; culture++)
                for (int child = 0; child < 7; child++)
                {
                    int[] frames = Enumerable.Range(0, 12).ToArray();
                    // Multiples of 1/8: label + 0.5 is exact in float.
                    float[] labels = frames.Select(_ => random.Next(-8, 9) / 8f).ToArray();
                    float[] m1 = [];
                    foreach (var setting in settings)
                    {
                        double skill = 0.2 + 0.1 * (int)setting.Base + 0.3 * random.NextDouble();
                        float[] predictions = setting.Base == Setting.ME
                            ? labels.Select(l => culture == 1 ? l + 0.5f : 0.1f).ToArray()
                            : labels.Select(l => (float)(skill * l + (1 - skill) * (2 * random.NextDouble() - 1))).ToArray();
                        if (setting == new SettingVariant(Setting.M1)) m1 = predictions;
                        if (setting.Base == Setting.M5 && culture == 0 && child < 3) predictions = m1;
                        results.Add(new EvaluationResult(setting, run, new ChildId(culture, child), frames, labels, predictions));
                    }
                }
        return results;
    }

    private ReportSet Write(string name, IReadOnlyCollection<EvaluationResult> results, bool synthetic = true) =>
        ResultsFolder.WriteReports(_temp.File(name), results, new Table2Context("test.store", 2, SplitMode.Random, Seed, synthetic));

    private static Dictionary<string, string>[] ReadStats(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, ResultsFolder.StatsCsvFile));
        Assert.Equal(StatsCsv.Header, lines[0]);
        var columns = lines[0].Split(',');
        return lines.Skip(1).Select(l =>
        {
            Assert.DoesNotContain('"', l);
            var fields = l.Split(',');
            Assert.Equal(columns.Length, fields.Length);
            return columns.Zip(fields).ToDictionary(p => p.First, p => p.Second);
        }).ToArray();
    }

    [Fact]
    public void Stats_csv_equals_scipy_and_numpy_recomputed_from_per_child_csv()
    {
        Write("a", Results());
        string folder = _temp.File("a");
        var stats = ReadStats(folder);
        using var oracle = JsonDocument.Parse(Python.Run(Python.Oracle("stats_csv_reference.py"),
            Path.Combine(folder, ResultsFolder.PerChild), Seed.ToString(CultureInfo.InvariantCulture), "10000"));
        var tests = oracle.RootElement.GetProperty("wilcoxon").EnumerateArray().ToArray();
        var intervals = oracle.RootElement.GetProperty("bootstrap").EnumerateArray().ToArray();

        var ourTests = stats.Where(r => r["analysis"] == "wilcoxon").ToArray();
        var ourIntervals = stats.Where(r => r["analysis"] == "bootstrap").ToArray();
        Assert.Equal(stats.Length, ourTests.Length + ourIntervals.Length);
        Assert.Equal(2 * 4 * 5, tests.Length);
        Assert.Equal(tests.Length, ourTests.Length);
        Assert.Equal(2 * (7 * 4 + 1), intervals.Length);
        Assert.Equal(intervals.Length, ourIntervals.Length);

        for (int i = 0; i < tests.Length; i++)
        {
            var (ours, reference) = (ourTests[i], tests[i]);
            string where = $"test {i} ({ours["culture"]} {ours["metric"]} {ours["setting"]} vs {ours["versus"]})";
            foreach (var key in new[] { "culture", "metric", "setting", "versus", "children", "nonzero", "method" })
                Assert.True(Text(reference, key) == ours[key], $"{where}: {key} {ours[key]} vs {Text(reference, key)}");
            foreach (var key in new[] { "estimate", "statistic", "z", "p", "p_holm" })
                AssertClose(where, key, reference, ours[key], 1e-12);
            Assert.Equal("SYNTHETIC", ours["data"]);
            Assert.Equal("", ours["reason"]);
        }
        // The planted zeros take the normal path, everything else (7 children, no zeros) the exact one.
        var zeros = ourTests.Where(r => r["setting"] == "M5" && r["versus"] == "M1" && r["culture"] == "C0").ToArray();
        Assert.Equal(4, zeros.Length);
        Assert.All(zeros, r => Assert.Equal(("4", "normal"), (r["nonzero"], r["method"])));
        Assert.Equal(36, ourTests.Count(r => r["method"] == "exact"));

        for (int i = 0; i < intervals.Length; i++)
        {
            var (ours, reference) = (ourIntervals[i], intervals[i]);
            string where = $"interval {i} ({ours["setting"]} {ours["culture"]} {ours["metric"]})";
            foreach (var key in new[] { "culture", "metric", "setting", "children", "seed" })
                Assert.True(Text(reference, key) == ours[key], $"{where}: {key} {ours[key]} vs {Text(reference, key)}");
            AssertClose(where, "estimate", reference, ours["estimate"], 1e-12);
            // Bit for bit: the same draws, the same sums, the same percentile arithmetic.
            AssertClose(where, "ci_low", reference, ours["ci_low"], 0);
            AssertClose(where, "ci_high", reference, ours["ci_high"], 0);
            Assert.Equal("10000", ours["resamples"]);
        }
        var constant = ourIntervals.Single(r => r["reason"] != "");
        Assert.Equal(("ME", "C1", "mae", "0.5"), (constant["setting"], constant["culture"], constant["metric"], constant["estimate"]));
        Assert.Contains("constant values", constant["reason"]);
    }

    [Fact]
    public void Table2_md_keeps_the_table_byte_for_byte_and_appends_the_section_deterministically()
    {
        var results = Results();
        var reports = Write("a", results);
        Write("b", results);
        foreach (var file in new[] { ResultsFolder.StatsCsvFile, ResultsFolder.Table2Md, ResultsFolder.Table2CsvFile })
            Assert.Equal(File.ReadAllBytes(Path.Combine(_temp.File("a"), file)), File.ReadAllBytes(Path.Combine(_temp.File("b"), file)));

        string md = File.ReadAllText(Path.Combine(_temp.File("a"), ResultsFolder.Table2Md));
        string table = Table2Markdown.Render(reports.Table);
        Assert.StartsWith(table, md);
        string section = md[table.Length..];
        Assert.StartsWith("\n## Statistics (SYNTHETIC data)\n\n> " + Table2.SyntheticNote, section);
        var first = reports.Statistics.Comparisons[0];
        Assert.Equal((SettingComparison.Planned[0], (byte)0, ReportMetric.Icc), (first.Comparison, first.Culture, first.Metric));
        Assert.Contains($"| C0 | ICC [%] | M7 vs M4 | 7 | {first.MeanDifference.ToString("F2", CultureInfo.InvariantCulture)} | " +
                        $"{first.Test.Statistic.ToString("0.#", CultureInfo.InvariantCulture)} | {first.Test.PValue.ToString("F4", CultureInfo.InvariantCulture)} |", section);
        var m1 = reports.Statistics.Intervals.First(i => i.Setting == Setting.M1 && i.Culture == 1 && i.Metric == ReportMetric.Pc);
        Assert.Contains($"[{m1.Interval.Low.ToString("F2", CultureInfo.InvariantCulture)}, {m1.Interval.High.ToString("F2", CultureInfo.InvariantCulture)}]", section);
        Assert.InRange(reports.Table.Find(Setting.M1, 1)!.Pc!.Value.Mean, m1.Interval.Low, m1.Interval.High);
        var me = section.Split('\n').Single(l => l.StartsWith("| ME |"));
        Assert.Equal(7, me.Split('|', StringSplitOptions.RemoveEmptyEntries).Count(c => c.Trim() == "-")); // 6 correlations, C1's constant MAE
        Assert.Empty(Directory.GetFiles(_temp.File("a"), "*.tmp"));

        Write("real", results, synthetic: false);
        Assert.DoesNotContain("SYNTHETIC", File.ReadAllText(Path.Combine(_temp.File("real"), ResultsFolder.Table2Md)));
        Assert.All(ReadStats(_temp.File("real")), r => Assert.Equal("real", r["data"]));
    }

    [Fact]
    public void Only_comparisons_whose_settings_both_ran_form_the_holm_family()
    {
        var statistics = Write("a", Results([Setting.M1, Setting.M2, Setting.M5])).Statistics;
        Assert.Equal([new SettingComparison(Setting.M5, Setting.M1), new SettingComparison(Setting.M1, Setting.M2)],
            statistics.Comparisons.Select(c => c.Comparison).Distinct());
        foreach (var family in statistics.Comparisons.GroupBy(c => (c.Culture, c.Metric.Key)))
        {
            var tests = family.OrderBy(t => t.Test.PValue).ToArray();
            Assert.Equal(2, tests.Length);
            // m = 2: the smaller p doubles, the larger is max(2·smaller, itself); both capped at 1.
            double low = tests[0].Test.PValue, high = tests[1].Test.PValue;
            Assert.Equal(Math.Min(1, 2 * low), tests[0].HolmP);
            Assert.Equal(Math.Min(1, Math.Max(2 * low, high)), tests[1].HolmP);
        }
        var none = Write("b", Results([Setting.M3, Setting.ME])).Statistics;
        Assert.Empty(none.Comparisons);
        Assert.Contains("No comparison ran", File.ReadAllText(Path.Combine(_temp.File("b"), ResultsFolder.Table2Md)));
    }

    private static string Text(JsonElement row, string key)
    {
        var v = row.GetProperty(key);
        return v.ValueKind switch
        {
            JsonValueKind.Null => "",
            JsonValueKind.String => v.GetString()!,
            _ => v.GetRawText(),
        };
    }

    private static void AssertClose(string where, string key, JsonElement reference, string ours, double tolerance)
    {
        var v = reference.GetProperty(key);
        if (v.ValueKind == JsonValueKind.Null)
        {
            Assert.True(ours == "", $"{where}: {key} is {ours}, the reference has none");
            return;
        }
        double expected = v.GetDouble(), actual = double.Parse(ours, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{where}: {key} {actual:R} vs reference {expected:R}");
    }
}
