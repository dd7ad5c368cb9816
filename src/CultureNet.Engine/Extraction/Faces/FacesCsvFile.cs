using System.Globalization;
using System.Text.RegularExpressions;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>One face of a faces.csv, as <c>extract --faces</c> cuts it again: its manifest entry (key, label — exactly
/// what <c>extract --manifest</c> reads from the same row), the source and frame to decode, and the box to crop.</summary>
public sealed record FaceRow(ManifestEntry Entry, int Line, string CropPath, string Source, bool IsVideo, int SourceFrame, string? Time, FaceBox Box);

/// <summary>How the crops of a faces.csv were cut, and where that was read from.</summary>
public sealed record FaceCropSettings(double Margin, int Size, double? Fps, string Origin);

/// <summary>
/// A faces.csv (<see cref="FacesCsv"/>) read for <c>extract --faces</c>: every row checked before any frame is decoded
/// (a missing source, a malformed box or frame number is one error naming the file, line and field), and the crop rule's
/// settings. Those come from the faces.state that <c>faces</c> (and <c>extract --video --keep-crops</c>) write beside the
/// CSV — margin, crop size and <c>--fps</c>, which decides what <c>source_frame</c> counts — so the crops come out as the
/// run that listed them cut them; without a faces.state, from the caller's options.
/// </summary>
public sealed class FacesCsvFile
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png"];

    private FacesCsvFile(string path, IReadOnlyList<FaceRow> rows, FaceCropSettings crops)
    {
        Path = path;
        Rows = rows;
        Crops = crops;
    }

    public string Path { get; }
    public IReadOnlyList<FaceRow> Rows { get; }
    public FaceCropSettings Crops { get; }

    /// <summary>The rows as manifest entries, in file order (as <see cref="ImageManifest.Load"/> lists them).</summary>
    public ImageManifest Manifest => new(Rows.Select(r => r.Entry).ToList());

    /// <summary>Reads <paramref name="csvPath"/>; <paramref name="margin"/>, <paramref name="size"/> and <paramref name="fps"/>
    /// are used when no faces.state lies beside it (a <paramref name="fps"/> that contradicts the state's is refused).</summary>
    public static FacesCsvFile Load(string csvPath, double margin, int size, double? fps)
    {
        var rows = ImageManifest.ReadCsv(csvPath, out var header);
        if (rows.Count == 0)
            throw new CultureNetException($"{csvPath}: lists no faces (the header only: its scan found 0 faces), so there is nothing to extract");
        // Keys, labels, duplicates and paths are checked exactly as `extract --manifest` checks them.
        var entries = ImageManifest.Load(csvPath).Entries;
        int Col(string name)
        {
            int i = Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (i < 0) throw new CultureNetException($"{csvPath} line 1: the header has no '{name}' column (found: {string.Join(", ", header)}); expected the faces.csv that `culturenet faces` writes ({FacesCsv.Header})");
            return i;
        }
        int iPath = Col("path"), iSource = Col("source"), iFrame = Col("source_frame"), iTime = Col("time_s"), iScore = Col("score"),
            iX1 = Col("x1"), iY1 = Col("y1"), iX2 = Col("x2"), iY2 = Col("y2");
        string csvDir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(csvPath))!;
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var list = new List<FaceRow>(rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            var (line, f) = rows[r];
            string where = $"{csvPath} line {line}";
            string src = f[iSource];
            if (src.Length == 0) throw new CultureNetException($"{where}: source is empty; expected the video or image the face was found in");
            if (!resolved.TryGetValue(src, out var full)) resolved[src] = full = ResolveSource(src, csvDir, where);
            bool video = !ImageExtensions.Contains(System.IO.Path.GetExtension(full).ToLowerInvariant());
            int frame = ImageManifest.ParseIndex(f[iFrame], "source_frame", where);
            if (!video && frame != 0) throw new CultureNetException($"{where}: source_frame {frame} for the image {full}; an image has one frame (0)");
            float Coord(int i, string name)
            {
                if (!float.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                    throw new CultureNetException($"{where}: box field {name} '{f[i]}' is not a finite number (x1, y1, x2, y2 are the box in frame pixels)");
                return v;
            }
            float x1 = Coord(iX1, "x1"), y1 = Coord(iY1, "y1"), x2 = Coord(iX2, "x2"), y2 = Coord(iY2, "y2");
            if (!(x2 > x1) || !(y2 > y1))
                throw new CultureNetException(string.Create(CultureInfo.InvariantCulture,
                    $"{where}: box ({x1}, {y1})-({x2}, {y2}) is empty or inverted; expected x1 < x2 and y1 < y2"));
            float score = float.TryParse(f[iScore], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : float.NaN;
            string? time = f[iTime].Length == 0 ? null : f[iTime];
            // The entry names the source (where the pixels come from) for messages; its key and label are the manifest's.
            var e = entries[r];
            list.Add(new FaceRow(e with { Path = full }, line, f[iPath], full, video, frame, time, new FaceBox(x1, y1, x2, y2, score)));
        }
        return new FacesCsvFile(csvPath, list, ReadCropSettings(csvPath, margin, size, fps));
    }

    /// <summary>A relative source is relative to where <c>faces</c> ran (it records the path as given), so the current
    /// folder is tried first, then the CSV's folder.</summary>
    private static string ResolveSource(string src, string csvDir, string where)
    {
        string here = System.IO.Path.GetFullPath(src), there = System.IO.Path.GetFullPath(src, csvDir);
        if (File.Exists(here)) return here;
        if (File.Exists(there)) return there;
        throw new CultureNetException(System.IO.Path.IsPathRooted(src)
            ? $"{where}: source {src} not found; `extract --faces` decodes the video or image again to cut the crop"
            : $"{where}: source {src} not found (looked in {here} and {there}); `extract --faces` decodes the video or image again to cut the crop");
    }

    private static readonly Regex StateCrop = new(@", margin ([^,\s]+), size (\d+)(?:,|$)", RegexOptions.CultureInvariant);
    private static readonly Regex StateFps = new(@", fps ([^,\s]+)(?:,|$)", RegexOptions.CultureInvariant);

    private static FaceCropSettings ReadCropSettings(string csvPath, double margin, int size, double? fps)
    {
        string state = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(csvPath))!, FacesFolder.StateFileName);
        if (!File.Exists(state)) return new FaceCropSettings(margin, size, fps, "the options (no faces.state beside the CSV)");
        string settings = File.ReadLines(state).Skip(1).FirstOrDefault(l => l.StartsWith("settings ", StringComparison.Ordinal)) ?? "";
        var m = StateCrop.Match(settings);
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double stateMargin)
            || !int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int stateSize))
            throw new CultureNetException($"{state}: does not record the crops' margin and size (damaged, or not written by `culturenet faces`); remove it to crop with --margin and --size");
        double? stateFps = fps;
        var mf = StateFps.Match(settings);
        if (mf.Success)
        {
            stateFps = mf.Groups[1].Value == "all" ? null
                : double.TryParse(mf.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
                : throw new CultureNetException($"{state}: fps '{mf.Groups[1].Value}' is not a number");
            if (fps is not null && fps != stateFps)
                throw new CultureNetException(string.Create(CultureInfo.InvariantCulture,
                    $"--fps {fps}: {csvPath} was listed from {FrameSource.FpsSettingOf(stateFps)} ({state}); its source_frame numbers count those frames, so leave --fps out"));
        }
        return new FaceCropSettings(stateMargin, stateSize, stateFps, state);
    }
}
