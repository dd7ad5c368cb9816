using System.Diagnostics;
using System.Runtime.InteropServices;
using CultureNet.Engine.Native;

namespace CultureNet.Benchmarking;

/// <summary>
/// The machine's own limit for GenNet training: cblas_sgemm GFLOP/s at the fc1 shape (128 × 500 × 2048), through the
/// same libblas.so.3 the engine links (OpenBLAS where installed). That rate caps training at
/// GFLOP/s · 1e9 / <see cref="GenNetCost.FlopsPerSample"/> samples/s.
/// </summary>
public static unsafe partial class SgemmProbe
{
    /// <summary>fc1 of GenNet at batch 128: (batch × input) · (input × first hidden layer).</summary>
    public const int M = 128, N = 500, K = GenNetCost.InputDim;

    /// <summary>FLOPs of one <see cref="Call"/>.</summary>
    public const double FlopsPerCall = 2.0 * M * N * K;

    public static double LimitSamplesPerSecond(double gflops) => gflops * 1e9 / GenNetCost.FlopsPerSample;

    [LibraryImport("libblas.so.3", EntryPoint = "cblas_sgemm")]
    private static partial void CblasSgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
                                           float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    /// <summary>Best GFLOP/s over <paramref name="repetitions"/> timed batches of calls, after a warm-up.</summary>
    public static double MeasureGflops(int repetitions = 7, double secondsPerRepetition = 0.3)
    {
        NativeEngine.EnsureLoaded(); // OPENBLAS_CORETYPE is applied before libblas.so.3 first loads
        var a = new float[M * K];
        var b = new float[K * N];
        var c = new float[M * N];
        var rng = new Random(1);
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
        double best = 0;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            for (int i = 0; i < 20; i++) Call(pa, pb, pc);
            for (int rep = 0; rep < repetitions; rep++)
            {
                var clock = Stopwatch.StartNew();
                int calls = 0;
                do
                {
                    Call(pa, pb, pc);
                    calls++;
                } while (clock.Elapsed.TotalSeconds < secondsPerRepetition);
                best = Math.Max(best, FlopsPerCall * calls / clock.Elapsed.TotalSeconds / 1e9);
            }
        }
        return best;
    }

    /// <summary>One fc1-shaped product; exposed for BenchmarkDotNet.</summary>
    public static void Call(float* a, float* b, float* c) => CblasSgemm(101, 111, 111, M, N, K, 1f, a, K, b, N, 0f, c, N);
}
