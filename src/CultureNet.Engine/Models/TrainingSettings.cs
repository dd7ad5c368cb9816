namespace CultureNet.Engine.Models;

/// <summary>
/// The reference's fit settings (DESIGN §3): Adadelta (lr 1.0, ρ 0.95, ε 1e-7), MSE, batch 128, ≤ 20 epochs,
/// EarlyStopping(val_loss, min_delta 0.01, patience 4) keeping the last epoch's weights. Hidden units default to
/// GenNet's 500-200-100-50; smaller heads are for quick tests.
/// </summary>
public sealed record TrainingSettings
{
    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 1.0;
    public double MinDelta { get; init; } = 0.01;
    public int Patience { get; init; } = 4;
    public IReadOnlyList<int> HiddenUnits { get; init; } = GenNet.HiddenUnits;
}
