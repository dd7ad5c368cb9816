using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using System.Text;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>Table II as Markdown, in the paper's layout: one row per model, per culture ICC [%], CCC [%], PC [%], MAE.</summary>
public static class Table2Markdown
{
    public static string Render(Table2 table)
    {
        var ctx = table.Context;
        var sb = new StringBuilder();
        sb.Append("# Table II").Append(ctx.Synthetic ? " (SYNTHETIC data)" : "");
        if (ctx.Conventions == ProtocolConventions.Reference) sb.Append(" — ").Append(ReferenceConventionsNote);
        if (ctx.Engine is { } engine) sb.Append(" — engine: ").Append(engine);
        sb.Append('\n').Append('\n');
        if (ctx.Synthetic) sb.Append("> ").Append(Table2.SyntheticNote).Append('\n').Append('\n');
        sb.Append(Caption(table)).Append('\n').Append('\n');

        sb.Append("| Model |");
        foreach (byte c in table.Cultures)
            foreach (var metric in Metrics)
                sb.Append($" {CultureLabels.Code(c)} {metric} |");
        sb.Append('\n').Append("|---|");
        foreach (byte _ in table.Cultures) sb.Append("---:|---:|---:|---:|");
        sb.Append('\n');
        foreach (var setting in table.Settings)
        {
            sb.Append("| ").Append(setting).Append(" |");
            foreach (byte c in table.Cultures)
            {
                var e = table.Find(setting, c);
                foreach (var cell in Cells(e)) sb.Append(' ').Append(cell).Append(" |");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Named in the title of a Table II made with <c>--conventions reference</c>.</summary>
    public const string ReferenceConventionsNote =
        "conventions: reference (the released code's test rows, M2/M3 data, shared M7 stages and undefined-metric rules)";

    public static readonly string[] Metrics = ["ICC [%]", "CCC [%]", "PC [%]", "MAE"];

    /// <summary>The four formatted cells of an entry: "13.19±11.78" or "-".</summary>
    public static string[] Cells(Table2Entry? e) => e is null
        ? ["-", "-", "-", "-"]
        : [e.Icc?.Format() ?? "-", e.Ccc?.Format() ?? "-", e.Pc?.Format() ?? "-", e.Mae.Format()];

    public static string Caption(Table2 table)
    {
        var ctx = table.Context;
        int children = table.Entries.Count == 0 ? 0 : table.Entries.Max(e => e.Children);
        return $"Mean ± SD over children (population SD) of each child's mean over {ctx.Runs} run(s); " +
               $"{ctx.Split.ToString().ToLowerInvariant()} 20/80 split, seed {ctx.Seed}, up to {children} children per culture; " +
               $"scores on each target child's p1 (80%). ME: the mean of the child's p2 labels as a constant (MAE only). Source: {ctx.Source}.";
    }
}
