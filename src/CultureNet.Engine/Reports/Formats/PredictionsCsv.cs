using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.IO;
namespace CultureNet.Engine.Reports.Formats;

/// <summary>
/// predictions.csv: <c>setting,run,culture,child,frame,label,prediction</c>, one line per test frame, ordered by
/// setting (Table I order), run, culture, child, frame. Written atomically.
/// </summary>
public static class PredictionsCsv
{
    public const string Header = "setting,run,culture,child,frame,label,prediction";

    public static void Write(string path, IEnumerable<EvaluationResult> results)
    {
        var ordered = results.OrderBy(r => r.Setting).ThenBy(r => r.Run).ThenBy(r => r.Child).ToArray();
        AtomicFile.WriteText(path, w =>
        {
            w.WriteLine(Header);
            foreach (var r in ordered)
            {
                r.Validate();
                string prefix = $"{r.Setting.Name},{CsvFormat.Int(r.Run)},{r.Child.CultureName},{CsvFormat.Int(r.Child.Child)},";
                for (int i = 0; i < r.Frames.Length; i++)
                {
                    w.Write(prefix);
                    w.Write(CsvFormat.Int(r.Frames[i]));
                    w.Write(',');
                    w.Write(CsvFormat.Number(r.Labels[i]));
                    w.Write(',');
                    w.WriteLine(CsvFormat.Number(r.Predictions[i]));
                }
            }
        });
    }
}
