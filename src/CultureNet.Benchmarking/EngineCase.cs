using CultureNet.Engine;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;

namespace CultureNet.Benchmarking;

/// <summary>One backend × precision the engine can compute GenNet on.</summary>
public sealed record EngineCase(string Backend, Policy Policy)
{
    /// <summary>The cases <c>culturenet bench</c> measures: oneDNN float32 and mixed_bfloat16, OpenBLAS float32
    /// (OpenBLAS has no bfloat16 GEMM).</summary>
    public static IReadOnlyList<EngineCase> All { get; } =
    [
        new(NativeBackends.OneDnn, Policy.Float32),
        new(NativeBackends.OneDnn, Policy.MixedBfloat16),
        new(NativeBackends.OpenBlas, Policy.Float32),
    ];

    /// <summary>"onednn float32".</summary>
    public string Name => $"{Backend} {Policy.Name}";

    public bool IsFloat32 => Policy.Name == Policy.Float32;

    /// <summary>Null when the case runs here, else why not (the package to install, the instruction set missing).</summary>
    public string? Unavailable()
    {
        try
        {
            Sequential.ResolveBackend(Backend, Policy);
            return null;
        }
        catch (CultureNetException e)
        {
            return e.Message;
        }
    }
}

/// <summary>
/// GEMM rates at GenNet's fc1 shape (batch 128 × 2048 inputs × 500 units) through each backend's own GEMM
/// (cn_backend_time_gemm: oneDNN's matmul with its preferred weight layout, OpenBLAS's cblas_sgemm; bfloat16 operands
/// for mixed_bfloat16), the limits the benchmarks divide by.
/// </summary>
public static class GemmProbe
{
    public const int M = 128, N = 500, K = GenNetCost.InputDim;

    /// <summary>FLOPs of one fc1-shaped product.</summary>
    public const double FlopsPerCall = 2.0 * M * N * K;

    /// <summary>Best GFLOP/s over <paramref name="repetitions"/> timed groups of about <paramref name="secondsPerGroup"/> each
    /// (the group size is set from a first short timing, so a fast bf16 GEMM and a slow fallback both get enough calls).
    /// Load from other work only slows a timing down, so the best group is the closest to the machine's rate.</summary>
    public static double Gflops(EngineCase engine, int repetitions = 3, double secondsPerGroup = 0.15) =>
        FlopsPerCall / SecondsPerCall(engine, M, N, K, repetitions, secondsPerGroup) / 1e9;

    /// <summary>Best seconds per product (m × k)·(k × n) over <paramref name="repetitions"/> timed groups of about
    /// <paramref name="secondsPerGroup"/> each, B in the backend's preferred layout (cn_backend_time_gemm).</summary>
    public static double SecondsPerCall(EngineCase engine, int m, int n, int k, int repetitions = 3, double secondsPerGroup = 0.15) =>
        GroupTiming.BestPerRepetition(Timer(engine, m, n, k), repetitions, secondsPerGroup);

    /// <summary>The summed GFLOP/s of <paramref name="copies"/> products timed at once, each on its own thread with
    /// <paramref name="threadsEach"/> engine threads (best of <paramref name="repetitions"/>; each timing ends when its
    /// slowest copy does): the machine's rate for independent work, such as a protocol training several fits at once.</summary>
    public static double ConcurrentGflops(EngineCase engine, int copies, int threadsEach, int repetitions = 3, double secondsPerGroup = 0.15)
    {
        var time = Timer(engine, M, N, K);
        int calls;
        using (NativeEngine.ThreadsOnThisThread(threadsEach)) calls = GroupTiming.Repetitions(time, secondsPerGroup);
        double best = 0;
        for (int r = 0; r < repetitions; r++)
        {
            var seconds = new double[copies];
            using var start = new Barrier(copies);
            var threads = Enumerable.Range(0, copies).Select(i => new Thread(() =>
            {
                using var scope = NativeEngine.ThreadsOnThisThread(threadsEach);
                start.SignalAndWait();
                seconds[i] = time(calls);
            })).ToArray();
            foreach (var thread in threads) thread.Start();
            foreach (var thread in threads) thread.Join();
            best = Math.Max(best, copies * FlopsPerCall * calls / seconds.Max() / 1e9);
        }
        return best;
    }

    /// <summary>Calls → wall seconds of that many m × n × k products on <paramref name="engine"/>.</summary>
    private static Func<int, double> Timer(EngineCase engine, int m, int n, int k) =>
        calls => NativeBackends.TimeGemm(engine.Backend, engine.Policy.Precision, m, n, k, calls);
}
