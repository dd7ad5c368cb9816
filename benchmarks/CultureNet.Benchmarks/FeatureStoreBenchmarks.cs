using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CultureNet.Engine.Data;

namespace CultureNet.Benchmarks;

/// <summary>
/// Feature-store reads against the machine's own memcpy bandwidth, measured in the same run: each category's
/// baseline copies the same number of bytes with Buffer.MemoryCopy, so the Ratio column is "times slower
/// than memcpy" (1.00 = at the limit).
///   Gather: a random mini-batch of 128 rows × D (2048) into a caller's buffer, float32 and float16 stores.
///   Scan:   every row of the store, in order, through GatherRows in 128-row batches and as a zero-copy sum.
/// The store is CULTURENET_BENCH_STORE (e.g. a paper-scale `culturenet synth` output) or, if unset, a
/// synthetic 2 × 15 × 1000 × 2048 cohort (≈ 245 MB) generated into a temporary directory.
/// Run: SkipNativeBuild=true dotnet run -c Release --project benchmarks/CultureNet.Benchmarks -- --filter '*FeatureStore*'
/// On a shared, loaded host prefer <see cref="StoreThroughputRatios"/> (interleaved rounds, median ratios).
/// </summary>
[SimpleJob(warmupCount: 3, iterationCount: 10)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public unsafe class FeatureStoreBenchmarks
{
    private const int BatchRows = 128;
    // Distinct random mini-batches per invocation (128 MB of rows: beyond every cache).
    private const int Batches = 1024;
    private string? _tempDir;
    private FeatureStore _f32 = null!, _f16 = null!;
    private long[] _batch = [];
    private long[] _randomRows = []; // Batches × BatchRows uniformly random rows, drawn once: no RNG inside the timing
    private float[] _destination = [];
    private byte[] _scanChunk = [];
    private readonly Random _rng = new(42);

    [GlobalSetup]
    public void Setup()
    {
        string? dir = Environment.GetEnvironmentVariable("CULTURENET_BENCH_STORE");
        _tempDir = Directory.CreateTempSubdirectory("culturenet-bench-").FullName;
        var options = new SyntheticCohortOptions { FramesPerChild = 1000, Dim = 2048, Seed = 1 };
        if (dir == null)
        {
            dir = Path.Combine(_tempDir, "f32");
            SyntheticCohort.Generate(dir, options);
        }
        _f32 = FeatureStore.Open(dir);
        // The float16 twin: the same rows narrowed (a copy of the float32 store through the writer).
        using (var w = FeatureStoreWriter.Create(Path.Combine(_tempDir, "f16"), _f32.Dim, FeatureDType.Float16))
        {
            var row = new float[_f32.Dim];
            long n = Math.Min(_f32.RowCount, 30_000);
            for (long r = 0; r < n; r++)
            {
                _f32.GatherRows([r], row);
                w.Append(_f32.Cultures[(int)r], _f32.Children[(int)r], _f32.Frames[(int)r], _f32.Labels[(int)r], row);
            }
            w.Finish();
        }
        _f16 = FeatureStore.Open(Path.Combine(_tempDir, "f16"));
        _batch = new long[BatchRows];
        _randomRows = new long[Batches * BatchRows];
        long rowsInBoth = Math.Min(_f32.RowCount, _f16.RowCount);
        for (int i = 0; i < _randomRows.Length; i++) _randomRows[i] = _rng.NextInt64(rowsInBoth);
        _destination = new float[BatchRows * _f32.Dim];
        _scanChunk = new byte[BatchRows * _f32.Dim * 4];
        // Warm the page cache so the scan measures memory, not the disk.
        TouchAll(_f32);
        TouchAll(_f16);
    }

    private static void TouchAll(FeatureStore s)
    {
        long sum = 0;
        long rowsPerChunk = 1024;
        for (long r = 0; r < s.RowCount; r += rowsPerChunk)
        {
            var raw = s.RawFeatures(r, (int)Math.Min(rowsPerChunk, s.RowCount - r));
            for (int i = 0; i < raw.Length; i += 4096) sum += raw[i];
        }
        GC.KeepAlive(sum);
    }

    // ---- random mini-batch: 128 × 2048 ----

    [Benchmark(Baseline = true, OperationsPerInvoke = Batches), BenchmarkCategory("Gather 128×D")]
    public void GatherMemcpyBaseline()
    {
        // The same 1 MB, copied contiguously from the mapped block: the bandwidth limit of a gather.
        int bytes = BatchRows * _f32.Dim * 4;
        fixed (float* dst = _destination)
            for (int k = 0; k < Batches; k++)
            {
                long start = _randomRows[k * BatchRows] % (_f32.RowCount - BatchRows) * _f32.Dim;
                Buffer.MemoryCopy(_f32.FeaturePointer + start, dst, bytes, bytes);
            }
    }

    [Benchmark(OperationsPerInvoke = Batches), BenchmarkCategory("Gather 128×D")]
    public void GatherFloat32()
    {
        for (int k = 0; k < Batches; k++)
            _f32.GatherRows(_randomRows.AsSpan(k * BatchRows, BatchRows), _destination);
    }

    [Benchmark(OperationsPerInvoke = Batches), BenchmarkCategory("Gather 128×D")]
    public void WidenFloat16InCache()
    {
        // Float16 → float32 conversion alone, source in cache: separates the widening cost from memory access.
        var source = _f16.HalfFeatures(0, BatchRows);
        for (int k = 0; k < Batches; k++)
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(source, _destination);
    }

    [Benchmark(OperationsPerInvoke = Batches), BenchmarkCategory("Gather 128×D")]
    public void GatherFloat16()
    {
        for (int k = 0; k < Batches; k++)
            _f16.GatherRows(_randomRows.AsSpan(k * BatchRows, BatchRows), _destination);
    }

    // ---- full sequential scan of the float32 store ----

    [Benchmark(Baseline = true), BenchmarkCategory("Scan")]
    public void ScanMemcpyBaseline()
    {
        int bytes = _scanChunk.Length;
        long total = _f32.RowCount * _f32.Dim * 4L;
        byte* src = (byte*)_f32.FeaturePointer;
        fixed (byte* dst = _scanChunk)
            for (long off = 0; off < total; off += bytes)
            {
                long n = Math.Min(bytes, total - off);
                Buffer.MemoryCopy(src + off, dst, n, n);
            }
    }

    [Benchmark, BenchmarkCategory("Scan")]
    public void ScanGatherBatches()
    {
        for (long r = 0; r < _f32.RowCount; r += BatchRows)
        {
            int n = (int)Math.Min(BatchRows, _f32.RowCount - r);
            for (int i = 0; i < n; i++) _batch[i] = r + i;
            _f32.GatherRows(_batch.AsSpan(0, n), _destination);
        }
    }

    [Benchmark, BenchmarkCategory("Scan")]
    public float ScanZeroCopySum()
    {
        float sum = 0;
        foreach (var c in _f32.ChildBlocks)
            sum += System.Numerics.Tensors.TensorPrimitives.Sum(_f32.Features(c.StartRow, c.RowCount));
        return sum;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _f32.Dispose();
        _f16.Dispose();
        if (_tempDir != null) Directory.Delete(_tempDir, recursive: true);
    }
}
