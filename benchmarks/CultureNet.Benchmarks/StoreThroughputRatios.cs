using CultureNet.Benchmarking;
using System.Diagnostics;
using System.Numerics.Tensors;
using CultureNet.Engine.Data;

namespace CultureNet.Benchmarks;

/// <summary>
/// The same measurements as <see cref="FeatureStoreBenchmarks"/>, made robust to a shared, loaded host: each round
/// times the memcpy baseline and every variant back to back, and the report gives the median over rounds of the
/// per-round ratios (load that comes and goes hits a baseline and its variant alike).
/// Run: dotnet run -c Release --project benchmarks/CultureNet.Benchmarks -- --store-ratios DIR [rounds]
/// </summary>
public static unsafe class StoreThroughputRatios
{
    private const int BatchRows = 128, Batches = 512;

    public static void Run(string dir, int rounds)
    {
        using var f32 = FeatureStore.Open(dir);
        string tmp = Directory.CreateTempSubdirectory("culturenet-ratios-").FullName;
        try
        {
            using (var w = FeatureStoreWriter.Create(tmp, f32.Dim, FeatureDType.Float16))
            {
                var row = new float[f32.Dim];
                for (long r = 0; r < f32.RowCount; r++)
                {
                    f32.GatherRows([r], row);
                    w.Append(f32.Cultures[(int)r], f32.Children[(int)r], f32.Frames[(int)r], f32.Labels[(int)r], row);
                }
                w.Finish();
            }
            using var f16 = FeatureStore.Open(tmp);
            Measure(f32, f16, rounds);
        }
        finally { Directory.Delete(tmp, true); }
    }

    private static void Measure(FeatureStore f32, FeatureStore f16, int rounds)
    {
        int d = f32.Dim;
        long n = f32.RowCount;
        var dst = new float[BatchRows * d];
        var batch = new long[BatchRows];
        var rng = new Random(7);
        long batchBytes = (long)BatchRows * d * 4, totalBytes = n * d * 4;
        var results = new Dictionary<string, List<(double Seconds, double Ratio)>>();

        double Time(Action a) { var c = Stopwatch.StartNew(); a(); return c.Elapsed.TotalSeconds; }
        void NewBatch() { for (int i = 0; i < BatchRows; i++) batch[i] = rng.NextInt64(n); }

        void GatherBaseline()
        {
            fixed (float* p = dst)
                for (int k = 0; k < Batches; k++)
                {
                    NewBatch();
                    long start = batch[0] % (n - BatchRows) * d;
                    Buffer.MemoryCopy(f32.FeaturePointer + start, p, batchBytes, batchBytes);
                }
        }
        void Gather(FeatureStore s) { for (int k = 0; k < Batches; k++) { NewBatch(); s.GatherRows(batch, dst); } }
        void ScanBaseline()
        {
            byte* src = (byte*)f32.FeaturePointer;
            fixed (float* p = dst)
                for (long off = 0; off < totalBytes; off += batchBytes)
                {
                    long m = Math.Min(batchBytes, totalBytes - off);
                    Buffer.MemoryCopy(src + off, p, m, m);
                }
        }
        void ScanGather(FeatureStore s)
        {
            for (long r = 0; r < s.RowCount; r += BatchRows)
            {
                int m = (int)Math.Min(BatchRows, s.RowCount - r);
                for (int i = 0; i < m; i++) batch[i] = r + i;
                s.GatherRows(batch.AsSpan(0, m), dst);
            }
        }
        float sink = 0;
        void ScanSum() { foreach (var c in f32.ChildBlocks) sink += TensorPrimitives.Sum(f32.Features(c.StartRow, c.RowCount)); }

        for (int round = -1; round < rounds; round++) // round −1 warms the page cache and the JIT
        {
            double g0 = Time(GatherBaseline), g32 = Time(() => Gather(f32)), g16 = Time(() => Gather(f16));
            double s0 = Time(ScanBaseline), s32 = Time(() => ScanGather(f32)), s16 = Time(() => ScanGather(f16)), sum = Time(ScanSum);
            if (round < 0) continue;
            void Add(string name, double t, double baseline) =>
                (results.TryGetValue(name, out var l) ? l : results[name] = new()).Add((t, t / baseline));
            Add("gather 128×D memcpy baseline", g0, g0);
            Add("gather 128×D float32", g32, g0);
            Add("gather 128×D float16 (widened)", g16, g0);
            Add("scan memcpy baseline", s0, s0);
            Add("scan GatherRows float32", s32, s0);
            Add("scan GatherRows float16 (widened)", s16, s0);
            Add("scan zero-copy sum float32", sum, s0);
        }
        GC.KeepAlive(sink);

        Console.WriteLine($"store {f32.FilePath}: {n:N0} rows × {d}{(f32.IsSynthetic ? " (SYNTHETIC)" : "")}; {rounds} rounds, medians");
        Console.WriteLine($"{"",-36} {"time",12} {"float32 out",14} {"× memcpy time",14}");
        foreach (var (name, list) in results)
        {
            double t = Statistics.Median(list.Select(x => x.Seconds)), ratio = Statistics.Median(list.Select(x => x.Ratio));
            bool gather = name.StartsWith("gather");
            double perOp = gather ? t / Batches : t;
            double bytes = gather ? batchBytes : totalBytes;
            Console.WriteLine($"{name,-36} {(gather ? $"{perOp * 1e6:F1} µs" : $"{perOp * 1e3:F1} ms"),12} {bytes / perOp / 1e9,9:F1} GB/s {ratio,14:F2}");
        }
    }
}
