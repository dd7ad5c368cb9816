using System.Runtime.ExceptionServices;

namespace CultureNet.Engine.IO;

/// <summary>
/// Runs a third-party parser over an untrusted file with a time and an allocation limit. The parser runs on its own
/// background thread while the caller watches the clock and the bytes that thread allocates (<see cref="ThreadAllocations"/>,
/// so other threads' work beside it never counts against the file); past either limit the caller gets a
/// <see cref="CultureNetException"/> naming the file (a corrupt file can send a parser round a cycle of offsets for ever,
/// allocating as it goes). Where the runtime's allocation events do not arrive (none yet, or event delivery turned off),
/// the process's allocated bytes stand in. .NET cannot stop a thread, so an overrun parser is abandoned: its thread is a
/// background thread and ends with the process, which for the command line is the next thing that happens.
/// </summary>
public static class BoundedWork
{
    public static T Run<T>(Func<T> work, string source, long allocationBudget, TimeSpan deadline)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        // Not disposed here: an abandoned parser signals it when (if ever) it finishes, after the caller has moved on.
        var done = new ManualResetEventSlim();
        using var allocations = new ThreadAllocations();
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        var thread = new Thread(() =>
        {
            try
            {
                allocations.WatchCurrentThread();
                result = work();
            }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
            finally { done.Set(); }
        }, maxStackSize: 16 << 20) { IsBackground = true, Name = $"bounded read of {Path.GetFileName(source)}" };
        thread.Start();
        var started = Environment.TickCount64;
        while (!done.Wait(20))
        {
            long allocated = allocations.Delivering ? allocations.Bytes : GC.GetTotalAllocatedBytes() - allocatedBefore;
            if (allocated > allocationBudget)
                throw new CultureNetException($"{source}: reading allocated more than {allocationBudget >> 20} MB, more than a file of its size needs; its internal structure is corrupt");
            if (Environment.TickCount64 - started > deadline.TotalMilliseconds)
                throw new CultureNetException($"{source}: reading took longer than {deadline.TotalSeconds:F0} s; the file's internal structure is corrupt");
        }
        done.Dispose();
        failure?.Throw();
        return result;
    }
}
