using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Data;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Tests.Protocol;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Models;

/// <summary>CultureNet: M7's joint → culture → child chain trained by the protocol's trainer, assembled into one model
/// with a shared body for culture- and child-specific inference.</summary>
public sealed class CultureNetModelTests : IDisposable
{
    private static readonly GenNetTrainingOptions Small = new() { HiddenUnits = [24, 16, 8, 6] };
    private readonly TempDir _dir = new();
    private readonly FeatureStore _store;

    public CultureNetModelTests() => _store = PlantedCohort.Write(_dir.File("store"), childrenPerCulture: 3, frames: 120, dim: 12, seed: 4);

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private unsafe Matrix Rows(int[] rows) =>
        Matrix.FromPointer(_store.FeaturePointer, _store.RowCount, _store.Dim, _store, knownFinite: true).Take(rows.Select(r => (long)r).ToArray());

    private static Sequential Network(ITrainedModel model) => ((GenNetTrainer.GenNetModel)model).Model;

    [Fact]
    public void Personalised_models_share_the_joint_models_layers_1_to_4_and_inference_picks_child_then_culture_layers()
    {
        var cohort = CohortMetadata.FromColumns(_store.Cultures, _store.Children, _store.Frames, _store.Labels, "planted");
        var run = ProtocolPlanner.Build(cohort, new ProtocolOptions { Runs = 1, Seed = 3, Settings = SettingVariant.ParseList("M7") }).GetRun(1);
        var trainer = new GenNetTrainer(_store, Small);
        using var joint = trainer.Train(run["run01_M7-joint"], null, default);
        using var c1 = trainer.Train(run[ProtocolPlanner.M7CultureKey(1, 1)], joint, default);
        using var child = trainer.Train(run[ProtocolPlanner.M7ChildKey(1, new ChildId(1, 2))], c1, default);

        // Two last-layer stages keep layers 1–4 of the joint GenNet and each train their own last layer.
        var (j, c, k) = (Network(joint).GetWeights(), Network(c1).GetWeights(), Network(child).GetWeights());
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(j[i], c[i]);
            Assert.Equal(j[i], k[i]);
        }
        Assert.NotEqual(j[8], c[8]);
        Assert.NotEqual(c[8], k[8]);

        var body = GenNet.Create(12, Small.HiddenUnits);
        body.SetWeights(j);
        using var culturenet = new CultureNetModel(body);
        culturenet.SetCultureLayer(1, Network(c1));
        culturenet.SetChildLayer(new ChildId(1, 2), Network(child));

        var test = run[ProtocolPlanner.M7ChildKey(1, new ChildId(1, 2))].Evaluations[0].TestRows;
        AssertClose(child.Predict(test), culturenet.Predict(Rows(test), culture: 1, child: 2));
        // A child without its own layer (C1/3) gets the culture's layer.
        var other = run[ProtocolPlanner.M7ChildKey(1, new ChildId(1, 3))].Evaluations[0].TestRows;
        AssertClose(c1.Predict(other), culturenet.Predict(Rows(other), culture: 1, child: 3));
        AssertClose(c1.Predict(other), culturenet.Predict(Rows(other), culture: 1));
        Assert.Contains("no last layer for culture C0", Assert.Throws<CultureNetException>(() => culturenet.Predict(Rows(other), culture: 0)).Message);

        // Saved heads are complete GenNet weight files; loading the folder gives the same estimates.
        culturenet.Save(_dir.File("models"));
        using (var saved = GenNet.FromWeightFile(_dir.File("models/child_C1-2.npz")))
            AssertClose(child.Predict(test), saved.Predict(Rows(test)));
        using var loaded = CultureNetModel.Load(_dir.File("models"));
        Assert.Equal(new[] { new ChildId(1, 2) }, loaded.Children);
        AssertClose(child.Predict(test), loaded.Predict(Rows(test), culture: 1, child: 2));
        AssertClose(c1.Predict(other), loaded.Predict(Rows(other), culture: 1, child: 3));
        Assert.Contains("no CultureNet weight files", Assert.Throws<CultureNetException>(() => CultureNetModel.Load(_dir.File("empty"))).Message);
    }

    [Fact]
    public void A_last_layer_tuned_on_another_body_is_refused()
    {
        using var other = GenNet.Create(12, Small.HiddenUnits, seed: 2);
        using var culturenet = new CultureNetModel(GenNet.Create(12, Small.HiddenUnits, seed: 1));
        var e = Assert.Throws<CultureNetException>(() => culturenet.SetCultureLayer(0, other));
        Assert.Contains("does not share CultureNet's layers 1–4", e.Message);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }
}
