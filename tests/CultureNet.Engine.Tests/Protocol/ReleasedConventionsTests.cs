using System.Globalization;
using System.Text.Json;
using CultureNet.Engine.Data;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Reports;
using CultureNet.Engine.Sessions;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>
/// <c>--conventions reference</c> against tests/oracles/released_protocol_reference.py, an independent re-implementation
/// of the released code's index rules, metrics and report files: on a small cohort whose frame counts are multiples of 5
/// (where the released test rows start one frame early) and whose labels include exact −1s (dropped by the released ICC;
/// one child has nothing else, so its ICC is NaN and spreads into Table II).
/// </summary>
public sealed class ReleasedConventionsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Three children per culture with 20, 25 and 30 frames of 6 features; labels on a 0.05 grid in [−1, 1], every
    /// 7th frame exactly −1, and child C1/6 labelled −1 throughout.</summary>
    internal static string Store(string path)
    {
        using var writer = FeatureStoreWriter.Create(path, 6);
        var random = new Random(7);
        var children = new (byte Culture, int Child, int Frames)[] { (0, 1, 20), (0, 2, 25), (0, 4, 30), (1, 3, 25), (1, 5, 30), (1, 6, 20) };
        foreach (var (culture, child, frames) in children)
            for (int f = 0; f < frames; f++)
            {
                var x = Enumerable.Range(0, 6).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                float label = (culture, child) == (1, 6) || f % 7 == 3 ? -1f
                    : (float)Math.Round(Math.Clamp(0.6 * x[0] - 0.4 * x[1] + 0.3 * (random.NextDouble() - 0.5), -1, 1) * 20) / 20f;
                writer.Append(culture, child, f, label, x);
            }
        writer.Finish();
        return path;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Reference_conventions_match_the_released_code_as_the_oracle_rebuilds_it()
    {
        string store = Store(_dir.File("store"));
        string results = _dir.File("results");
        ProtocolSession.Run(store, results, new ProtocolOptions { Runs = 2, Seed = 3, Fig3Analyses = false, Conventions = ProtocolConventions.Reference });
        string export = _dir.File("export");
        using (var s = FeatureStore.Open(store)) StoreExporter.ExportReference(s, export);

        using var oracle = JsonDocument.Parse(Python.Run(Python.Oracle("released_protocol_reference.py"), results, export));
        var root = oracle.RootElement;

        var testRows = root.GetProperty("test_rows");
        Assert.Equal(2 * 6 * 8, testRows.GetProperty("checked").GetInt32());   // runs × children × (M1 … M7, ME)
        Assert.Empty(testRows.GetProperty("mismatches").EnumerateArray());

        var composition = root.GetProperty("composition");
        Assert.Equal("", string.Join("\n", composition.GetProperty("mismatches").EnumerateArray().Select(m => m.GetString())));
        // 3 shared M7 stages + per run 6 targets × (M1, M2, M3, M4, M5, M6, M7).
        Assert.Equal(3 + 2 * 6 * 7, composition.GetProperty("checked").GetInt32());
        Assert.Contains(composition.GetProperty("unchecked").EnumerateArray(), k => k.GetString() == "run02_ME_C1-6");

        var folder = root.GetProperty("reference_folder");
        Assert.Equal("", string.Join("\n", folder.GetProperty("mismatches").EnumerateArray().Select(m => m.GetString())));
        // 9 report folders × 5 files; the 7 that are not prelim × 13 summaries (4 per culture, 4 finals, final_report); 9 weight files.
        Assert.Equal(9 * 5 + 7 * 13 + 9, folder.GetProperty("files_checked").GetInt32());

        var perChild = ReadPerChild(Path.Combine(results, ResultsFolder.PerChild));
        int nan = 0;
        foreach (var want in root.GetProperty("per_child").EnumerateArray())
        {
            var key = (want.GetProperty("setting").GetString()!, want.GetProperty("culture").GetString()!, want.GetProperty("child").GetInt32());
            Assert.True(perChild.TryGetValue(key, out var got), $"per_child.csv has no {key}");
            foreach (var (metric, i) in new[] { ("icc", 0), ("ccc", 1), ("pc", 2), ("mae", 3) })
            {
                double expected = Number(want.GetProperty(metric));
                if (double.IsNaN(expected)) nan++;
                AssertClose(expected, got[i], $"{key} {metric}");
            }
            Assert.Equal(want.GetProperty("runs").GetInt32(), (int)got[4]);
        }
        Assert.Equal(root.GetProperty("per_child").GetArrayLength(), perChild.Count);
        Assert.True(nan > 0, "the cohort should give NaN scores (C1/6's labels are all −1)");

        using var table = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, ResultsFolder.Table2JsonFile)));
        var rows = table.RootElement.GetProperty("rows").EnumerateArray()
            .ToDictionary(r => (r.GetProperty("setting").GetString()!, r.GetProperty("culture").GetString()!));
        var entries = root.GetProperty("table2").EnumerateArray().ToArray();
        Assert.Equal(entries.Length, rows.Count);
        foreach (var want in entries)
        {
            var got = rows[(want.GetProperty("setting").GetString()!, want.GetProperty("culture").GetString()!)];
            Assert.Equal(want.GetProperty("children").GetInt32(), got.GetProperty("children").GetInt32());
            foreach (var metric in new[] { "icc", "ccc", "pc", "mae" })
            {
                var cell = got.GetProperty(metric);
                double mean = cell.ValueKind == JsonValueKind.Null ? double.NaN : cell.GetProperty("mean").GetDouble();
                double sd = cell.ValueKind == JsonValueKind.Null ? double.NaN : cell.GetProperty("sd").GetDouble();
                // table2.json has null where either number is undefined.
                double wantMean = Number(want.GetProperty($"{metric}_mean")), wantSd = Number(want.GetProperty($"{metric}_sd"));
                if (double.IsNaN(wantMean) || double.IsNaN(wantSd)) (wantMean, wantSd) = (double.NaN, double.NaN);
                AssertClose(wantMean, mean, $"{want} {metric} mean");
                AssertClose(wantSd, sd, $"{want} {metric} sd");
            }
        }
        Assert.Equal(JsonValueKind.Null, rows[("M1", "C1")].GetProperty("icc").ValueKind);
        Assert.Contains("conventions: reference", File.ReadAllLines(Path.Combine(results, ResultsFolder.Table2Md))[0]);
    }

    private static Dictionary<(string, string, int), double[]> ReadPerChild(string path) =>
        File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).ToDictionary(
            f => (f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture)),
            f => f[3..].Select(v => v == "" ? double.NaN : double.Parse(v, CultureInfo.InvariantCulture)).ToArray());

    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();

    private static void AssertClose(double expected, double actual, string what)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            Assert.True(double.IsNaN(expected) && double.IsNaN(actual), $"{what}: expected {expected}, got {actual}");
            return;
        }
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");
    }
}
