using CultureNet.Engine.Cohort;
using System.Text;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>table2.csv: one line per (setting, culture); correlations in %, empty for ME; SD is the population SD over children.</summary>
public static class Table2Csv
{
    public const string Header = "setting,culture,children,icc_mean,icc_sd,ccc_mean,ccc_sd,pc_mean,pc_sd,mae_mean,mae_sd";

    public static string Render(Table2 table)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var setting in table.Settings)
            foreach (byte c in table.Cultures)
            {
                if (table.Find(setting, c) is not { } e) continue;
                sb.Append(string.Join(',', e.Setting, CultureLabels.Code(c), CsvFormat.Int(e.Children),
                    Pair(e.Icc), Pair(e.Ccc), Pair(e.Pc), Pair(e.Mae))).Append('\n');
            }
        return sb.ToString();
    }

    private static string Pair(MeanSd? v) => v is { } m ? $"{CsvFormat.Number(m.Mean)},{CsvFormat.Number(m.Sd)}" : ",";
}
