using System.Diagnostics;
using CultureNet.Engine.Data;

namespace CultureNet.Benchmarks;

/// <summary>
/// Open time and resident-memory growth of FeatureStore.Open on a real store (not a BenchmarkDotNet class:
/// RSS needs a fresh process). Run: dotnet run -c Release --project benchmarks/CultureNet.Benchmarks -- --open-cost DIR
/// </summary>
public static class OpenCost
{
    public static void Run(string dir)
    {
        // JIT the open path on a tiny store first, so the timing is the open itself.
        string warm = Directory.CreateTempSubdirectory("culturenet-open-").FullName;
        SyntheticCohort.Generate(warm, new SyntheticCohortOptions { ChildrenPerCulture = 1, FramesPerChild = 10, Dim = 4 });
        FeatureStore.Open(warm).Dispose();
        Directory.Delete(warm, true);

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        long rss0 = self.WorkingSet64;
        var clock = Stopwatch.StartNew();
        using var store = FeatureStore.Open(dir);
        double openMs = clock.Elapsed.TotalMilliseconds;
        self.Refresh();
        long rss1 = self.WorkingSet64;
        long fileBytes = new FileInfo(store.FilePath).Length;
        Console.WriteLine($"store {store.FilePath}: {fileBytes / 1e9:F2} GB, {store.RowCount:N0} rows × {store.Dim} {store.DType.Name()}{(store.IsSynthetic ? " (SYNTHETIC)" : "")}");
        Console.WriteLine($"open (header + metadata checksum + invariants): {openMs:F1} ms; resident memory {rss0 >> 20} → {rss1 >> 20} MB (+{(rss1 - rss0) / 1e6:F1} MB)");

        clock.Restart();
        var problems = store.VerifyFeatureChecksums();
        double verifyS = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"full checksum verification: {verifyS:F2} s ({fileBytes / 1e9 / verifyS:F1} GB/s), {(problems.Count == 0 ? "OK" : problems[0])}");
    }
}
