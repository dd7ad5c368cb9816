namespace CultureNet.Engine.Nn.Callbacks;

/// <summary>Keras' Callback: hooks around training. <c>logs</c> holds loss, mae, val_loss, val_mae of the epoch.</summary>
public abstract class Callback
{
    public Sequential? Model { get; set; }

    public virtual void OnTrainBegin() { }
    public virtual void OnEpochBegin(int epoch) { }
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }
    public virtual void OnTrainEnd() { }
}

/// <summary>Keras' LambdaCallback, for progress printing and the like.</summary>
public sealed class LambdaCallback : Callback
{
    private readonly Action<int, IReadOnlyDictionary<string, double>>? _onEpochEnd;
    public LambdaCallback(Action<int, IReadOnlyDictionary<string, double>>? onEpochEnd = null) => _onEpochEnd = onEpochEnd;
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => _onEpochEnd?.Invoke(epoch, logs);
}
