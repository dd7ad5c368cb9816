using CultureNet.Engine.Cohort;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using System.Globalization;

namespace CultureNet.Engine.Tests.Protocol;

/// <summary>
/// A deterministic stand-in for GenNet training, for runner tests: a "model" is prediction = scale·label + bias, with
/// bias from the training labels and the seed, and a last-layer fit rescaling its parent. Records what it trained and
/// loaded, and can fail after a number of trainings to simulate a crash. Thread-safe, for runners training several fits
/// at once: <paramref name="busy"/> keeps each training busy that long, and <see cref="MostAtOnce"/> counts how many
/// overlapped; a parent used after the runner disposed it fails the fit.
/// </summary>
public sealed class FakeTrainer(CohortMetadata cohort, int failAfter = int.MaxValue, TimeSpan busy = default) : IFitTrainer
{
    private int _atOnce;

    public List<string> Trained { get; } = new();
    public List<string> Loaded { get; } = new();

    /// <summary>The most trainings that ran at the same moment.</summary>
    public int MostAtOnce { get; private set; }

    public string ModelExtension => ".fake";

    public ITrainedModel Train(FitSpec fit, ITrainedModel? parent, CancellationToken cancellation)
    {
        lock (Trained)
        {
            if (Trained.Count >= failAfter) throw new SimulatedCrash();
            Trained.Add(fit.Key);
            MostAtOnce = Math.Max(MostAtOnce, ++_atOnce);
        }
        try
        {
            if (busy > TimeSpan.Zero) Thread.Sleep(busy);
            cancellation.ThrowIfCancellationRequested();
            return Model(fit, parent);
        }
        finally
        {
            lock (Trained) _atOnce--;
        }
    }

    private FakeModel Model(FitSpec fit, ITrainedModel? parent)
    {
        Assert.Equal(fit.Kind == FitKind.LastLayer, parent is not null);
        Assert.False(parent is FakeModel { Disposed: true }, $"{fit.Key}: its parent was disposed before it trained");
        double mean = fit.TrainRows.Average(r => (double)cohort.Label(r));
        float bias = (float)(mean + fit.Seed % 1000 / 1e4);
        float scale = parent is FakeModel p ? p.Scale * 0.9f + 0.01f : 0.5f;
        return new FakeModel(cohort, scale, bias, fit.TrainRows.Length);
    }

    public ITrainedModel Load(string path)
    {
        lock (Trained) Loaded.Add(Path.GetFileNameWithoutExtension(path));
        var parts = File.ReadAllText(path).Split(' ');
        return new FakeModel(cohort, float.Parse(parts[0], CultureInfo.InvariantCulture), float.Parse(parts[1], CultureInfo.InvariantCulture), 0);
    }

    public sealed class SimulatedCrash : Exception;

    private sealed class FakeModel(CohortMetadata cohort, float scale, float bias, int rows) : ITrainedModel
    {
        public float Scale => scale;
        public bool Disposed { get; private set; }

        public float[] Predict(int[] testRows) => Disposed ? throw new ObjectDisposedException("FakeModel") : testRows.Select(r => scale * cohort.Label(r) + bias).ToArray();

        public void Save(string path) => File.WriteAllText(path,
            $"{scale.ToString("R", CultureInfo.InvariantCulture)} {bias.ToString("R", CultureInfo.InvariantCulture)}");

        public FitSummary Summary => new(rows % 7 + 1, 0.1, 0.2);

        public void Dispose() => Disposed = true;
    }
}
