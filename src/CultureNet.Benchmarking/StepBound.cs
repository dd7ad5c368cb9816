using CultureNet.Engine.Native;

namespace CultureNet.Benchmarking;

/// <summary>One matrix product of a training step: C (M × N) = A (M × K) · B (K × N).</summary>
public readonly record struct StepProduct(string Name, int M, int N, int K)
{
    public double Flops => 2.0 * M * N * K;
}

/// <summary>One round's bound: the step's products at their best measured rates and the update's memory traffic, per
/// batch; and, timed the same way, the first layer's forward product (the limit's shape) with the FLOPs the benchmarks
/// count per batch (6 × multiply-adds), so the bound is read against a limit from the same timings.</summary>
public sealed record StepBoundRound(int Batch, double ProductSeconds, double UpdateSeconds, double FirstForwardSeconds,
    double FirstForwardFlops, double CountedFlopsPerBatch)
{
    public double SecondsPerBatch => ProductSeconds + UpdateSeconds;
    public double SamplesPerSecond => Batch / SecondsPerBatch;

    /// <summary>The bound ÷ the limit: a batch's counted FLOPs at the first forward product's rate, over the bound's time.</summary>
    public double RatioToLimit => CountedFlopsPerBatch / (FirstForwardFlops / FirstForwardSeconds) / SecondsPerBatch;
}

/// <summary>
/// The fastest a float32 training step of GenNet (Dense layers, MSE, Adadelta) can run on this machine, from
/// measurements of the same run: every product the step needs at the best rate measured for its shape (over the float32
/// backends here, computing C or its transpose, B already in the library's preferred layout as if packing cost nothing),
/// plus the update's loads and stores over every parameter as a bare memory stream (cn_time_update_traffic). Left out,
/// so the bound is only higher: gathering the batch, the elementwise work (bias, ReLU, loss) and the calls' overheads.
/// Counted against the limit (the fc1 GEMM's rate over 6 × multiply-adds per sample), it says how far past 1 a float32
/// step can go here at all: the step skips the first layer's input gradient, and its update is memory traffic.
/// </summary>
public static class StepBound
{
    /// <summary>The products of one training step on <paramref name="batch"/> rows of a stack of Dense layers of
    /// <paramref name="widths"/> (input width first), in the order the engine runs them: every layer's forward, then
    /// from the top each layer's weight gradient and, above the first layer, its input gradient (nothing needs the
    /// gradient of the input features).</summary>
    public static IReadOnlyList<StepProduct> Products(int batch, IReadOnlyList<int> widths)
    {
        if (batch < 1) throw new ArgumentException($"batch is {batch} (expected >= 1)");
        if (widths.Count < 2 || widths.Any(w => w < 1))
            throw new ArgumentException($"widths are [{string.Join(", ", widths)}] (expected an input width and at least one layer, all >= 1)");
        var products = new List<StepProduct>();
        for (int l = 0; l + 1 < widths.Count; l++)
            products.Add(new($"forward {l + 1}", batch, widths[l + 1], widths[l]));
        for (int l = widths.Count - 2; l >= 0; l--)
        {
            products.Add(new($"weight gradient {l + 1}", widths[l], widths[l + 1], batch));
            if (l > 0) products.Add(new($"input gradient {l + 1}", batch, widths[l], widths[l + 1]));
        }
        return products;
    }

    /// <summary>Kernel and bias entries: what one update reads and writes.</summary>
    public static long Parameters(IReadOnlyList<int> widths)
    {
        long parameters = 0;
        for (int l = 0; l + 1 < widths.Count; l++) parameters += (long)widths[l] * widths[l + 1] + widths[l + 1];
        return parameters;
    }

    /// <summary>GenNet's widths at the benchmarks' input width: 2048-500-200-100-50-1.</summary>
    public static IReadOnlyList<int> GenNetWidths { get; } = GenNetCost.Widths();

    /// <summary>
    /// The bound from the given timings: <paramref name="secondsPerProduct"/> (a product's shape, M × N × K → its best
    /// seconds per call on one backend) over every case and both orientations, and <paramref name="secondsPerUpdate"/>
    /// (parameters → seconds of one pass of the update's traffic).
    /// </summary>
    public static StepBoundRound Compute(int batch, IReadOnlyList<int> widths, IReadOnlyList<EngineCase> float32Cases,
        Func<EngineCase, StepProduct, double> secondsPerProduct, Func<long, double> secondsPerUpdate)
    {
        if (float32Cases.Count == 0) throw new ArgumentException("no float32 backend to time the step's products on");
        double products = 0, firstForward = double.PositiveInfinity;
        var all = Products(batch, widths);
        for (int i = 0; i < all.Count; i++)
        {
            var p = all[i];
            double asIs = float32Cases.Min(c => secondsPerProduct(c, p));
            // Cᵀ = Bᵀ·Aᵀ is the same arithmetic: an engine may compute either.
            var transposed = p with { M = p.N, N = p.M };
            products += Math.Min(asIs, float32Cases.Min(c => secondsPerProduct(c, transposed)));
            // The first is the limit's product: timed as the limit times it, this orientation, the fastest backend.
            if (i == 0) firstForward = asIs;
        }
        return new StepBoundRound(batch, products, secondsPerUpdate(Parameters(widths)), firstForward, all[0].Flops,
            6 * GenNetCost.MacsPerSample(widths) * batch);
    }

    /// <summary>The bound measured now on this machine's float32 backends, at the engine's threads (each timing is
    /// the best of three groups of about 20 ms: load from other work only slows a timing down). Its ratio to the limit
    /// uses its own timing of the limit's product, since groups this short catch faster moments than the limit's.</summary>
    public static StepBoundRound Measure(IReadOnlyList<EngineCase> float32Cases, int batch = 128, IReadOnlyList<int>? widths = null) =>
        Compute(batch, widths ?? GenNetWidths, float32Cases,
            (c, p) => GemmProbe.SecondsPerCall(c, p.M, p.N, p.K, repetitions: 3, secondsPerGroup: 0.02),
            parameters => GroupTiming.BestPerRepetition(passes => NativeBackends.TimeUpdateTraffic(parameters, passes), groups: 3, secondsPerGroup: 0.02));
}
