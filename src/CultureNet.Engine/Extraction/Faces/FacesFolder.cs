using System.Globalization;
using System.Text;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// The output folder of <c>culturenet faces</c>, written so that a killed run resumes and a finished one is never
/// mistaken for a partial one:
/// <list type="bullet">
/// <item><c>crops/…png</c>: one PNG per face, each written atomically before its CSV row;</item>
/// <item><c>faces.csv.partial</c>: the rows so far, appended; renamed to <c>faces.csv</c> (<see cref="FacesCsv"/>) when
///   the scan ends, so a <c>faces.csv</c> is always complete;</item>
/// <item><c>faces.state</c>: the settings, how many frames are done and how many CSV bytes hold them, replaced atomically
///   every few seconds. A rerun with the same settings cuts the partial CSV back to that length and skips those frames;
///   with other settings it is refused.</item>
/// </list>
/// </summary>
public sealed class FacesFolder : IDisposable
{
    public const string StateFileName = "faces.state";
    private const string Magic = "culturenet-faces 1";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string _settings;
    private FileStream? _csv;
    private long _bytes; // CSV length up to the last whole frame
    private DateTime _lastCheckpoint = DateTime.UtcNow;

    private FacesFolder(string dir, string settings)
    {
        Directory = dir;
        _settings = settings;
    }

    public string Directory { get; }
    public string CsvPath => Path.Combine(Directory, FacesCsv.FileName);
    public string PartialPath => CsvPath + ".partial";
    public string StatePath => Path.Combine(Directory, StateFileName);

    /// <summary>Frames finished by earlier runs (a rerun skips them).</summary>
    public int ResumedFrames { get; private set; }
    public int ResumedFaces { get; private set; }

    /// <summary>Frames and faces recorded so far, earlier runs included.</summary>
    public int Frames { get; private set; }
    public int Faces { get; private set; }
    public int FramesWithFaces { get; private set; }

    /// <summary>True when an earlier run finished (faces.csv is complete; nothing is left to do).</summary>
    public bool Complete { get; private set; }

