using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Models;

/// <summary>The reference's fit settings for every protocol fit (docs/keras-semantics.md).</summary>
public sealed record GenNetTrainingOptions
{
    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 128;
    /// <summary>Adadelta learning rate (Keras 2.2's 1.0).</summary>
    public double LearningRate { get; init; } = 1.0;
    /// <summary>EarlyStopping on val_loss.</summary>
    public double MinDelta { get; init; } = 0.01;
    public int Patience { get; init; } = 4;
    public IReadOnlyList<int> HiddenUnits { get; init; } = GenNet.HiddenUnits;

    /// <summary>The native backend every network of the protocol computes on ("onednn", "openblas"; null: the
    /// engine's default, which the protocol session resolves and records before it trains).</summary>
    public string? Backend { get; init; }

    /// <summary>Keras' dtype policy of every network (float32, or mixed_bfloat16; null: <see cref="MixedPrecision.GlobalPolicy"/>).</summary>
    public Policy? DtypePolicy { get; init; }

    /// <summary>The policy the networks get: <see cref="DtypePolicy"/>, else the global policy now.</summary>
    public Policy EffectivePolicy => DtypePolicy ?? MixedPrecision.GlobalPolicy();

    /// <summary>Whether the networks compute as the protocol always did: float32 on the default oneDNN backend. Report
    /// files then keep their layout byte for byte; any other choice is named in them.</summary>
    public bool IsDefaultEngine => EffectivePolicy.Name == Policy.Float32 && Backend is null or NativeBackends.OneDnn;
}
