using CultureNet.Engine.Protocol;
using CultureNet.Engine.Reports;
using Spectre.Console;

namespace CultureNet.Cli.Display;

/// <summary>Prints Table II on the console in the paper's layout, marked when it comes from synthetic data.</summary>
public static class Table2Console
{
    public static void Print(Table2 table, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var t = new Table().Border(TableBorder.Rounded);
        t.Title = new TableTitle(table.Context.Synthetic ? "Table II — SYNTHETIC data" : "Table II");
        t.AddColumn("Model");
        foreach (byte c in table.Cultures)
            foreach (var metric in Table2Markdown.Metrics)
                t.AddColumn(new TableColumn(Markup.Escape($"{ChildId.CultureLabel(c)} {metric}")).RightAligned());
        foreach (var setting in table.Settings)
            t.AddRow(new[] { setting.ToString() }.Concat(table.Cultures.SelectMany(c => Table2Markdown.Cells(table.Find(setting, c))))
                .Select(Markup.Escape).ToArray());
        t.Caption = new TableTitle(Markup.Escape(Table2Markdown.Caption(table)));
        console.Write(t);
        if (table.Context.Synthetic) console.MarkupLine($"[yellow]{Markup.Escape(Table2.SyntheticNote)}[/]");
    }
}
