using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Engine.Benchmarking;

/// <summary>GenNet training throughput through the public API (Sequential.Fit) on random data: a test bed, not a
/// result about engagement.</summary>
public static class TrainingThroughput
{
    public static (Matrix X, Matrix Y) RandomData(int rows, int dim, int seed)
    {
        var rng = new Random(seed);
        var x = new float[(long)rows * dim];
        var y = new float[rows];
        for (long i = 0; i < x.LongLength; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < y.Length; i++) y[i] = (float)(rng.NextDouble() * 2 - 1);
        return (new Matrix(x, rows, dim), Matrix.Column(y));
    }

    /// <summary>Best samples/s over <paramref name="epochs"/> timed epochs after one warm-up epoch.</summary>
    public static double Measure(int rows = 16384, int dim = 2048, int batchSize = 128, int epochs = 3, int seed = 1)
    {
        var (x, y) = RandomData(rows, dim, seed);
        using var model = GenNet.Create(dim, seed: seed);
        model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        model.Fit(x, y, epochs: 1, batchSize: batchSize, seed: seed);
        var history = model.Fit(x, y, epochs: epochs, batchSize: batchSize, seed: seed);
        return history.SamplesPerSecond.Max();
    }
}
