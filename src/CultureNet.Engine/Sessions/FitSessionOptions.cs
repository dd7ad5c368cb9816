namespace CultureNet.Engine.Sessions;

/// <summary>What <c>culturenet fit</c> trains: GenNet on .npy arrays with the reference's fit settings as defaults.</summary>
public sealed record FitSessionOptions
{
    public required string X { get; init; }
    public required string Y { get; init; }
    public string? ValidationX { get; init; }
    public string? ValidationY { get; init; }
    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 1.0;
    public int? Seed { get; init; }
    public bool Shuffle { get; init; } = true;
    /// <summary>Hidden widths; null: GenNet's, or the network an <see cref="InitWeights"/> file describes.</summary>
    public IReadOnlyList<int>? HiddenUnits { get; init; }
    public int Patience { get; init; } = 4;
    public double MinDelta { get; init; } = 0.01;
    /// <summary>EarlyStopping on val_loss when validation data are given (the reference's callback).</summary>
    public bool EarlyStopping { get; init; } = true;
    /// <summary>Start from this Keras model or weights file; a file with a model config also gives the network's shape.</summary>
    public string? InitWeights { get; init; }
    public string? SaveWeights { get; init; }
    /// <summary>Write the final model as Keras' model.save does (.keras, or .h5 for Keras 2).</summary>
    public string? SaveModel { get; init; }
    public string? HistoryCsv { get; init; }
    /// <summary>0 = all cores.</summary>
    public int Threads { get; init; }
    /// <summary>"onednn" or "openblas"; null: the engine's default.</summary>
    public string? Backend { get; init; }
    /// <summary>Keras' dtype policy (float32, mixed_bfloat16); null: <see cref="Nn.MixedPrecision.GlobalPolicy"/>.</summary>
    public Nn.Policy? DtypePolicy { get; init; }
}
