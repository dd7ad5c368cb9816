
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
}
