namespace CultureNet.Engine.Protocol.Running;

/// <summary>A trained network of the protocol.</summary>
public interface ITrainedModel : IDisposable
{
    /// <summary>Predictions for store rows, in the given order.</summary>
    float[] Predict(int[] rows);

    /// <summary>Writes the weights so <see cref="IFitTrainer.Load"/> restores them exactly (the runner makes it atomic).</summary>
    void Save(string path);

    /// <summary>How training went (epochs, final losses).</summary>
    FitSummary Summary { get; }
}
