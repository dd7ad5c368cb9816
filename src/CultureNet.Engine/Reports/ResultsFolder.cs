using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.IO;
using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Reports.Scores;
namespace CultureNet.Engine.Reports;

/// <summary>The file names of a results folder, and writing the tables into it (each file atomically).</summary>
public static class ResultsFolder
{
    public const string Predictions = "predictions.csv";
    public const string PerChild = "per_child.csv";
    public const string Table2Md = "table2.md";
    public const string Table2CsvFile = "table2.csv";
    public const string Table2JsonFile = "table2.json";
    public const string Fits = "fits.csv";
    public const string StatsCsvFile = "stats.csv";

    /// <summary>Writes predictions.csv, per_child.csv, table2.{md,csv,json} (the .md with its Statistics section) and
    /// stats.csv; returns the scores they hold.</summary>
    public static ReportSet WriteReports(string folder, IReadOnlyCollection<EvaluationResult> results, Table2Context context)
    {
        Directory.CreateDirectory(folder);
        var perChild = ResultsAggregator.PerChild(results.Select(r => ChildRunScore.From(r, context.Conventions)));
        var table = ResultsAggregator.Table2(perChild, context);
        var statistics = ProtocolStatistics.Compute(perChild, table);
        PredictionsCsv.Write(Path.Combine(folder, Predictions), results);
        PerChildCsv.Write(Path.Combine(folder, PerChild), perChild);
        AtomicFile.WriteAllText(Path.Combine(folder, Table2Md), Table2Markdown.Render(table) + StatisticsMarkdown.Render(statistics, table));
        AtomicFile.WriteAllText(Path.Combine(folder, Table2CsvFile), Table2Csv.Render(table));
        AtomicFile.WriteAllText(Path.Combine(folder, Table2JsonFile), Table2Json.Render(table));
        AtomicFile.WriteAllText(Path.Combine(folder, StatsCsvFile), StatsCsv.Render(statistics, context.Synthetic));
        return new ReportSet(perChild, table, statistics);
    }
}
