using System.Globalization;
using CultureNet.Engine.Figures;
using CultureNet.Engine.IO;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Sessions;

/// <summary>One engagement estimate and what is known about its frame.</summary>
public readonly record struct EngagementRow(int? Culture, int? Child, int Frame, double? TimeSeconds, float Engagement);

/// <summary>
/// Engagement estimates as files a person opens: CSV (<c>culture, child, frame, time_s, engagement</c>; unknown
/// culture, child or time left empty), a float32 .npy vector, and the trace PNG (<see cref="EngagementTraceFigure"/>).
/// </summary>
public static class EngagementTable
{
    public const string Header = "culture,child,frame,time_s,engagement";

    /// <summary>Writes .csv or .npy by the file's extension (atomically).</summary>
    public static void Write(string path, IReadOnlyList<EngagementRow> rows)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".npy")
        {
            NpyMatrix.Save(path, rows.Select(r => r.Engagement).ToArray(), rows.Count, 1);
            return;
        }
        if (ext != ".csv") throw new CultureNetException($"--out {path}: expected a .csv or .npy file");
        var inv = CultureInfo.InvariantCulture;
        AtomicFile.WriteText(path, w =>
        {
            w.WriteLine(Header);
            foreach (var r in rows)
                w.WriteLine(string.Join(',',
                    r.Culture is int c ? "C" + c.ToString(inv) : "", r.Child?.ToString(inv) ?? "", r.Frame.ToString(inv),
                    r.TimeSeconds is { } t ? t.ToString("0.######", inv) : "", r.Engagement.ToString("R", inv)));
        });
    }

    /// <summary>The trace of the rows (times when every row has one, else frame numbers).</summary>
    public static void Plot(string path, IReadOnlyList<EngagementRow> rows, int window, string title)
    {
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new CultureNetException($"--plot {path}: expected a .png file");
        bool timed = rows.Count > 0 && rows.All(r => r.TimeSeconds is not null);
        EngagementTraceFigure.Write(path, rows.Select(r => timed ? r.TimeSeconds!.Value : r.Frame).ToArray(),
            rows.Select(r => r.Engagement).ToArray(), timed, window, title);
    }
}
