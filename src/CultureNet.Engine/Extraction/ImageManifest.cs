using CultureNet.Engine.IO;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CultureNet.Engine.Extraction;

/// <summary>Identity of one frame: culture (0 = C0 Japan, 1 = C1 Serbia in the study), child id, frame index (time order).</summary>
public readonly record struct FrameKey(int Culture, int Child, int Frame)
{
    public override string ToString() => $"C{Culture}/child {Child}/frame {Frame}";
}

/// <summary>One image to extract: its file, its key and gold label (NaN: unlabelled), and where it was listed (for error messages).</summary>
public sealed record ManifestEntry(string Path, FrameKey Key, float Label, string Source)
{
    public bool IsLabelled => !float.IsNaN(Label);
}

/// <summary>
/// The list of images to extract, from a manifest CSV or a folder tree.
///
/// Manifest CSV: a header row naming the columns <c>path, culture, child, frame</c> and optionally <c>label</c> (any
/// order, any case; other columns, e.g. those of <c>culturenet faces</c>' faces.csv, ignored), then one row per image.
/// <c>path</c> is relative to the manifest's folder (or absolute); <c>culture</c> is an integer or C0/C1; <c>child</c> and
/// <c>frame</c> are non-negative integers; <c>label</c> is a number in [−1, 1], or empty (or no label column) for an
/// unlabelled row — the feature store records it as unlabelled (NaN), and training refuses such rows. Fields may be double-quoted. A malformed manifest fails as a whole before any image is
/// read, naming the file, line and field; (culture, child, frame) must be unique; cultures are 0 (C0) and 1 (C1).
///
/// Folder tree (<see cref="FromDirectory"/>): <c>DIR/c{culture}/child{id}/{frame}.{jpg|jpeg|png}</c> (case-insensitive;
/// e.g. <c>DIR/c0/child12/000153.jpg</c>), labels from a CSV with columns <c>culture, child, frame, label</c>. Files
/// that do not follow the scheme are listed in <see cref="Ignored"/>.
/// </summary>
public sealed class ImageManifest
{
    public ImageManifest(IReadOnlyList<ManifestEntry> entries, IReadOnlyList<string>? ignored = null)
    {
        Entries = entries;
        Ignored = ignored ?? [];
    }

    public IReadOnlyList<ManifestEntry> Entries { get; }

    /// <summary>Files under an --images folder that do not follow the naming scheme (not extracted).</summary>
    public IReadOnlyList<string> Ignored { get; }

