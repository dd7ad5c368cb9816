namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// How one process spends its engine threads on a protocol: <see cref="Jobs"/> fits trained at once, each with
/// <see cref="ThreadsPerFit"/> threads while all of them train (<see cref="ThreadShare"/> gives more to fewer). A fit's
/// batch-128 products are small: two threads on one fit wait on each other (the slower core sets the pace) and leave
/// the optimizer's memory-bound update unoverlapped, while two fits of one thread each keep both cores computing
/// (docs/cost-model.md). On onednn the engine's results do not depend on its thread count, so neither do the
/// protocol's on this choice.
/// </summary>
public readonly record struct FitParallelism(int Jobs, int ThreadsPerFit)
{
    /// <summary><paramref name="jobs"/> 0: one fit per thread, but no more fits at once than a run has
    /// (<paramref name="fitsPerRun"/>), the threads left over shared among them; one fit at a time when the backend's
    /// GEMM threads are process-wide (<paramref name="sharedGemmThreads"/>, OpenBLAS), as fits at once would then
    /// oversubscribe the cores (measured 1.6x slower on 2 cores).</summary>
    public static FitParallelism Resolve(int jobs, int threads, int fitsPerRun, bool sharedGemmThreads = false)
    {
        if (jobs < 0) throw new CultureNetException($"--jobs {jobs}: expected 0 (one fit per engine thread) or a positive number of fits trained at once");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least one thread");
        if (jobs == 0) jobs = sharedGemmThreads ? 1 : Math.Clamp(fitsPerRun, 1, threads);
        return new FitParallelism(jobs, Math.Max(1, threads / jobs));
    }

    public override string ToString() => $"{Jobs} fit{(Jobs == 1 ? "" : "s")} at once x {ThreadsPerFit} thread{(ThreadsPerFit == 1 ? "" : "s")}";
}
