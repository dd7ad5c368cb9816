using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Protocol;
using CultureNet.Engine.Tests.Protocol;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Models;

public class CultureNetTrainerTests
{
    private static readonly (CohortMetadata Cohort, Matrix Features) Planted = PlantedCohort.Create(childrenPerCulture: 3, frames: 120, dim: 12, seed: 4);
    private static readonly TrainingSettings Small = new() { HiddenUnits = [24, 16, 8, 6] };

    private static RunPlan Run() => ProtocolPlanner.Build(Planted.Cohort, new ProtocolOptions { Runs = 1, Seed = 3 }).GetRun(1);

    private static CultureNetTrainer Trainer() => new(Planted.Features, Planted.Cohort, Small);

    [Fact]
    public void A_last_layer_fit_matches_keras_training_of_the_whole_model_with_layers_1_to_4_frozen()
    {
        var run = Run();
        var trainer = Trainer();
        var m3 = run["run01_M3_C0-1"];
        var m4 = run["run01_M4_C0-1"];
        using var parent = trainer.Train(m3, null, default);
        using var tuned = trainer.Train(m4, parent, default);

        // The Keras way: the parent's weights, trainable = False on layers 1–4, compile (fresh Adadelta), fit.
        using var keras = GenNet.Create(Planted.Features.Cols, Small.HiddenUnits, seed: m4.Seed);
        var parentWeights = ((TrainedGenNet)parent).Model.GetWeights();
        keras.SetWeights(parentWeights);
        for (int i = 0; i < 4; i++) keras.Layers[i].Trainable = false;
        keras.Compile(new Adadelta(), "mse", ["mae"]);
        Matrix X(int[] rows) => new(Planted.Features.Take(rows.Select(r => (long)r).ToArray()).ToArray(), rows.Length, Planted.Features.Cols);
        Matrix Y(int[] rows) => Matrix.Column(rows.Select(Planted.Cohort.Label).ToArray());
        keras.Fit(X(m4.TrainRows), Y(m4.TrainRows), 20, 128, (X(m4.ValidationRows), Y(m4.ValidationRows)),
            [new EarlyStopping("val_loss", 0.01, 4)], seed: m4.Seed);

        var test = m4.Evaluations[0].TestRows;
        var expected = keras.Predict(X(test));
        var actual = tuned.Predict(test);
        for (int i = 0; i < test.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }

    [Fact]
    public void Personalised_models_keep_the_joint_models_layers_1_to_4_and_their_own_last_layer()
    {
        var run = Run();
        var trainer = Trainer();
        using var joint = trainer.Train(run["run01_M7-joint"], null, default);
        using var culture = trainer.Train(run["run01_M7-culture_C1"], joint, default);
        using var child = trainer.Train(run["run01_M7_C1-2"], culture, default);
        float[][] W(ITrainedModel m) => ((TrainedGenNet)m).Model.GetWeights();
        var (j, c, k) = (W(joint), W(culture), W(child));
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(j[i], c[i]);
            Assert.Equal(j[i], k[i]);
        }
        Assert.NotEqual(j[8], c[8]);
        Assert.NotEqual(c[8], k[8]);
    }

    [Fact]
    public void Fits_are_deterministic_and_saved_models_load_bit_for_bit()
    {
        var fit = Run()["run01_M6_C0-2"];
        using var a = Trainer().Train(fit, null, default);
        using var b = Trainer().Train(fit, null, default);
        var rows = fit.Evaluations[0].TestRows;
        Assert.Equal(a.Predict(rows), b.Predict(rows));
        using var dir = new TempDir();
        a.Save(dir.File("m.npz"));
        using var loaded = Trainer().Load(dir.File("m.npz"));
        Assert.Equal(a.Predict(rows), loaded.Predict(rows));
    }
}
