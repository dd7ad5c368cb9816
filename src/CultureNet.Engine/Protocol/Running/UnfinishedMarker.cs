using System.Text;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// <c>UNFINISHED</c> in a results folder: created by the first process that starts on the folder, rewritten with the
/// missing fits by a process that stops before all fits are finished, and removed last, by the process that wrote the
/// complete reports. So a results folder is either complete or says it is not, and what is missing.
/// </summary>
public static class UnfinishedMarker
{
    public const string FileName = "UNFINISHED";

    private const string Advice =
        "This results folder is unfinished: the reports are not complete. Run the same `culturenet protocol` command\n" +
        "without --shard (after every shard has ended, or alongside them: it waits for them) to finish it.\n";

    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    public static bool IsPresent(string folder) => File.Exists(PathIn(folder));

    /// <summary>Marks the folder unfinished unless it already is.</summary>
    public static void Create(string folder) => ExclusiveFile.TryCreate(PathIn(folder), Encoding.UTF8.GetBytes(Advice));

    public static void Write(string folder, IReadOnlyCollection<string> missing, int total) => AtomicFile.WriteText(PathIn(folder), w =>
    {
        w.Write(Advice);
        w.WriteLine($"{missing.Count} of {total} fits have no result yet:");
        foreach (var key in missing) w.WriteLine(key);
    });

    /// <summary>Called after the last report file is written.</summary>
    public static void Remove(string folder) => File.Delete(PathIn(folder));
}
