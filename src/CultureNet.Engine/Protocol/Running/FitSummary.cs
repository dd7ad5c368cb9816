namespace CultureNet.Engine.Protocol.Running;

/// <summary>Epochs run and the last epoch's training and validation loss (NaN where there is none).</summary>
public sealed record FitSummary(int Epochs, double Loss, double ValidationLoss)
{
    public static readonly FitSummary None = new(0, double.NaN, double.NaN);
}
