using CultureNet.Engine.Cohort;
using System.CommandLine;
using System.Globalization;
using CultureNet.Engine;
using CultureNet.Engine.Data;
using Spectre.Console;

namespace CultureNet.Cli.Commands;

/// <summary><c>culturenet info DIR</c>: what a feature store holds, per child label statistics and checksum state.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var store = new Argument<string>("store") { Description = "feature store directory" };
        var verify = new Option<bool>("--verify") { Description = "check the feature checksums too (the default; kept for scripts that pass it)", DefaultValueFactory = _ => true };
        var quick = new Option<bool>("--no-verify") { Description = "skip the feature checksums (reads only the header and metadata)" };
        var command = new Command("info", "Describe a feature store") { store, verify, quick };
        command.SetAction(parse => CliRunner.Guard(() =>
        {
            using var s = FeatureStore.Open(parse.GetValue(store)!);
            Print(s, parse.GetValue(verify) && !parse.GetValue(quick));
            return 0;
        }));
        return command;
    }

    private static void Print(FeatureStore s, bool verify)
    {
        var inv = CultureInfo.InvariantCulture;
        if (s.IsSynthetic) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(SyntheticCohort.Disclaimer)}[/]");
        long bytes = new FileInfo(s.FilePath).Length;
        Console.WriteLine($"store    {s.FilePath} ({bytes / 1e6:F1} MB, format version {s.FormatVersion})");
        if (s.UnlabelledRows > 0) Console.WriteLine($"labels   {s.UnlabelledRows:N0} of {s.RowCount:N0} rows unlabelled (usable by predict, not by fit/protocol)");
        Console.WriteLine($"rows     {s.RowCount:N0} × D = {s.Dim} {s.DType.Name()}{(s.IsSynthetic ? " — SYNTHETIC" : "")}");
        foreach (var group in s.ChildBlocks.GroupBy(c => c.Culture))
        {
            var counts = group.Select(c => c.RowCount).ToList();
            Console.WriteLine($"culture  {CultureLabels.WithCountry(group.Key)}: {counts.Count} children, {counts.Sum():N0} frames " +
                $"({counts.Min()}–{counts.Max()} per child), children {string.Join(",", group.Select(c => c.Child))}");
        }

        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("culture").AddColumn("child").AddColumn(new TableColumn("frames").RightAligned())
            .AddColumn(new TableColumn("label mean").RightAligned()).AddColumn(new TableColumn("SD").RightAligned())
            .AddColumn(new TableColumn("min").RightAligned()).AddColumn(new TableColumn("max").RightAligned());
        var labels = s.Labels;
        foreach (var c in s.ChildBlocks)
        {
            var y = labels.Slice((int)c.StartRow, c.RowCount);
            double mean = 0, m2 = 0;
            float min = float.MaxValue, max = float.MinValue;
            for (int i = 0; i < y.Length; i++)
            {
                double delta = y[i] - mean;
                mean += delta / (i + 1);
                m2 += delta * (y[i] - mean);
                min = Math.Min(min, y[i]);
                max = Math.Max(max, y[i]);
            }
            double sd = y.Length > 1 ? Math.Sqrt(m2 / (y.Length - 1)) : 0;
            table.AddRow($"C{c.Culture}", c.Child.ToString(inv), c.RowCount.ToString(inv), mean.ToString("F3", inv),
                sd.ToString("F3", inv), min.ToString("F3", inv), max.ToString("F3", inv));
        }
        AnsiConsole.Write(table);

        Console.WriteLine("checksums: header OK, metadata OK (checked on open)");
        if (verify)
        {
            var problems = s.VerifyFeatureChecksums();
            if (problems.Count > 0) throw new CultureNetException($"{s.FilePath}: {string.Join("; ", problems)}");
            Console.WriteLine($"           features OK ({s.ChildBlocks.Count} per-child checksums match)");
        }
        else Console.WriteLine("           features not checked (--no-verify)");
    }
}
