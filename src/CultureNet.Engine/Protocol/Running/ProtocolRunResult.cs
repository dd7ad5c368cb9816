namespace CultureNet.Engine.Protocol.Running;

/// <summary>What a finished protocol run produced: every fit's result in plan order, and how many were found finished.</summary>
public sealed record ProtocolRunResult(IReadOnlyList<FitResult> Fits, int ResumedFits);
