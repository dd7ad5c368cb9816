using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Nn;

/// <summary>Keras' fit semantics, on each backend (theory data: <see cref="Backends.All"/>).</summary>
public class FitTests
{
    private static Sequential Small(int seed, string backend, int inputDim = 12)
    {
        var model = GenNet.Create(inputDim, [16, 8, 6, 4], seed: seed);
        model.Backend = backend;
        model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        Assert.Equal(backend, model.Backend);
        return model;
    }

    private static void AssertSameWeights(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void SameSeedGivesBitIdenticalWeights(string backend)
    {
        var (x, y) = Support.Data.Regression(300, 12, seed: 1);
        using var a = Small(seed: 7, backend);
        using var b = Small(seed: 7, backend);
        a.Fit(x, y, epochs: 3, batchSize: 32);
        b.Fit(x, y, epochs: 3, batchSize: 32);
        AssertSameWeights(a.GetWeights(), b.GetWeights());

        using var c = Small(seed: 8, backend);
        c.Fit(x, y, epochs: 3, batchSize: 32);
        Assert.NotEqual(a.GetWeights()[0], c.GetWeights()[0]);
    }

    [Fact]
    public void GlorotUniformKernelsStayWithinTheLimitAndBiasesStartAtZero()
    {
        using var model = GenNet.Create(2048, seed: 3);
        var weights = model.GetWeights();
        int[] widths = [2048, 500, 200, 100, 50, 1];
        for (int layer = 0; layer < 5; layer++)
        {
            double limit = Math.Sqrt(6.0 / (widths[layer] + widths[layer + 1]));
            var kernel = weights[2 * layer];
            Assert.All(kernel, v => Assert.InRange(Math.Abs(v), 0, limit));
            Assert.True(kernel.Max() > 0.9 * limit && kernel.Min() < -0.9 * limit, "kernel should fill its range");
            Assert.All(weights[2 * layer + 1], v => Assert.Equal(0f, v));
        }
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void TrainingOnARowViewEqualsTrainingOnTheGatheredRows(string backend)
    {
        var (x, y) = Support.Data.Regression(400, 12, seed: 2);
        long[] rows = Enumerable.Range(0, 400).Where(i => i % 3 != 0).Select(i => (long)i).Reverse().ToArray();
        var gatheredX = x.Take(rows).ToArray();
        var gatheredY = y.Take(rows).ToArray();

        using var onView = Small(seed: 5, backend);
        using var onCopy = Small(seed: 5, backend);
        var hv = onView.Fit(x.Take(rows), y.Take(rows), epochs: 2, batchSize: 50, seed: 11);
        var hc = onCopy.Fit(new Matrix(gatheredX, rows.Length, 12), Matrix.Column(gatheredY), epochs: 2, batchSize: 50, seed: 11);
        AssertSameWeights(onCopy.GetWeights(), onView.GetWeights());
        Assert.Equal(hc["loss"], hv["loss"]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void HistoryHasKerasKeysAndValidationFigures(string backend)
    {
        var (x, y) = Support.Data.Regression(200, 12, seed: 3);
        var (vx, vy) = Support.Data.Regression(50, 12, seed: 4);
        using var model = Small(seed: 1, backend);
        var h = model.Fit(x, y, epochs: 3, batchSize: 64, validationData: (vx, vy));
        Assert.Equal(new[] { 0, 1, 2 }, h.Epoch);
        foreach (var key in new[] { "loss", "mae", "val_loss", "val_mae" }) Assert.Equal(3, h[key].Count);
        var evaluation = model.Evaluate(vx, vy);
        Assert.Equal(evaluation.Loss, h["val_loss"][2], 6);
        Assert.Equal(evaluation.Mae, h["val_mae"][2], 6);
        // Evaluate is the plain mean over rows.
        var p = model.Predict(vx);
        double mse = 0;
        for (int i = 0; i < p.Length; i++) mse += Math.Pow(p[i] - vy.Row(i)[0], 2);
        Assert.Equal(mse / p.Length, evaluation.Loss, 5);
    }

    [Theory]
    [MemberData(nameof(Backends.WithFlag), MemberType = typeof(Backends))]
    public void LastEpochWeightsAreKeptUnlessRestoreBestWeights(string backend, bool restore)
    {
        var (x, y) = Support.Data.Regression(256, 12, seed: 6);
        var (vx, vy) = Support.Data.Regression(64, 12, seed: 7);
        using var model = Small(seed: 2, backend);
        var snapshots = new List<float[][]>();
        var recorder = new RecordingCallback(snapshots);
        // min_delta so large that only the first epoch counts as an improvement: stops after epoch 2 with patience 2.
        var es = new EarlyStopping(monitor: "val_loss", minDelta: 1e9, patience: 2, restoreBestWeights: restore);
        var h = model.Fit(x, y, epochs: 10, batchSize: 32, validationData: (vx, vy), callbacks: [recorder, es]);
        Assert.Equal(3, h.Epoch.Count);
        Assert.Equal(2, es.StoppedEpoch);
        Assert.NotEqual(snapshots[0][0], snapshots[2][0]);
        AssertSameWeights(restore ? snapshots[0] : snapshots[2], model.GetWeights());
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void FrozenLayersKeepTheirWeightsAfterRecompile(string backend)
    {
        var (x, y) = Support.Data.Regression(200, 12, seed: 8);
        using var model = Small(seed: 3, backend);
        model.Fit(x, y, epochs: 1, batchSize: 64);
        var before = model.GetWeights();
        foreach (var layer in model.Layers.Take(4)) layer.Trainable = false;
        model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        var (g, u) = model.GetOptimizerState(4, 0);
        Assert.All(g, v => Assert.Equal(0f, v)); // a fresh optimizer state
        Assert.All(u, v => Assert.Equal(0f, v));
        model.Fit(x, y, epochs: 2, batchSize: 64);
        var after = model.GetWeights();
        for (int i = 0; i < 8; i++) Assert.Equal(before[i], after[i]);
        Assert.NotEqual(before[8], after[8]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void TrainableChangesTakeEffectAtCompileAsInKeras(string backend)
    {
        var (x, y) = Support.Data.Regression(100, 12, seed: 9);
        using var model = Small(seed: 4, backend);
        var before = model.GetWeights();
        model.Layers[0].Trainable = false; // not yet compiled again: still trainable
        model.Fit(x, y, epochs: 1, batchSize: 50);
        Assert.NotEqual(before[0], model.GetWeights()[0]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void NoShuffleTakesBatchesInRowOrder(string backend)
    {
        // With shuffle off, training on rows in order equals training on a view listing the rows in order.
        var (x, y) = Support.Data.Regression(130, 12, seed: 10);
        using var a = Small(seed: 9, backend);
        using var b = Small(seed: 9, backend);
        a.Fit(x, y, epochs: 2, batchSize: 64, shuffle: false);
        var order = Enumerable.Range(0, 130).Select(i => (long)i).ToArray();
        b.Fit(x.Take(order), y.Take(order), epochs: 2, batchSize: 64, shuffle: false);
        AssertSameWeights(a.GetWeights(), b.GetWeights());

        // ...and differs from any shuffled order.
        using var c = Small(seed: 9, backend);
        c.Fit(x, y, epochs: 2, batchSize: 64, shuffle: true, seed: 1);
        Assert.NotEqual(a.GetWeights()[0], c.GetWeights()[0]);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void BadCallsGetClearErrors(string backend)
    {
        var (x, y) = Support.Data.Regression(10, 12, seed: 1);
        using var uncompiled = GenNet.Create(12, [4], seed: 1);
        Assert.Contains("compile", Assert.Throws<CultureNetException>(() => uncompiled.Fit(x, y)).Message);

        using var model = Small(seed: 1, backend);
        var (x5, _) = Support.Data.Regression(10, 5, seed: 1);
        Assert.Contains("5 columns", Assert.Throws<CultureNetException>(() => model.Fit(x5, y)).Message);
        var (_, y9) = Support.Data.Regression(9, 12, seed: 1);
        Assert.Contains("10 rows but y has 9", Assert.Throws<CultureNetException>(() => model.Fit(x, y9)).Message);
        Assert.Throws<CultureNetException>(() => model.Fit(x, y, batchSize: 0));

        var bad = x.ToArray();
        bad[3 * 12 + 7] = float.NaN;
        var e = Assert.Throws<CultureNetException>(() => model.Fit(new Matrix(bad, 10, 12), y));
        Assert.Contains("row 3, column 7", e.Message);

        Assert.Throws<CultureNetException>(() => new Dense(0));
        Assert.Throws<CultureNetException>(() => new Dense(3, activation: "softmax"));
        Assert.Throws<CultureNetException>(() => model.Compile(new Adadelta(), loss: "binary_crossentropy"));
        Assert.Throws<CultureNetException>(() => new Adadelta(lr: -1));
        var first = new Sequential();
        Assert.Contains("inputDim", Assert.Throws<CultureNetException>(() => first.Add(new Dense(3))).Message);
    }

    private sealed class RecordingCallback(List<float[][]> snapshots) : Callback
    {
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => snapshots.Add(Model!.GetWeights());
    }
}
