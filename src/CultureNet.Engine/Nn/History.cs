namespace CultureNet.Engine.Nn;

/// <summary>
/// What Fit returns, as Keras' History: per-epoch values by key (loss, mae, val_loss, val_mae), so
/// <c>history["val_loss"][epoch]</c> reads like <c>history.history['val_loss'][epoch]</c>. Also the epoch's
/// wall time and training throughput, and the warnings Keras would have printed.
/// </summary>
public sealed class History
{
    private readonly Dictionary<string, List<double>> _values = new();

    /// <summary>The values of <paramref name="key"/>; Keras 2.2's names for 'mae' (mean_absolute_error,
    /// val_mean_absolute_error) read the same values.</summary>
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(Canonical(key), out var list)
        ? list
        : throw new KeyNotFoundException($"history has no '{key}'; it has {string.Join(", ", _values.Keys)}");

    public IReadOnlyCollection<string> Keys => _values.Keys;
    public List<int> Epoch { get; } = new();
    public List<double> EpochSeconds { get; } = new();
    public List<double> SamplesPerSecond { get; } = new();
    public List<string> Warnings { get; } = new();

    public bool Contains(string key) => _values.ContainsKey(Canonical(key));

    /// <summary>Keras 2.2's name for a logged key: it logs metrics=['mae'] as mean_absolute_error.</summary>
    internal static string Keras22Name(string key) => Keras22Names.TryGetValue(key, out var name) ? name : key;

    private static readonly Dictionary<string, string> Keras22Names = new()
    {
        ["mae"] = "mean_absolute_error",
        ["val_mae"] = "val_mean_absolute_error",
    };

    private static readonly Dictionary<string, string> FromKeras22 = Keras22Names.ToDictionary(p => p.Value, p => p.Key);

    private static string Canonical(string key) => FromKeras22.TryGetValue(key, out var ours) ? ours : key;

    internal void Append(int epoch, IReadOnlyDictionary<string, double> logs, double seconds, double samplesPerSecond)
    {
        Epoch.Add(epoch);
        foreach (var (key, value) in logs)
        {
            if (!_values.TryGetValue(key, out var list)) _values[key] = list = new List<double>();
            list.Add(value);
        }
        EpochSeconds.Add(seconds);
        SamplesPerSecond.Add(samplesPerSecond);
    }
}
