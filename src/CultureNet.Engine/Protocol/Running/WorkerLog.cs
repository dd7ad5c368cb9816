using System.Globalization;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// <c>workers/HOST.PID.tsv</c> in a results folder: one line per fit this process trained and recorded (key, seconds,
/// UTC time), so a person can see which node trained what and how long it took, and a check can count that every fit
/// was trained once. One file per process, so no two writers share a file, also over NFS.
/// </summary>
public sealed class WorkerLog(string folder)
{
    public const string FolderName = "workers";

    private readonly string _path = Path.Combine(folder, FolderName,
        $"{ProcessIdentity.Current.Host}.{ProcessIdentity.Current.Pid}.{ProcessIdentity.Current.StartTicks}.tsv");

    private readonly object _gate = new();

    /// <summary>Fits recorded by this process.</summary>
    public int Count { get; private set; }

    /// <summary>Appends a line; the process's workers (fits trained at once) take turns.</summary>
    public void Record(string key, TimeSpan elapsed)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using (var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read))
            using (var writer = new StreamWriter(stream) { NewLine = "\n" })
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{key}\t{elapsed.TotalSeconds:F3}\t{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}"));
            }
            Count++;
        }
    }

    /// <summary>Every key recorded in the folder's worker logs, once per recording.</summary>
    public static IEnumerable<string> RecordedKeys(string folder)
    {
        string dir = Path.Combine(folder, FolderName);
        if (!Directory.Exists(dir)) yield break;
        foreach (var file in Directory.EnumerateFiles(dir, "*.tsv").Order(StringComparer.Ordinal))
            foreach (var line in File.ReadLines(file))
                if (line.Length > 0) yield return line.Split('\t')[0];
    }
}
