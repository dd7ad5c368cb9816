using System.Globalization;
using System.Text.Json.Serialization;

namespace CultureNet.Engine.IO;

/// <summary>
/// Who a process is, in a form another process — on this host or another one sharing the file system — can check:
/// the host's name, its boot and PID namespace (so a reboot, or a container with the same name, is another "host"),
/// the process id and the process's start time in clock ticks since boot (so a recycled pid is not mistaken for the
/// process that held it).
/// </summary>
public sealed record ProcessIdentity(
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("machine")] string Machine,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("start_ticks")] long StartTicks,
    [property: JsonPropertyName("started_utc")] DateTime StartedUtc)
{
    private static readonly Lazy<ProcessIdentity> CurrentIdentity = new(() =>
    {
        int pid = Environment.ProcessId;
        return new ProcessIdentity(System.Net.Dns.GetHostName(), MachineKey(), pid, StartTicksOf(pid) ?? 0,
            System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime());
    });

    public static ProcessIdentity Current => CurrentIdentity.Value;

    /// <summary>Whether this identity's pid can be checked from the calling process (same host, boot and PID namespace).</summary>
    public bool IsOnThisMachine => Host == Current.Host && Machine == Current.Machine;

    /// <summary>On this machine: whether the process still runs (same pid, same start time). Elsewhere: null (unknown;
    /// the caller decides by a heartbeat).</summary>
    public bool? IsAlive()
    {
        if (!IsOnThisMachine) return null;
        if (Pid == Environment.ProcessId) return StartTicks == Current.StartTicks;
        return StartTicksOf(Pid) is { } ticks && ticks == StartTicks;
    }

    /// <summary>"host pid 1234 (started 2026-01-02 10:11:12Z)": for messages.</summary>
    public override string ToString() =>
        $"{Host} pid {Pid} (started {StartedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z)";

    /// <summary>The process's start time from /proc/PID/stat (field 22, after the parenthesised command name); null when
    /// the process does not exist.</summary>
    private static long? StartTicksOf(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // "pid (comm) state ppid ..." — comm may hold spaces and parentheses, so split after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) ? ticks : null;
    }

    /// <summary>Boot id and PID namespace: two processes with equal keys can see each other's pids.</summary>
    private static string MachineKey()
    {
        string boot = TryRead("/proc/sys/kernel/random/boot_id") ?? "unknown-boot";
        string ns;
        try { ns = new FileInfo("/proc/self/ns/pid").LinkTarget ?? "pid:?"; }
        catch (IOException) { ns = "pid:?"; }
        return $"{boot}/{ns}";
    }

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
