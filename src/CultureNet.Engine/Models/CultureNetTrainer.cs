using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Protocol;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Models;

/// <summary>
/// Trains the protocol's networks over a feature matrix whose rows are the cohort's rows:
/// <list type="bullet">
/// <item>GenNet fits: a fresh GenNet (glorot from the fit's seed), compiled with Adadelta/MSE/MAE, fitted with
/// EarlyStopping on the validation rows, shuffling seeded by the fit's seed.</item>
/// <item>Last-layer fits (CultureNet's culturalisation and personalisation): the parent's weights, layers 1–4 frozen,
/// a fresh Adadelta, the same fit settings. Because the frozen layers do not change, the last layer is trained on their
/// cached 50-D activations — the same updates as fitting the whole frozen model, without 20 forward passes through
/// the 2048-D first layer.</item>
/// </list>
/// </summary>
public sealed class CultureNetTrainer(Matrix features, CohortMetadata cohort, TrainingSettings settings) : IFitTrainer
{
    public string ModelExtension => ".npz";

    public ITrainedModel Train(FitSpec fit, ITrainedModel? parent, CancellationToken cancellation)
    {
        var (x, y) = Data(fit.TrainRows);
        var validation = fit.ValidationRows.Length > 0 ? Data(fit.ValidationRows) : ((Matrix, Matrix)?)null;
        var stopper = new EarlyStopping(monitor: "val_loss", minDelta: settings.MinDelta, patience: settings.Patience);
        var cancel = new CancelCallback(cancellation);
        switch (fit.Kind)
        {
            case FitKind.GenNet:
            {
                var model = GenNet.Create(features.Cols, settings.HiddenUnits, seed: fit.Seed);
                try
                {
                    model.Compile(new Adadelta(lr: settings.LearningRate), "mse", ["mae"]);
                    var history = model.Fit(x, y, settings.Epochs, settings.BatchSize, validation, [stopper, cancel], seed: fit.Seed);
                    return new TrainedGenNet(model, features, Summary(history));
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            }
            case FitKind.LastLayer:
            {
                if (parent is not TrainedGenNet p) throw new ArgumentException($"{fit.Key}: a last-layer fit needs its parent's network");
                int last = p.Model.Layers.Count - 1;
                // The last layer alone, on the frozen layers' activations, starting from the parent's last layer.
                var activations = new Matrix(p.Model.Activations(last - 1, x), x.Rows, p.Model.Layers[last - 1].Units);
                (Matrix, Matrix)? validationActivations = validation is var (vx, vy)
                    ? (new Matrix(p.Model.Activations(last - 1, vx), vx.Rows, p.Model.Layers[last - 1].Units), vy)
                    : null;
                using var head = new Sequential(seed: fit.Seed);
                head.Add(new Dense(p.Model.Layers[last].Units, activation: "linear", inputDim: p.Model.Layers[last - 1].Units));
                var parentLast = p.Model.Layers[last].GetWeights();
                head.Layers[0].SetWeights(parentLast[0], parentLast[1]);
                head.Compile(new Adadelta(lr: settings.LearningRate), "mse", ["mae"]);
                var history = head.Fit(activations, y, settings.Epochs, settings.BatchSize, validationActivations, [stopper, cancel], seed: fit.Seed);

                var model = GenNet.Create(features.Cols, settings.HiddenUnits, seed: fit.Seed);
                model.SetWeights(p.Model.GetWeights());
                var tuned = head.Layers[0].GetWeights();
                model.Layers[last].SetWeights(tuned[0], tuned[1]);
                return new TrainedGenNet(model, features, Summary(history));
            }
            default:
                throw new ArgumentException($"{fit.Key}: {fit.Kind} is not a network fit");
        }
    }

    public ITrainedModel Load(string path) => new TrainedGenNet(GenNet.FromWeightFile(path), features, FitSummary.None);

    private (Matrix X, Matrix Y) Data(int[] rows)
    {
        // A row view: the native trainer gathers the rows from the store's mapping itself, nothing is copied.
        var x = features.Take(rows.Select(r => (long)r).ToArray());
        var y = Matrix.Column(rows.Select(cohort.Label).ToArray());
        return (x, y);
    }

    private static FitSummary Summary(History history) => new(
        history.Epoch.Count,
        history.Contains("loss") ? history["loss"][^1] : double.NaN,
        history.Contains("val_loss") ? history["val_loss"][^1] : double.NaN);

    /// <summary>Ends a fit after the current epoch when the protocol is cancelled.</summary>
    private sealed class CancelCallback(CancellationToken token) : Callback
    {
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => token.ThrowIfCancellationRequested();
    }
}
