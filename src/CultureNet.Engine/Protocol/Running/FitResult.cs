namespace CultureNet.Engine.Protocol.Running;

/// <summary>What one finished fit leaves behind: its fingerprint, training summary and evaluations.</summary>
public sealed record FitResult(string Key, int Run, ulong Fingerprint, FitSummary Summary, IReadOnlyList<EvaluationResult> Evaluations);