    public static ImageManifest Load(string manifestPath)
    {
        var rows = ReadCsv(manifestPath, out var header);
        int iPath = Column(header, "path", manifestPath), iCulture = Column(header, "culture", manifestPath),
            iChild = Column(header, "child", manifestPath), iFrame = Column(header, "frame", manifestPath),
            iLabel = OptionalColumn(header, "label");
        string baseDir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(manifestPath))!;
        var entries = new List<ManifestEntry>(rows.Count);
        var seen = new Dictionary<FrameKey, int>();
        foreach (var (line, fields) in rows)
        {
            string where = $"{manifestPath} line {line}";
            if (fields.Length != header.Length)
                throw new CultureNetException($"{where}: {fields.Length} fields, the header has {header.Length}");
            string path = fields[iPath];
            if (path.Length == 0) throw new CultureNetException($"{where}: path is empty; expected an image file relative to the manifest's folder");
            var key = new FrameKey(ParseCulture(fields[iCulture], where), ParseIndex(fields[iChild], "child", where), ParseIndex(fields[iFrame], "frame", where));
            float label = iLabel < 0 || fields[iLabel].Length == 0 ? float.NaN : ParseLabel(fields[iLabel], where);
            if (seen.TryGetValue(key, out int other))
                throw new CultureNetException($"{where}: {key} is listed twice (also on line {other}); each frame must appear once");
            seen[key] = line;
            if (path.Contains('\0') || path.Any(char.IsControl))
                throw new CultureNetException($"{where}: path '{path.Replace('\0', '?')}' contains a control character (NUL, tab, …); expected an image file name");
            entries.Add(new ManifestEntry(System.IO.Path.GetFullPath(path, baseDir), key, label, where));
        }
        if (entries.Count == 0) throw new CultureNetException($"{manifestPath}: no rows after the header; expected one row per image");
        return new ImageManifest(entries);
    }

    private static readonly Regex CultureDir = new(@"^c(\d+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex ChildDir = new(@"^child(\d+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex FrameFile = new(@"^(\d+)\.(jpe?g|png)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>Images under <paramref name="directory"/> named by the scheme in the class remarks, labelled from <paramref name="labelsPath"/>.</summary>
    public static ImageManifest FromDirectory(string directory, string labelsPath)
    {
        if (!Directory.Exists(directory)) throw new CultureNetException($"{directory}: --images folder not found");
        var labels = LoadLabels(labelsPath);
        var entries = new List<ManifestEntry>();
        var ignored = new List<string>();
        var unlabelled = new List<string>();
        var seen = new Dictionary<FrameKey, string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string rel = System.IO.Path.GetRelativePath(directory, file);
            var parts = rel.Split(System.IO.Path.DirectorySeparatorChar);
            Match mc, mch, mf;
            if (parts.Length != 3 || !(mc = CultureDir.Match(parts[0])).Success || !(mch = ChildDir.Match(parts[1])).Success
                || !(mf = FrameFile.Match(parts[2])).Success)
            {
                ignored.Add(file);
                continue;
            }
            if (!int.TryParse(mc.Groups[1].Value, CultureInfo.InvariantCulture, out int culture)
                || !int.TryParse(mch.Groups[1].Value, CultureInfo.InvariantCulture, out int child)
                || !int.TryParse(mf.Groups[1].Value, CultureInfo.InvariantCulture, out int frame))
            {
                ignored.Add(file);
                continue;
            }
            if (culture > MaxCulture)
                throw new CultureNetException($"{file}: folder '{parts[0]}' names culture {culture}; the study's cultures are c0 (Japan) and c1 (Serbia)");
            var key = new FrameKey(culture, child, frame);
            if (!labels.TryGetValue(key, out float label)) { unlabelled.Add(file); continue; }
            if (!seen.TryAdd(key, file))
                throw new CultureNetException($"{file}: {key} also named by {seen[key]} (frame numbers must be unique per child, e.g. 7.jpg and 007.jpg clash)");
            entries.Add(new ManifestEntry(file, key, label, file));
        }
        if (unlabelled.Count > 0)
            throw new CultureNetException(
                $"{labelsPath}: no label for {unlabelled.Count} image(s), e.g. {string.Join(", ", unlabelled.Take(3))}; every image needs a row (culture, child, frame, label)");
        if (entries.Count == 0)
            throw new CultureNetException($"{directory}: no images named c{{culture}}/child{{id}}/{{frame}}.jpg|png ({ignored.Count} other files)");
        entries.Sort((a, b) => (a.Key.Culture, a.Key.Child, a.Key.Frame).CompareTo((b.Key.Culture, b.Key.Child, b.Key.Frame)));
        return new ImageManifest(entries, ignored);
    }

    /// <summary>
    /// Every .jpg/.jpeg/.png directly in <paramref name="directory"/>, unlabelled, all of one culture and child, frames
    /// numbered 0, 1, … by ordinal file-name order (e.g. the crops of one video). Other files are listed in <see cref="Ignored"/>.
    /// </summary>
    public static ImageManifest FromFlatDirectory(string directory, int culture, int child)
    {
        if (!Directory.Exists(directory)) throw new CultureNetException($"{directory}: --images folder not found");
        if (culture is < 0 or > MaxCulture) throw new CultureNetException($"--culture {culture}: expected 0 (C0, Japan) or 1 (C1, Serbia)");
        if (child < 0) throw new CultureNetException($"--child {child}: expected a non-negative child id");
        var files = Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal).ToArray();
        var images = files.Where(f => System.IO.Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png").ToArray();
        if (images.Length == 0) throw new CultureNetException($"{directory}: no .jpg, .jpeg or .png images directly in the folder");
        var entries = images.Select((f, i) => new ManifestEntry(f, new FrameKey(culture, child, i), float.NaN, f)).ToList();
        return new ImageManifest(entries, files.Except(images).ToList());
    }

    /// <summary>Reads a labels CSV (culture, child, frame, label).</summary>
    public static Dictionary<FrameKey, float> LoadLabels(string labelsPath)
    {
        var rows = ReadCsv(labelsPath, out var header);
        int iCulture = Column(header, "culture", labelsPath), iChild = Column(header, "child", labelsPath),
            iFrame = Column(header, "frame", labelsPath), iLabel = Column(header, "label", labelsPath);
        var labels = new Dictionary<FrameKey, float>();
        foreach (var (line, fields) in rows)
        {
            string where = $"{labelsPath} line {line}";
            if (fields.Length != header.Length)
                throw new CultureNetException($"{where}: {fields.Length} fields, the header has {header.Length}");
            var key = new FrameKey(ParseCulture(fields[iCulture], where), ParseIndex(fields[iChild], "child", where), ParseIndex(fields[iFrame], "frame", where));
            if (!labels.TryAdd(key, ParseLabel(fields[iLabel], where)))
                throw new CultureNetException($"{where}: {key} has a second label");
        }
        return labels;
    }

    private static int OptionalColumn(string[] header, string name) =>
        Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));

    internal static int Column(string[] header, string name, string file)
    {
        int i = Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (i < 0) throw new CultureNetException($"{file} line 1: the header has no '{name}' column (found: {string.Join(", ", header)}); expected path, culture, child, frame, label");
        return i;
    }

    /// <summary>The feature store knows cultures 0 (C0, Japan) and 1 (C1, Serbia).</summary>
    public const int MaxCulture = 1;

    private static int ParseCulture(string s, string where)
    {
        string t = s.StartsWith('C') || s.StartsWith('c') ? s[1..] : s;
        if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v > MaxCulture)
            throw new CultureNetException($"{where}: culture '{s}' is not a culture of the study; expected 0 or C0 (Japan), 1 or C1 (Serbia)");
        return v;
    }

    internal static int ParseIndex(string s, string field, string where)
    {
        if (s.Length == 0) throw new CultureNetException($"{where}: {field} is empty; expected a non-negative integer");
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v))
            throw new CultureNetException($"{where}: {field} '{s}' is not a non-negative integer");
        return v;
    }

    private static float ParseLabel(string s, string where)
    {
        if (s.Length == 0) throw new CultureNetException($"{where}: label is empty; every row needs a label (a number in [-1, 1])");
        if (!float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
            throw new CultureNetException($"{where}: label '{s}' is not a number; expected a number in [-1, 1]");
        if (v < -1f || v > 1f) throw new CultureNetException($"{where}: label {s} is outside [-1, 1] (engagement labels are in [-1, 1])");
        return v;
    }

    /// <summary>Reads a small CSV with a header; returns (1-based line, fields) per non-empty data row.</summary>
    internal static List<(int Line, string[] Fields)> ReadCsv(string path, out string[] header)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (FileNotFoundException) { throw new CultureNetException($"{path}: file not found"); }
        catch (DirectoryNotFoundException) { throw new CultureNetException($"{path}: file not found"); }
        catch (IOException e) { throw new CultureNetException($"{path}: cannot read: {e.Message}", e); }
        int first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first < 0) throw new CultureNetException($"{path}: the file is empty; expected a header row (path, culture, child, frame, label)");
        header = SplitCsvLine(lines[first].TrimStart('\uFEFF'), path, first + 1);
        CsvHeader.EnsureUniqueColumns(header, path, first + 1);
        var rows = new List<(int, string[])>();
        for (int i = first + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            rows.Add((i + 1, SplitCsvLine(lines[i], path, i + 1)));
        }
        return rows;
    }

    private static string[] SplitCsvLine(string line, string path, int lineNo)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                    else quoted = false;
                }
                else sb.Append(c);
            }
            else if (c == '"' && sb.ToString().Trim().Length == 0) { quoted = true; wasQuoted = true; sb.Clear(); }
            else if (c == ',') { fields.Add(wasQuoted ? sb.ToString() : sb.ToString().Trim()); sb.Clear(); wasQuoted = false; }
            else sb.Append(c);
        }
        if (quoted) throw new CultureNetException($"{path} line {lineNo}: a quoted field is not closed");
        fields.Add(wasQuoted ? sb.ToString() : sb.ToString().Trim());
        return fields.ToArray();
    }
}
