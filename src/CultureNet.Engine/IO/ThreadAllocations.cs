using System.Diagnostics.Tracing;
using System.Runtime.InteropServices;

namespace CultureNet.Engine.IO;

/// <summary>
/// The bytes one thread allocates while this listener lives, from the runtime's own allocation events: the GC raises
/// GCAllocationTick each time a thread has allocated about 100 KB more, with that thread's id and the amount. .NET has no
/// API for another thread's allocated bytes, and the process-wide count includes every other thread's work.
/// Events reach the listener about 10 ms after the allocation.
/// </summary>
internal sealed partial class ThreadAllocations : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private long _thread = -1;
    private long _bytes;
    private int _delivering;

    /// <summary>Starts counting the calling thread's allocations (its earlier ones are not counted).</summary>
    public void WatchCurrentThread()
    {
        Interlocked.Exchange(ref _bytes, 0);
        Interlocked.Exchange(ref _thread, CurrentOsThreadId());
    }

    /// <summary>Bytes the watched thread has allocated since <see cref="WatchCurrentThread"/>, to within one tick (~100 KB).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Whether the runtime's allocation events arrive here at all (false until the first one, from any thread).</summary>
    public bool Delivering => Volatile.Read(ref _delivering) != 0;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == RuntimeSource) EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal)) return;
        Volatile.Write(ref _delivering, 1);
        if (e.OSThreadId != Interlocked.Read(ref _thread) || e.PayloadNames is not { } names || e.Payload is not { } payload) return;
        // Version 2 and later carry the 64-bit amount; version 1 only the 32-bit one.
        int at = names.IndexOf("AllocationAmount64");
        if (at < 0) at = names.IndexOf("AllocationAmount");
        if (at >= 0 && payload[at] is { } amount) Interlocked.Add(ref _bytes, Convert.ToInt64(amount, System.Globalization.CultureInfo.InvariantCulture));
    }

    // The id the runtime's events carry: the kernel's thread id (Environment.CurrentManagedThreadId is another number).
    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    private static long CurrentOsThreadId() => GetTid();
}
