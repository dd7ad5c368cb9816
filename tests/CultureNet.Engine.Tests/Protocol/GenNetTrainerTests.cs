using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Data;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Protocol;

public unsafe class GenNetTrainerTests
{
    private static readonly GenNetTrainingOptions Small = new() { Epochs = 3, BatchSize = 32, HiddenUnits = [16, 8, 6, 4] };

    private static FeatureStore SmallStore(TempDir dir, FeatureDType dtype = FeatureDType.Float32)
    {
        SyntheticCohort.Generate(dir.File("store"), new SyntheticCohortOptions
            { ChildrenPerCulture = 2, FramesPerChild = 120, Dim = 24, Seed = 3, DType = dtype }, null, CancellationToken.None);
        return FeatureStore.Open(dir.File("store"));
    }

    private static FitSpec Spec(string key, FitKind kind, int[] train, int[] validation, int seed, string? parent = null)
        => new(key, 1, kind, parent, train, validation, seed, []);

    [Fact]
    public void GenNetFitOnStoreRowsEqualsFitOnAGatheredCopy()
    {
        using var dir = new TempDir();
        using var store = SmallStore(dir);
        var trainer = new GenNetTrainer(store, Small);
        int[] train = Enumerable.Range(0, 300).Where(r => r % 4 != 0).ToArray();
        int[] validation = Enumerable.Range(300, 80).ToArray();
        using var trained = trainer.Train(Spec("g", FitKind.GenNet, train, validation, seed: 9), null, CancellationToken.None);

        // The same fit by hand on copies of the rows.
        Matrix Gather(int[] rows)
        {
            var values = new float[rows.Length * store.Dim];
            store.GatherRows(rows, values);
            return new Matrix(values, rows.Length, store.Dim);
        }
        Matrix Labels(int[] rows) => Matrix.Column(rows.Select(r => store.Labels[r]).ToArray());
        using var reference = GenNet.Create(store.Dim, Small.HiddenUnits, seed: 9);
        reference.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        reference.Fit(Gather(train), Labels(train), epochs: 3, batchSize: 32, validationData: (Gather(validation), Labels(validation)),
                      callbacks: [new CultureNet.Engine.Nn.Callbacks.EarlyStopping(monitor: "val_loss", minDelta: 0.01, patience: 4)], seed: 9);

        var predictions = trained.Predict(validation);
        Assert.Equal(reference.Predict(Gather(validation)), predictions);
    }

    [Fact]
    public void LastLayerFitEqualsTrainingTheFullModelWithFrozenLayers()
    {
        using var dir = new TempDir();
        using var store = SmallStore(dir);
        var trainer = new GenNetTrainer(store, Small);
        int[] all = Enumerable.Range(0, 480).ToArray();
        using var parent = trainer.Train(Spec("p", FitKind.GenNet, all[..400], all[400..], seed: 1), null, CancellationToken.None);
        int[] train = Enumerable.Range(0, 120).ToArray();
        int[] validation = Enumerable.Range(120, 40).ToArray();
        using var child = trainer.Train(Spec("c", FitKind.LastLayer, train, validation, seed: 5, parent: "p"), parent, CancellationToken.None);

        // Keras' way: copy the parent, freeze layers 1–4, recompile, fit on the raw features.
        parent.Save(dir.File("parent.npz"));
        using var full = GenNet.FromWeightFile(dir.File("parent.npz"));
        foreach (var layer in full.Layers.Take(4)) layer.Trainable = false;
        full.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        var x = Matrix.FromPointer(store.FeaturePointer, store.RowCount, store.Dim, store, true);
        var y = Matrix.Column(store.Labels.ToArray());
        var tl = train.Select(r => (long)r).ToArray();
        var vl = validation.Select(r => (long)r).ToArray();
        full.Fit(x.Take(tl), y.Take(tl), epochs: 3, batchSize: 32, validationData: (x.Take(vl), y.Take(vl)),
                 callbacks: [new CultureNet.Engine.Nn.Callbacks.EarlyStopping(monitor: "val_loss", minDelta: 0.01, patience: 4)], seed: 5);

        child.Save(dir.File("child.npz"));
        using var fromTrainer = GenNet.FromWeightFile(dir.File("child.npz"));
        var expected = full.GetWeights();
        var actual = fromTrainer.GetWeights();
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i], actual[i]); // frozen layers: the parent's, bit for bit
        for (int i = 8; i < 10; i++)
            for (int j = 0; j < expected[i].Length; j++)
                Assert.Equal(expected[i][j], actual[i][j], 5);
        using var parentCopy = GenNet.FromWeightFile(dir.File("parent.npz"));
        Assert.NotEqual(parentCopy.GetWeights()[8], actual[8]); // and the last layer did train
    }

    [Fact]
    public void Float16StoresTrainOnWidenedFeatures()
    {
        using var dir = new TempDir();
        using var store = SmallStore(dir, FeatureDType.Float16);
        var trainer = new GenNetTrainer(store, Small);
        using var model = trainer.Train(Spec("h", FitKind.GenNet, Enumerable.Range(0, 200).ToArray(), [], seed: 2), null, CancellationToken.None);
        Assert.Equal(3, model.Summary.Epochs);
        Assert.True(double.IsNaN(model.Summary.ValidationLoss));
        Assert.All(model.Predict([0, 1, 2]), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void CancellationStopsBetweenEpochs()
    {
        using var dir = new TempDir();
        using var store = SmallStore(dir);
        var trainer = new GenNetTrainer(store, Small);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            trainer.Train(Spec("x", FitKind.GenNet, Enumerable.Range(0, 100).ToArray(), [], seed: 1), null, cancelled.Token));
    }
}
