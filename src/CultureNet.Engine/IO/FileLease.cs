using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CultureNet.Engine.IO;

/// <summary>How often a holder renews its lease, and after how long without renewal a holder on another host counts as
/// dead. (A holder on this host is checked by its pid at once.)</summary>
public sealed record LeaseTiming(TimeSpan Heartbeat, TimeSpan StaleAfter)
{
    public static LeaseTiming Default { get; } = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(120));
}

/// <summary>Who holds a lease, as its file says.</summary>
public sealed record LeaseRecord(
    [property: JsonPropertyName("owner")] ProcessIdentity Owner,
    [property: JsonPropertyName("claimed_utc")] DateTime ClaimedUtc);

/// <summary>
/// An exclusive claim on one piece of work, shared by any number of processes on one host or on many hosts over one
/// file system. The claim on <c>NAME</c> is a file <c>NAME.G</c> naming its owner (<see cref="LeaseRecord"/>), created
/// with <see cref="ExclusiveFile"/> (link(2), atomic); the highest generation G present is the claim in force.
/// <list type="bullet">
/// <item>Free work (no generation file): whoever creates <c>NAME.0</c> holds it.</item>
/// <item>A claim whose owner died — its pid is gone or recycled (same host), or it has not renewed the file's
/// modification time for <see cref="LeaseTiming.StaleAfter"/> (other hosts) — is taken over by creating generation
/// G + 1: of several processes trying, exactly one succeeds. The file system's own clock judges staleness, so clock
/// skew between hosts does not matter.</item>
/// <item>The holder renews the modification time every <see cref="LeaseTiming.Heartbeat"/> from a timer, and
/// <see cref="IsHeld"/> tells it, before it publishes its work, whether a later generation exists (it was judged dead
/// and the work was taken over).</item>
/// <item>Claim files are not fsynced: a claim only matters while its owner runs, and after a crash of the machine a
/// lost claim just means the work is free again.</item>
/// <item>Disposing releases the claim (deletes its generation files). Work that must not be done twice is checked
/// again after acquiring: a claim may be free again because its holder just finished.</item>
/// </list>
/// </summary>
public sealed partial class FileLease : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly Timer _heartbeat;
    private readonly string _name;
    private int _released;

    private FileLease(string name, int generation, LeaseTiming timing)
    {
        _name = name;
        Generation = generation;
        Path = GenerationPath(name, generation);
        _heartbeat = new Timer(_ => Renew(), null, timing.Heartbeat, timing.Heartbeat);
    }

    /// <summary>The generation file this lease holds.</summary>
    public string Path { get; }
    public int Generation { get; }

    /// <summary>Claims <paramref name="name"/> (a path without the generation suffix); null while another live process holds it.</summary>
    public static FileLease? TryAcquire(string name, LeaseTiming? timing = null)
    {
        timing ??= LeaseTiming.Default;
        byte[] record = JsonSerializer.SerializeToUtf8Bytes(new LeaseRecord(ProcessIdentity.Current, DateTime.UtcNow), Json);
        // Each pass either ends or saw the claims change under it (a creation or release racing with ours).
        for (int pass = 0; pass < 1000; pass++)
        {
            var generations = Generations(name);
            if (generations.Count == 0)
            {
                if (ExclusiveFile.TryCreate(GenerationPath(name, 0), record, durable: false)) return new FileLease(name, 0, timing);
                continue;
            }
            int top = generations[^1];
            string topPath = GenerationPath(name, top);
            var holder = Read(topPath);
            if (holder is null) continue; // released while we looked
            if (!IsDead(holder, topPath, timing)) return null;
            if (!ExclusiveFile.TryCreate(GenerationPath(name, top + 1), record, durable: false)) continue;
            var lease = new FileLease(name, top + 1, timing);
            lease.DeleteGenerationsBelow(top + 1);
            return lease;
        }
        throw new CultureNetException($"{name}: the claim kept changing while it was being acquired (1000 attempts)");
    }

    /// <summary>The owner of the claim in force on <paramref name="name"/>, or null when nobody holds it.</summary>
    public static LeaseRecord? Holder(string name)
    {
        var generations = Generations(name);
        return generations.Count == 0 ? null : Read(GenerationPath(name, generations[^1]));
    }

    /// <summary>True while this lease's file exists and no later generation has taken it over.</summary>
    public bool IsHeld => Volatile.Read(ref _released) == 0 && File.Exists(Path) && Generations(_name) is [.., var last] && last == Generation;

    /// <summary>Renews the heartbeat (the file's modification time, set by the file system's clock).</summary>
    public void Renew()
    {
        if (Volatile.Read(ref _released) == 0) utimensat(AtFdCwd, Path, IntPtr.Zero, 0);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        _heartbeat.Dispose();
        // Generations below ours were dead; a later one is someone else's and stays.
        DeleteGenerationsBelow(Generation + 1);
    }

    private void DeleteGenerationsBelow(int generation)
    {
        foreach (int g in Generations(_name).Where(g => g < generation))
            try { File.Delete(GenerationPath(_name, g)); }
            catch (IOException) { }
    }

    private static string GenerationPath(string name, int generation) => $"{name}.{generation}";

    /// <summary>Generation numbers present for <paramref name="name"/>, ascending.</summary>
    private static List<int> Generations(string name)
    {
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(name))!;
        string prefix = System.IO.Path.GetFileName(name) + ".";
        var found = new List<int>();
        if (!Directory.Exists(directory)) return found;
        foreach (var file in Directory.EnumerateFiles(directory, prefix + "*"))
            if (int.TryParse(System.IO.Path.GetFileName(file).AsSpan(prefix.Length), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out int g))
                found.Add(g);
        found.Sort();
        return found;
    }

    private static LeaseRecord? Read(string path)
    {
        try { return JsonSerializer.Deserialize<LeaseRecord>(File.ReadAllBytes(path), Json); }
        catch (FileNotFoundException) { return null; }
        catch (JsonException e) { throw new CultureNetException($"{path}: not a claim file ({e.Message}); delete it if no process is working on this folder"); }
    }

    private static bool IsDead(LeaseRecord holder, string path, LeaseTiming timing)
    {
        if (holder.Owner.IsAlive() is bool alive) return !alive;
        DateTime renewed;
        try { renewed = File.GetLastWriteTimeUtc(path); }
        catch (FileNotFoundException) { return false; } // released: the next pass sees it
        return FileSystemNow(path) - renewed > timing.StaleAfter;
    }

    /// <summary>The file system's idea of now: the modification time of a file just written next to <paramref name="near"/>.</summary>
    private static DateTime FileSystemNow(string near)
    {
        string probe = AtomicFile.TempPathFor(near + ".clock");
        try
        {
            File.WriteAllBytes(probe, []);
            return File.GetLastWriteTimeUtc(probe);
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private const int AtFdCwd = -100;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int utimensat(int dirfd, string path, IntPtr times, int flags);
}
