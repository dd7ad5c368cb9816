namespace CultureNet.Engine.Extraction;

/// <summary>
/// Where extracted rows go. The extractor calls it from one thread only, in manifest order.
/// <see cref="Contains"/> makes extraction resumable: rows already present are not extracted again.
/// </summary>
public interface IFeatureSink
{
    /// <summary>Width of every feature row this sink accepts.</summary>
    int FeatureWidth { get; }

    /// <summary>True when the sink already holds a row for <paramref name="key"/> (from an earlier, interrupted run).</summary>
    bool Contains(FrameKey key);

    void Write(FrameKey key, float label, ReadOnlySpan<float> features);
}

/// <summary>Keeps rows in memory (tests, small jobs, benchmarks).</summary>
public sealed class InMemoryFeatureSink : IFeatureSink
{
    private readonly Dictionary<FrameKey, int> _index = new();
    private readonly List<(FrameKey Key, float Label, float[] Features)> _rows = new();

    public InMemoryFeatureSink(int featureWidth) => FeatureWidth = featureWidth;

    public int FeatureWidth { get; }
    public IReadOnlyList<(FrameKey Key, float Label, float[] Features)> Rows => _rows;
    public bool Contains(FrameKey key) => _index.ContainsKey(key);

    public float[] this[FrameKey key] => _rows[_index[key]].Features;

    public void Write(FrameKey key, float label, ReadOnlySpan<float> features)
    {
        if (features.Length != FeatureWidth) throw new ArgumentException($"row has {features.Length} features, the sink {FeatureWidth}");
        if (!_index.TryAdd(key, _rows.Count)) throw new InvalidOperationException($"{key} written twice");
        _rows.Add((key, label, features.ToArray()));
    }
}

/// <summary>Discards rows (benchmarks: pipeline throughput without storage).</summary>
public sealed class NullFeatureSink(int featureWidth) : IFeatureSink
{
    public int FeatureWidth { get; } = featureWidth;
    public long Count { get; private set; }
    public bool Contains(FrameKey key) => false;
    public void Write(FrameKey key, float label, ReadOnlySpan<float> features) => Count++;
}
