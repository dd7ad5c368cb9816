using System.Diagnostics;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Benchmarking;

/// <summary>
/// GenNet training throughput through the public API (Sequential.Fit, batch 128) on random data — a test bed, not a
/// result about engagement — measured in rounds that each time the machine's limit (cblas_sgemm) right before one
/// training epoch, so a busy moment of a shared machine lowers both and the per-round ratio stays honest.
/// </summary>
public sealed class TrainingThroughput : IDisposable
{
    private readonly Sequential _model;
    private readonly Matrix _x, _y;
    private int _epoch;

    public TrainingThroughput(int rows = 16384, int dim = 2048, int batchSize = 128, int seed = 1)
    {
        (_x, _y) = RandomData(rows, dim, seed);
        BatchSize = batchSize;
        _model = GenNet.Create(dim, seed: seed);
        _model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        _model.Fit(_x, _y, epochs: 1, batchSize: batchSize, seed: seed); // warm-up: buffers, caches, thread pools
    }

    public int BatchSize { get; }

    public static (Matrix X, Matrix Y) RandomData(int rows, int dim, int seed)
    {
        var rng = new Random(seed);
        var x = new float[(long)rows * dim];
        var y = new float[rows];
        for (long i = 0; i < x.LongLength; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < y.Length; i++) y[i] = (float)(rng.NextDouble() * 2 - 1);
        return (new Matrix(x, rows, dim), Matrix.Column(y));
    }

    /// <summary>Samples/s of one training epoch (wall time of the whole Fit call, shuffling and logging included).</summary>
    public double MeasureEpoch()
    {
        var clock = Stopwatch.StartNew();
        _model.Fit(_x, _y, epochs: 1, batchSize: BatchSize, seed: ++_epoch);
        return _x.Rows / clock.Elapsed.TotalSeconds;
    }

    public sealed record Round(double SgemmGflops, double LimitSamplesPerSecond, double SamplesPerSecond)
    {
        public double Ratio => SamplesPerSecond / LimitSamplesPerSecond;
    }

    /// <summary>Alternates a limit measurement and a training epoch <paramref name="rounds"/> times.</summary>
    public IReadOnlyList<Round> MeasureRounds(int rounds)
    {
        var result = new List<Round>(rounds);
        for (int i = 0; i < rounds; i++)
        {
            double gflops = SgemmProbe.MeasureGflops(repetitions: 3, secondsPerRepetition: 0.15);
            double samples = MeasureEpoch();
            result.Add(new Round(gflops, SgemmProbe.LimitSamplesPerSecond(gflops), samples));
        }
        return result;
    }

    public void Dispose() => _model.Dispose();
}
