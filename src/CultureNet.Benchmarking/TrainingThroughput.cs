using System.Diagnostics;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Benchmarking;

/// <summary>
/// GenNet training throughput through the public API (Sequential.Fit, batch 128) on random data — a test bed, not a
/// result about engagement — on one backend × precision (<see cref="EngineCase"/>; null: the engine's defaults).
/// </summary>
public sealed class TrainingThroughput : IDisposable
{
    private readonly Sequential _model;
    private readonly Matrix _x, _y;
    private int _epoch;

    public TrainingThroughput(int rows = 16384, int dim = GenNetCost.InputDim, int batchSize = DefaultBatchSize, int seed = 1, EngineCase? engine = null)
        : this(RandomData(rows, dim, seed), batchSize, seed, engine) { }

    /// <summary>Over given data, so several cases can share one copy of it.</summary>
    public TrainingThroughput((Matrix X, Matrix Y) data, int batchSize = DefaultBatchSize, int seed = 1, EngineCase? engine = null)
    {
        (_x, _y) = data;
        BatchSize = batchSize;
        _model = GenNet.Create(_x.Cols, seed: seed, backend: engine?.Backend, dtypePolicy: engine?.Policy);
        _model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        _model.Fit(_x, _y, epochs: 1, batchSize: batchSize, seed: seed); // warm-up: buffers, primitives, thread pools
    }

    /// <summary>The study's batch size, which every training benchmark uses.</summary>
    public const int DefaultBatchSize = 128;

    public int BatchSize { get; }

    /// <summary>What runs the model's GEMMs, e.g. "onednn 2.6.3 (brg:avx512_core_amx_bf16)".</summary>
    public string BackendInfo => _model.BackendInfo;

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

    public void Dispose() => _model.Dispose();
}
