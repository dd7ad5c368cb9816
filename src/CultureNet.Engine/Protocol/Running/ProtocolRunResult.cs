namespace CultureNet.Engine.Protocol.Running;

/// <summary>What a protocol run produced: every finished fit's result in plan order, and how many were found finished.</summary>
public sealed record ProtocolRunResult(IReadOnlyList<FitResult> Fits, int ResumedFits)
{
    /// <summary>Keys of the plan's fits that have no result yet (only a shard, or a cancelled run, leaves any).</summary>
    public IReadOnlyList<string> Missing { get; init; } = [];

    /// <summary>Fits this process trained and recorded.</summary>
    public int Trained { get; init; }
}
