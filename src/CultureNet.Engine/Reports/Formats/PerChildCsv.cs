using CultureNet.Engine.IO;
using CultureNet.Engine.Reports.Scores;
namespace CultureNet.Engine.Reports.Formats;

/// <summary>
/// per_child.csv: <c>setting,culture,child,icc,ccc,pc,mae,runs</c> — each metric's mean over the runs, correlations as
/// fractions in [−1, 1] (Table II shows them in %); empty correlations for ME. Written atomically.
/// </summary>
public static class PerChildCsv
{
    public const string Header = "setting,culture,child,icc,ccc,pc,mae,runs";

    public static void Write(string path, IEnumerable<ChildScore> scores)
    {
        var ordered = scores.OrderBy(s => s.Setting).ThenBy(s => s.Child).ToArray();
        AtomicFile.WriteText(path, w =>
        {
            w.WriteLine(Header);
            foreach (var s in ordered)
                w.WriteLine(string.Join(',', s.Setting.Name, s.Child.CultureName, CsvFormat.Int(s.Child.Child),
                    CsvFormat.Number(s.Mean.Icc), CsvFormat.Number(s.Mean.Ccc), CsvFormat.Number(s.Mean.Pc),
                    CsvFormat.Number(s.Mean.Mae), CsvFormat.Int(s.Runs)));
        });
    }
}
