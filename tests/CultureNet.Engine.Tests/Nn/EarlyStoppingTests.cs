using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Nn;

/// <summary>The EarlyStopping rules of Keras 2.2.4 (monitor val_loss, min_delta 0.01, patience 4 in the reference).</summary>
public class EarlyStoppingTests
{
    /// <summary>Feeds a sequence of val_loss values; returns the epoch after which training stopped (or -1).</summary>
    private static (int StoppedAfter, EarlyStopping Callback) Drive(double[] valLosses, double minDelta = 0.01, int patience = 4)
    {
        var model = new Sequential();
        var es = new EarlyStopping(monitor: "val_loss", minDelta: minDelta, patience: patience) { Model = model };
        es.OnTrainBegin();
        for (int epoch = 0; epoch < valLosses.Length; epoch++)
        {
            es.OnEpochEnd(epoch, new Dictionary<string, double> { ["val_loss"] = valLosses[epoch] });
            if (model.StopTraining) return (epoch, es);
        }
        return (-1, es);
    }

    [Fact]
    public void ImprovementSmallerThanMinDeltaDoesNotResetTheCounter()
    {
        // 1.0 is the best; every later value improves by less than 0.01, so wait grows 1,2,3,4 and training stops.
        var (stopped, es) = Drive([1.0, 0.995, 0.991, 0.9905, 0.9901, 0.5]);
        Assert.Equal(4, stopped);
        Assert.Equal(1.0, es.Best);
        Assert.Equal(4, es.StoppedEpoch);
    }

    [Fact]
    public void ImprovementLargerThanMinDeltaResetsTheCounter()
    {
        var (stopped, es) = Drive([1.0, 1.1, 1.1, 1.1, 0.98, 1.2, 1.2, 1.2, 1.2]);
        Assert.Equal(8, stopped); // reset at epoch 4 (0.98 < 1.0 - 0.01), then four epochs without improvement
        Assert.Equal(0.98, es.Best);
    }

    [Fact]
    public void ExactlyMinDeltaIsNotAnImprovement()
    {
        // Keras compares current - min_delta < best strictly: 0.99 (= 1.0 - 0.01) does not improve.
        var (_, es) = Drive([1.0, 0.99 + 1e-12]);
        Assert.Equal(1, es.Wait);
        var (_, es2) = Drive([1.0, 0.9899]);
        Assert.Equal(0, es2.Wait);
    }

    [Fact]
    public void StopsAfterPatienceEpochsWithoutImprovement()
    {
        Assert.Equal(4, Drive([0.5, 0.6, 0.6, 0.6, 0.6, 0.6]).StoppedAfter);
        Assert.Equal(2, Drive([0.5, 0.6, 0.6, 0.6], patience: 2).StoppedAfter);
        Assert.Equal(-1, Drive([0.5, 0.4, 0.3, 0.2, 0.1, 0.05]).StoppedAfter);
    }

    [Fact]
    public void PatienceZeroStopsAtTheFirstEpochWithoutImprovement()
    {
        Assert.Equal(1, Drive([0.5, 0.6], patience: 0).StoppedAfter);
    }

    [Fact]
    public void MissingMonitorIsAWarningNotAStop()
    {
        var model = new Sequential();
        var es = new EarlyStopping(monitor: "val_loss", patience: 0) { Model = model };
        es.OnTrainBegin();
        es.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1.0 });
        es.OnEpochEnd(1, new Dictionary<string, double> { ["loss"] = 2.0 });
        Assert.False(model.StopTraining);
    }

    [Theory]
    [MemberData(nameof(Backends.All), MemberType = typeof(Backends))]
    public void StopsAFitOnEitherBackendAtTheEpochItsValLossesDictate(string backend)
    {
        // A real fit: the epoch EarlyStopping ends it after must be the one the logged val_loss values imply.
        var (x, y) = Support.Data.Regression(256, 12, seed: 21);
        var (vx, vy) = Support.Data.Regression(64, 12, seed: 22);
        using var model = GenNet.Create(12, [16, 8], seed: 5);
        model.Backend = backend;
        model.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        var es = new EarlyStopping(monitor: "val_loss", minDelta: 0.01, patience: 2);
        var h = model.Fit(x, y, epochs: 30, batchSize: 32, validationData: (vx, vy), callbacks: [es]);
        Assert.Equal(backend, model.Backend);
        var (expected, _) = Drive(h["val_loss"].ToArray(), minDelta: 0.01, patience: 2);
        Assert.True(expected >= 0 && expected < 29, $"the val_loss curve should trigger early stopping, got {string.Join(", ", h["val_loss"])}");
        Assert.Equal(expected, h.Epoch[^1]);
        Assert.Equal(expected, es.StoppedEpoch);
    }

    [Fact]
    public void BadSettingsAreRejected()
    {
        Assert.Throws<CultureNetException>(() => new EarlyStopping(patience: -1));
        Assert.Throws<CultureNetException>(() => new EarlyStopping(mode: "sideways"));
    }
}
