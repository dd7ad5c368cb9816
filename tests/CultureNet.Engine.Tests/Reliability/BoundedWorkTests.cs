using CultureNet.Engine.IO;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>BoundedWork's tests allocate hundreds of MB on purpose and time their limits: they run apart from the rest.</summary>
[CollectionDefinition(nameof(BoundedWorkCollection), DisableParallelization = true)]
public sealed class BoundedWorkCollection;

/// <summary>The guard PureHDF runs under: a parser that loops allocating, or loops for ever, is stopped with one error
/// naming the file (the sweep's h5 bit flip grew past 6 GB and kept going).</summary>
[Collection(nameof(BoundedWorkCollection))]
public class BoundedWorkTests
{
    [Fact]
    public void AnAllocatingLoopIsStoppedByTheBudget()
    {
        using var dir = new TempDir();
        string file = dir.File("w.h5");
        File.WriteAllBytes(file, new byte[100]);
        var keep = new List<byte[]>();
        bool stop = false;
        var e = Assert.Throws<CultureNetException>(() => BoundedWork.Run(() =>
        {
            while (!Volatile.Read(ref stop)) lock (keep) keep.Add(new byte[1 << 20]);
            return 0;
        }, file, allocationBudget: 64L << 20, deadline: TimeSpan.FromSeconds(60)));
        Volatile.Write(ref stop, true); // the abandoned loop ends (a real abandoned parser ends with the process)
        Assert.StartsWith(file, e.Message);
        Assert.Contains("allocated more than 64 MB", e.Message);
        lock (keep) keep.Clear();
    }

    [Fact]
    public void OtherThreadsAllocatingBesideTheParserDoNotCountAgainstTheFile()
    {
        // Another thread churns far past the budget while the parser allocates a few MB: the parser's own bytes are
        // what a corrupt file would inflate, so only they count (the process-wide count read this as a corrupt file).
        bool stop = false;
        long churned = 0;
        var churn = new Thread(() =>
        {
            var keep = new List<byte[]>();
            while (!Volatile.Read(ref stop))
            {
                keep.Add(new byte[1 << 20]);
                churned += 1 << 20;
                if (keep.Count > 32) keep.Clear();
                Thread.SpinWait(20_000);
            }
        }) { IsBackground = true };
        churn.Start();
        try
        {
            int read = BoundedWork.Run(() =>
            {
                var parsed = new List<byte[]>();
                for (int i = 0; i < 40; i++) { parsed.Add(new byte[100_000]); Thread.Sleep(25); }
                return parsed.Count;
            }, "f.h5", allocationBudget: 64L << 20, deadline: TimeSpan.FromSeconds(60));
            Assert.Equal(40, read);
        }
        finally
        {
            Volatile.Write(ref stop, true);
            churn.Join();
        }
        Assert.True(churned > 2 * (64L << 20), $"the other thread allocated only {churned >> 20} MB, not enough to tell the counts apart");
    }

    [Fact]
    public void TheParsersOwnAllocationsAreCountedWhileOthersAllocateToo()
    {
        bool stop = false;
        var churn = new Thread(() =>
        {
            var keep = new List<byte[]>();
            while (!Volatile.Read(ref stop)) { keep.Add(new byte[1 << 16]); if (keep.Count > 256) keep.Clear(); Thread.SpinWait(5_000); }
        }) { IsBackground = true };
        churn.Start();
        var keep = new List<byte[]>();
        bool stopParser = false;
        try
        {
            var e = Assert.Throws<CultureNetException>(() => BoundedWork.Run(() =>
            {
                while (!Volatile.Read(ref stopParser)) lock (keep) keep.Add(new byte[1 << 20]);
                return 0;
            }, "g.h5", allocationBudget: 64L << 20, deadline: TimeSpan.FromSeconds(60)));
            Assert.Contains("allocated more than 64 MB", e.Message);
        }
        finally
        {
            Volatile.Write(ref stopParser, true);
            Volatile.Write(ref stop, true);
            churn.Join();
            lock (keep) keep.Clear();
        }
    }

    [Fact]
    public void ASpinningLoopIsStoppedByTheDeadline()
    {
        using var dir = new TempDir();
        string file = dir.File("w.h5");
        File.WriteAllBytes(file, new byte[100]);
        using var stop = new ManualResetEventSlim();
        var e = Assert.Throws<CultureNetException>(() => BoundedWork.Run(() => { stop.Wait(); return 0; }, file,
            allocationBudget: 1L << 30, deadline: TimeSpan.FromSeconds(1)));
        stop.Set();
        Assert.Contains("took longer than 1 s", e.Message);
    }

    [Fact]
    public void ResultsAndExceptionsComeThrough()
    {
        Assert.Equal(42, BoundedWork.Run(() => 42, "f", 1L << 30, TimeSpan.FromSeconds(10)));
        var e = Assert.Throws<CultureNetException>(() => BoundedWork.Run<int>(() => throw new CultureNetException("f: bad"), "f", 1L << 30, TimeSpan.FromSeconds(10)));
        Assert.Equal("f: bad", e.Message);
    }
}

[Collection(nameof(BoundedWorkCollection))]
public class BoundedWorkAbandonTests
{
    [Fact]
    public void AnAbandonedParserThatFinishesLaterDoesNotCrashTheProcess()
    {
        // The abandoned thread signals completion after the caller has gone: that must not throw on its background
        // thread (an unhandled exception there ends the process).
        using var release = new ManualResetEventSlim();
        var finished = new ManualResetEventSlim();
        var e = Record.Exception(() => BoundedWork.Run(() => { release.Wait(); finished.Set(); return 0; }, "f",
            1L << 30, TimeSpan.FromMilliseconds(200)));
        Assert.True(e is CultureNetException, e?.ToString());
        release.Set();
        Assert.True(finished.Wait(TimeSpan.FromSeconds(10)));
        Thread.Sleep(200); // the worker's finally runs now; the test host would die here if it threw
    }
}
