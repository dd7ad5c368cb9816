using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using System.Globalization;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>
/// A deterministic stand-in for GenNet training, for runner tests: a "model" is prediction = scale·label + bias, with
/// bias from the training labels and the seed, and a last-layer fit rescaling its parent. Records what it trained and
/// loaded, and can fail after a number of trainings to simulate a crash.
/// </summary>
public sealed class FakeTrainer(CohortMetadata cohort, int failAfter = int.MaxValue) : IFitTrainer
{
    public List<string> Trained { get; } = new();
    public List<string> Loaded { get; } = new();

    public string ModelExtension => ".fake";

    public ITrainedModel Train(FitSpec fit, ITrainedModel? parent, CancellationToken cancellation)
    {
        if (Trained.Count >= failAfter) throw new SimulatedCrash();
        Assert.Equal(fit.Kind == FitKind.LastLayer, parent is not null);
        Trained.Add(fit.Key);
        double mean = fit.TrainRows.Average(r => (double)cohort.Label(r));
        float bias = (float)(mean + fit.Seed % 1000 / 1e4);
        float scale = parent is FakeModel p ? p.Scale * 0.9f + 0.01f : 0.5f;
        return new FakeModel(cohort, scale, bias, fit.TrainRows.Length);
    }

    public ITrainedModel Load(string path)
    {
        Loaded.Add(Path.GetFileNameWithoutExtension(path));
        var parts = File.ReadAllText(path).Split(' ');
        return new FakeModel(cohort, float.Parse(parts[0], CultureInfo.InvariantCulture), float.Parse(parts[1], CultureInfo.InvariantCulture), 0);
    }

    public sealed class SimulatedCrash : Exception;

    private sealed class FakeModel(CohortMetadata cohort, float scale, float bias, int rows) : ITrainedModel
    {
        public float Scale => scale;

        public float[] Predict(int[] testRows) => testRows.Select(r => scale * cohort.Label(r) + bias).ToArray();

        public void Save(string path) => File.WriteAllText(path,
            $"{scale.ToString("R", CultureInfo.InvariantCulture)} {bias.ToString("R", CultureInfo.InvariantCulture)}");

        public FitSummary Summary => new(rows % 7 + 1, 0.1, 0.2);

        public void Dispose() { }
    }
}