    /// <summary>Opens <paramref name="dir"/> for a scan with <paramref name="settings"/>: new, resumed, or already complete.</summary>
    public static FacesFolder Open(string dir, string settings)
    {
        if (File.Exists(dir)) throw new CultureNetException($"{dir}: --out names a file; it should be a folder (it will hold {FacesCsv.FileName} and {FacesCsv.CropsFolder}/)");
        var folder = new FacesFolder(Path.GetFullPath(dir), settings.ReplaceLineEndings(" "));
        System.IO.Directory.CreateDirectory(folder.Directory);
        if (!File.Exists(folder.StatePath))
        {
            if (File.Exists(folder.CsvPath))
                throw new CultureNetException($"{folder.CsvPath}: exists but {StateFileName} does not, so it was not written by `culturenet faces`; choose another --out");
            folder.StartNew();
            return folder;
        }
        var lines = File.ReadAllLines(folder.StatePath);
        var state = lines.Skip(2).Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (lines.Length < 2 || lines[0] != Magic || !state.ContainsKey("frames") || !state.ContainsKey("bytes") || !state.ContainsKey("faces"))
            throw new CultureNetException($"{folder.StatePath}: not a culturenet faces state file (or damaged); remove the folder or choose another --out");
        if (lines[1] != "settings " + folder._settings)
            throw new CultureNetException($"{folder.Directory}: was written with other settings ({lines[1]["settings ".Length..]}); now ({folder._settings}). Rerun with the same options to resume, or choose another --out");
        int frames = int.Parse(state["frames"], CultureInfo.InvariantCulture), faces = int.Parse(state["faces"], CultureInfo.InvariantCulture);
        long bytes = long.Parse(state["bytes"], CultureInfo.InvariantCulture);
        (folder.ResumedFrames, folder.ResumedFaces, folder.Frames, folder.Faces) = (frames, faces, frames, faces);
        folder.FramesWithFaces = state.TryGetValue("with_faces", out var wf) ? int.Parse(wf, CultureInfo.InvariantCulture) : 0;
        if (state.TryGetValue("complete", out var c) && c == "1")
        {
            if (!File.Exists(folder.CsvPath)) throw new CultureNetException($"{folder.CsvPath}: missing although {StateFileName} says the scan finished; remove {folder.StatePath} to scan again");
            folder.Complete = true;
            return folder;
        }
        if (!File.Exists(folder.PartialPath) && File.Exists(folder.CsvPath) && new FileInfo(folder.CsvPath).Length == bytes)
        {
            folder.Complete = true; // killed between renaming faces.csv into place and recording it
            return folder;
        }
        if (!File.Exists(folder.PartialPath) || new FileInfo(folder.PartialPath).Length < bytes)
            throw new CultureNetException($"{folder.PartialPath}: missing or shorter than the {bytes} bytes {StateFileName} records; remove {folder.StatePath} to scan again");
        folder._csv = new FileStream(folder.PartialPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        folder._csv.SetLength(bytes); // rows of frames after the last checkpoint are redone
        folder._csv.Seek(0, SeekOrigin.End);
        folder._bytes = bytes;
        return folder;
    }

    private void StartNew()
    {
        _csv = new FileStream(PartialPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        _csv.Write(Utf8.GetBytes(FacesCsv.Header + "\n"));
        _bytes = _csv.Length;
        Checkpoint(force: true);
    }

    /// <summary>Writes the frame's crops and rows (frames must come in scan order).</summary>
    public void Add(ScannedFrame frame, int maxFaces)
    {
        if (_csv is null) throw new InvalidOperationException("the faces folder is complete or closed");
        var job = frame.Job;
        var rows = new StringBuilder();
        foreach (var face in frame.Faces)
        {
            int key = frame.KeyFrame(face.Index, maxFaces);
            string rel = FacesCsv.CropPath(job.Culture, job.Child, key);
            int size = (int)Math.Round(Math.Sqrt(face.Crop.Length / 3.0));
            var png = CropPng.Encode(face.Crop, size, size);
            AtomicFile.Write(Path.Combine(Directory, rel), s => s.Write(png));
            rows.Append(FacesCsv.Row(rel, job.Culture, job.Child, key, job.Label, job.Source, job.SourceFrame, frame.TimeSeconds, face.Index, face.Box)).Append('\n');
        }
        if (rows.Length > 0) _csv.Write(Utf8.GetBytes(rows.ToString()));
        _bytes = _csv.Position;
        Frames++;
        Faces += frame.Faces.Count;
        if (frame.Faces.Count > 0) FramesWithFaces++;
        Checkpoint(force: false);
    }

    /// <summary>Makes the rows so far durable and records them in the state file (at most every two seconds unless forced).</summary>
    public void Checkpoint(bool force)
    {
        if (_csv is null) return;
        if (!force && (DateTime.UtcNow - _lastCheckpoint).TotalSeconds < 2) return;
        _csv.Flush(flushToDisk: true);
        WriteState(complete: false);
        _lastCheckpoint = DateTime.UtcNow;
    }

    /// <summary>Ends the scan: faces.csv takes the partial file's place and the state says complete.</summary>
    public void Finish()
    {
        if (Complete) return;
        if (_csv is null) throw new InvalidOperationException("the faces folder is closed");
        _csv.Flush(flushToDisk: true);
        _csv.Dispose();
        _csv = null;
        WriteState(complete: false);
        File.Move(PartialPath, CsvPath, overwrite: true);
        WriteState(complete: true);
        Complete = true;
    }

    private void WriteState(bool complete) => AtomicFile.WriteText(StatePath, w =>
    {
        w.WriteLine(Magic);
        w.WriteLine("settings " + _settings);
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"frames {Frames}"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"faces {Faces}"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"with_faces {FramesWithFaces}"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bytes {_bytes}"));
        w.WriteLine(complete ? "complete 1" : "complete 0");
    });

    /// <summary>Closes without finishing: the last checkpoint stays, and a rerun resumes from it.</summary>
    public void Dispose()
    {
        if (_csv is null) return;
        Checkpoint(force: true);
        _csv.Dispose();
        _csv = null;
    }
}
