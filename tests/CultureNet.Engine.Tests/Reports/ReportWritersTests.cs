using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.IO;
using System.Text.Json;
using CultureNet.Engine.Reports;

using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Reports.Scores;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Reports;

public sealed class ReportWritersTests : IDisposable
{
    private readonly TempDir _temp = new();
    private string Dir => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private static IReadOnlyCollection<EvaluationResult> Results() =>
    [
        new(new SettingVariant(Setting.ME), 1, new ChildId(1, 4), [10, 11], [0.25f, -1f], [0.1f, 0.1f]),
        new(new SettingVariant(Setting.M1), 2, new ChildId(0, 2), [7, 9], [0.5f, 0.75f], [0.4f, 0.8f]),
        new(new SettingVariant(Setting.M1), 1, new ChildId(0, 2), [7, 9], [0.5f, 0.75f], [0.3f, 0.9f]),
        new(new SettingVariant(Setting.M1), 1, new ChildId(1, 4), [10, 11], [0.25f, -1f], [0.2f, -0.5f]),
        new(new SettingVariant(Setting.M1), 2, new ChildId(1, 4), [10, 11], [0.25f, -1f], [0.1f, -0.123456789f]),
    ];

    [Fact]
    public void Results_folder_holds_all_reports_in_order_and_round_trips_predictions()
    {
        var table = ResultsFolder.WriteReports(Dir, Results(), new Table2Context("demo.store", 2, SplitMode.Contiguous, 42, Synthetic: true)).Table;

        var predictions = File.ReadAllLines(Path.Combine(Dir, ResultsFolder.Predictions));
        Assert.Equal(PredictionsCsv.Header, predictions[0]);
        Assert.Equal("M1,1,C0,2,7,0.5,0.3", predictions[1]);
        Assert.Equal("M1,1,C0,2,9,0.75,0.9", predictions[2]);
        Assert.Equal("M1,1,C1,4,10,0.25,0.2", predictions[3]);
        Assert.Equal("M1,2,C0,2,7,0.5,0.4", predictions[5]);
        Assert.Equal("ME,1,C1,4,11,-1,0.1", predictions[^1]);
        Assert.Equal(11, predictions.Length);
        // Predictions are written in their shortest round-trip form.
        Assert.Equal(-0.123456789f, float.Parse(predictions[8].Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture));

        var perChild = File.ReadAllLines(Path.Combine(Dir, ResultsFolder.PerChild));
        Assert.Equal(PerChildCsv.Header, perChild[0]);
        Assert.StartsWith("M1,C0,2,", perChild[1]);
        Assert.EndsWith(",2", perChild[1]);
        Assert.StartsWith("ME,C1,4,,,,", perChild[3]);

        var md = File.ReadAllText(Path.Combine(Dir, ResultsFolder.Table2Md));
        // Table II itself, before the appended Statistics section (StatisticsReportTests).
        md = md[..md.IndexOf("\n## Statistics", StringComparison.Ordinal)];
        Assert.Contains("SYNTHETIC", md);
        Assert.Contains("| Model | C0 ICC [%] | C0 CCC [%] | C0 PC [%] | C0 MAE | C1 ICC [%] |", md);
        var me = md.Split('\n').Single(l => l.StartsWith("| ME |"));
        Assert.Equal($"| ME | - | - | - | - | - | - | - | {table.Find(Setting.ME, 1)!.Mae.Format()} |", me);
        Assert.Equal(0.625, table.Find(Setting.ME, 1)!.Mae.Mean, 6);
        var m1 = table.Find(Setting.M1, 0)!;
        Assert.Contains($"| M1 | {m1.Icc!.Value.Format()} | {m1.Ccc!.Value.Format()} | {m1.Pc!.Value.Format()} | {m1.Mae.Format()} |", md);

        var csv = File.ReadAllLines(Path.Combine(Dir, ResultsFolder.Table2CsvFile));
        Assert.Equal(Table2Csv.Header, csv[0]);
        Assert.Equal(4, csv.Length);
        Assert.StartsWith("ME,C1,1,,,,,,,", csv[3]);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, ResultsFolder.Table2JsonFile)));
        var root = json.RootElement;
        Assert.True(root.GetProperty("synthetic").GetBoolean());
        Assert.Equal(2, root.GetProperty("runs").GetInt32());
        var rows = root.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(3, rows.Length);
        Assert.Equal("M1", rows[0].GetProperty("setting").GetString());
        Assert.Equal(m1.Pc!.Value.Mean, rows[0].GetProperty("pc").GetProperty("mean").GetDouble());
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("icc").ValueKind);

        Assert.Empty(Directory.GetFiles(Dir, "*.tmp"));
    }

    [Fact]
    public void Markdown_marks_real_runs_without_the_synthetic_note()
    {
        var perChild = ResultsAggregator.PerChild(Results().Select(ChildRunScore.From));
        var md = Table2Markdown.Render(ResultsAggregator.Table2(perChild, new Table2Context("real.store", 2, SplitMode.Random, 7, false)));
        Assert.DoesNotContain("SYNTHETIC", md);
        Assert.Contains("random 20/80 split, seed 7", md);
    }

    [Fact]
    public void Atomic_write_replaces_whole_files_and_leaves_the_old_one_when_writing_fails()
    {
        string path = Path.Combine(Dir, "sub", "a.txt");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteText(path, w =>
        {
            w.Write("partial");
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(Path.GetDirectoryName(path)!, "*", SearchOption.AllDirectories));
    }
}
