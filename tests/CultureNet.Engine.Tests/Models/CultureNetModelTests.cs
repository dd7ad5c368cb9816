using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Protocol;
using CultureNet.Engine.Tests.Protocol;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Models;

/// <summary>CultureNet inference: M7's joint → culture → child models assembled into one model with a shared body.</summary>
public class CultureNetModelTests
{
    private static readonly (CohortMetadata Cohort, Matrix Features) Planted = PlantedCohort.Create(childrenPerCulture: 3, frames: 120, dim: 12, seed: 4);
    private static readonly TrainingSettings Small = new() { HiddenUnits = [24, 16, 8, 6] };

    private static Matrix Rows(int[] rows) => Planted.Features.Take(rows.Select(r => (long)r).ToArray());

    [Fact]
    public void Culture_and_child_specific_inference_reproduce_the_protocols_models()
    {
        var run = ProtocolPlanner.Build(Planted.Cohort, new ProtocolOptions { Runs = 1, Seed = 3, Settings = ProtocolSetting.ParseList("M7") }).GetRun(1);
        var trainer = new CultureNetTrainer(Planted.Features, Planted.Cohort, Small);
        using var joint = (TrainedGenNet)trainer.Train(run["run01_M7-joint"], null, default);
        using var c1 = (TrainedGenNet)trainer.Train(run["run01_M7-culture_C1"], joint, default);
        using var child = (TrainedGenNet)trainer.Train(run["run01_M7_C1-2"], c1, default);

        using var culturenet = new CultureNetModel(CopyOf(joint.Model));
        culturenet.SetCultureLayer(1, c1.Model);
        culturenet.SetChildLayer(new ChildId(1, 2), child.Model);

        var test = run["run01_M7_C1-2"].Evaluations[0].TestRows;
        AssertClose(child.Predict(test), culturenet.Predict(Rows(test), culture: 1, child: 2));
        // A child without its own layer (C1/3) gets the culture's layer.
        var other = run["run01_M7_C1-3"].Evaluations[0].TestRows;
        AssertClose(c1.Predict(other), culturenet.Predict(Rows(other), culture: 1, child: 3));
        AssertClose(c1.Predict(other), culturenet.Predict(Rows(other), culture: 1));
        Assert.Contains("no last layer for culture C0", Assert.Throws<CultureNetException>(() => culturenet.Predict(Rows(other), culture: 0)).Message);

        // Saved heads are complete GenNet weight files that reproduce the same estimates.
        using var dir = new TempDir();
        culturenet.Save(dir.Path);
        using var saved = GenNet.FromWeightFile(dir.File("child_C1-2.npz"));
        AssertClose(child.Predict(test), saved.Predict(Rows(test)));
        Assert.True(File.Exists(dir.File("culture_C1.npz")));
        using var loaded = CultureNetModel.Load(dir.Path);
        Assert.Equal(new[] { new ChildId(1, 2) }, loaded.Children);
        AssertClose(child.Predict(test), loaded.Predict(Rows(test), culture: 1, child: 2));
        AssertClose(c1.Predict(other), loaded.Predict(Rows(other), culture: 1, child: 3));
        Assert.Contains("no CultureNet weight files", Assert.Throws<CultureNetException>(() => CultureNetModel.Load(dir.File("empty"))).Message);
    }

    [Fact]
    public void A_last_layer_tuned_on_another_body_is_refused()
    {
        using var a = GenNet.Create(12, Small.HiddenUnits, seed: 1);
        using var b = GenNet.Create(12, Small.HiddenUnits, seed: 2);
        using var culturenet = new CultureNetModel(CopyOf(a));
        var e = Assert.Throws<CultureNetException>(() => culturenet.SetCultureLayer(0, b));
        Assert.Contains("does not share CultureNet's layers 1–4", e.Message);
    }

    private static Sequential CopyOf(Sequential model)
    {
        var copy = GenNet.Create(model.InputDim, model.Layers.Take(model.Layers.Count - 1).Select(l => l.Units).ToList());
        copy.SetWeights(model.GetWeights());
        return copy;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }
}
