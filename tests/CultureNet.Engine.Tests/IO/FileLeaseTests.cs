using System.Text.Json;
using CultureNet.Engine.IO;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.IO;

/// <summary>Exclusive creation and claims between processes: one winner per race, dead holders (by pid on this host,
/// by a stale heartbeat elsewhere) taken over exactly once, live ones respected.</summary>
public class FileLeaseTests
{
    [Fact]
    public void Exactly_one_of_many_racing_creators_wins_and_its_content_is_whole()
    {
        using var dir = new TempDir();
        string path = dir.File("protocol.json");
        var start = new Barrier(16);
        var won = new bool[16];
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            start.SignalAndWait();
            won[i] = ExclusiveFile.TryCreate(path, new string((char)('a' + i), 100_000).Select(c => (byte)c).ToArray());
        });
        int winner = Assert.Single(Enumerable.Range(0, 16), i => won[i]);
        Assert.Equal(new string((char)('a' + winner), 100_000), File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path)); // no temporary file left behind
    }

    [Fact]
    public void A_held_claim_is_refused_until_released()
    {
        using var dir = new TempDir();
        string name = dir.File("fit.claim");
        using (var first = FileLease.TryAcquire(name))
        {
            Assert.NotNull(first);
            Assert.True(first.IsHeld);
            Assert.Null(FileLease.TryAcquire(name));
            Assert.Equal(Environment.ProcessId, FileLease.Holder(name)!.Owner.Pid);
        }
        Assert.Null(FileLease.Holder(name));
        using var again = FileLease.TryAcquire(name);
        Assert.Equal(0, again!.Generation);
    }

    [Fact]
    public void A_claim_of_a_process_that_died_on_this_host_is_taken_over_once()
    {
        using var dir = new TempDir();
        string name = dir.File("fit.claim");
        var exited = System.Diagnostics.Process.Start("/bin/true")!;
        exited.WaitForExit();
        WriteClaim(name, 0, ProcessIdentity.Current with { Pid = exited.Id, StartTicks = 12345 });

        var start = new Barrier(8);
        var leases = new FileLease?[8];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            start.SignalAndWait();
            leases[i] = FileLease.TryAcquire(name);
        });
        var lease = Assert.Single(leases, l => l is not null)!;
        Assert.Equal(1, lease.Generation);
        Assert.False(File.Exists(name + ".0")); // the dead claim is gone
        Assert.Equal(ProcessIdentity.Current, FileLease.Holder(name)!.Owner);
        lease.Dispose();
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_recycled_pid_does_not_keep_a_claim_but_a_live_process_does()
    {
        using var dir = new TempDir();
        // pid 1 runs, but it is not the process that started at tick 1 (it started at its own tick).
        long initTicks = long.Parse(File.ReadAllText("/proc/1/stat").Split(')')[^1].Trim().Split(' ')[19]);
        string recycled = dir.File("a.claim"), live = dir.File("b.claim");
        WriteClaim(recycled, 0, ProcessIdentity.Current with { Pid = 1, StartTicks = initTicks + 1 });
        WriteClaim(live, 0, ProcessIdentity.Current with { Pid = 1, StartTicks = initTicks });

        using var taken = FileLease.TryAcquire(recycled);
        Assert.NotNull(taken);
        Assert.Null(FileLease.TryAcquire(live));
    }

    [Fact]
    public void A_claim_from_another_host_lives_by_its_heartbeat()
    {
        using var dir = new TempDir();
        string name = dir.File("fit.claim");
        var elsewhere = ProcessIdentity.Current with { Host = "node-elsewhere", Machine = "other-boot/pid:[1]" };
        WriteClaim(name, 3, elsewhere);
        var timing = new LeaseTiming(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(120));

        Assert.Null(FileLease.TryAcquire(name, timing)); // renewed just now
        File.SetLastWriteTimeUtc(name + ".3", DateTime.UtcNow.AddMinutes(-10));
        using var lease = FileLease.TryAcquire(name, timing);
        Assert.Equal(4, lease!.Generation);
    }

    [Fact]
    public void The_holder_renews_its_heartbeat_and_learns_of_a_takeover()
    {
        using var dir = new TempDir();
        string name = dir.File("fit.claim");
        using var lease = FileLease.TryAcquire(name, new LeaseTiming(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(120)))!;
        var old = DateTime.UtcNow.AddMinutes(-10);
        File.SetLastWriteTimeUtc(lease.Path, old);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (File.GetLastWriteTimeUtc(lease.Path) <= old.AddMinutes(5) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(File.GetLastWriteTimeUtc(lease.Path) > old.AddMinutes(5), "the heartbeat did not renew the claim");

        Assert.True(lease.IsHeld);
        WriteClaim(name, 1, ProcessIdentity.Current with { Host = "node-elsewhere" });
        Assert.False(lease.IsHeld);
        lease.Dispose();
        Assert.True(File.Exists(name + ".1")); // the later holder's claim stays
        Assert.False(File.Exists(name + ".0"));
    }

    private static void WriteClaim(string name, int generation, ProcessIdentity owner) =>
        File.WriteAllBytes($"{name}.{generation}", JsonSerializer.SerializeToUtf8Bytes(new LeaseRecord(owner, DateTime.UtcNow)));
}
