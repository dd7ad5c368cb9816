namespace CultureNet.Engine.Nn.Callbacks;

/// <summary>
/// Keras 2.2.4's EarlyStopping, rule for rule: in 'min' mode an epoch improves iff current − min_delta·(−1) &lt; best,
/// i.e. current &lt; best − min_delta; otherwise <c>wait</c> grows and training stops when it reaches
/// <c>patience</c>. With restoreBestWeights the best epoch's weights come back only when it stops training (a run
/// that uses all its epochs keeps the last weights, as in Keras 2.2.4). A missing monitor value is a warning.
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly bool _lowerIsBetter;
    private readonly double _signedMinDelta;
    private float[][]? _bestWeights;

    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, string mode = "auto",
                         double? baseline = null, bool restoreBestWeights = false)
    {
        if (patience < 0) throw new CultureNetException($"EarlyStopping: patience must be >= 0, got {patience}");
        Monitor = monitor;
        Patience = patience;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        _lowerIsBetter = mode switch
        {
            "min" => true,
            "max" => false,
            "auto" => !monitor.Contains("acc", StringComparison.Ordinal),
            _ => throw new CultureNetException($"EarlyStopping: mode must be 'auto', 'min' or 'max', got '{mode}'"),
        };
        MinDelta = Math.Abs(minDelta);
        _signedMinDelta = _lowerIsBetter ? -MinDelta : MinDelta;
    }

    public string Monitor { get; }
    public double MinDelta { get; }
    public int Patience { get; }
    public double? Baseline { get; }
    public bool RestoreBestWeights { get; }

    public int Wait { get; private set; }
    /// <summary>0-based epoch at which training was stopped; 0 if it was not (Keras' convention).</summary>
    public int StoppedEpoch { get; private set; }
    public double Best { get; private set; }

    public override void OnTrainBegin()
    {
        Wait = 0;
        StoppedEpoch = 0;
        _bestWeights = null;
        Best = Baseline ?? (_lowerIsBetter ? double.PositiveInfinity : double.NegativeInfinity);
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (!logs.TryGetValue(Monitor, out var current))
        {
            Model?.Warn($"Early stopping conditioned on metric '{Monitor}' which is not available. Available metrics are: {string.Join(",", logs.Keys)}");
            return;
        }
        if (Improves(current - _signedMinDelta, Best))
        {
            Best = current;
            Wait = 0;
            if (RestoreBestWeights) _bestWeights = Model!.GetWeights();
            return;
        }
        Wait++;
        if (Wait >= Patience)
        {
            StoppedEpoch = epoch;
            Model!.StopTraining = true;
            if (RestoreBestWeights && _bestWeights is not null) Model.SetWeights(_bestWeights);
        }
    }

    private bool Improves(double value, double best) => _lowerIsBetter ? value < best : value > best;
}
