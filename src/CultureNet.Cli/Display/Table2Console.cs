using CultureNet.Engine.Cohort;
using CultureNet.Engine.Reports.Formats;
using CultureNet.Engine.Reports.Scores;
using Spectre.Console;

namespace CultureNet.Cli.Display;

/// <summary>Prints Table II on the console in the paper's layout, marked when it comes from synthetic data.</summary>
public static class Table2Console
{
    /// <summary>One table per culture (Model, ICC, CCC, PC, MAE), so it fits an 80-column terminal; table2.md has the
    /// paper's side-by-side layout.</summary>
    public static void Print(Table2 table, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        string mark = table.Context.Synthetic ? " — SYNTHETIC data" : "";
        foreach (byte c in table.Cultures)
        {
            var t = new Table().Border(TableBorder.Rounded);
            t.Title = new TableTitle(Markup.Escape($"Table II, culture {CultureLabels.Code(c)}{mark}"));
            t.AddColumn("Model");
            foreach (var metric in Table2Markdown.Metrics) t.AddColumn(new TableColumn(Markup.Escape(metric)).RightAligned());
            foreach (var setting in table.Settings)
                t.AddRow(new[] { setting.ToString() }.Concat(Table2Markdown.Cells(table.Find(setting, c))).Select(Markup.Escape).ToArray());
            console.Write(t);
        }
        console.WriteLine(Table2Markdown.Caption(table));
        if (table.Context.Synthetic) console.MarkupLine($"[yellow]{Markup.Escape(Table2.SyntheticNote)}[/]");
    }
}
