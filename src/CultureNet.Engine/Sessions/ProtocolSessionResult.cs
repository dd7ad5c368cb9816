using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports.Scores;

namespace CultureNet.Engine.Sessions;

/// <summary>What a finished protocol left: Table II, the figure files, how many fits were resumed, and how the process
/// shared its threads among fits.</summary>
public sealed record ProtocolSessionResult(Table2 Table, IReadOnlyList<string> Figures, int TotalFits, int ResumedFits)
{
    public FitParallelism Parallelism { get; init; } = new(1, 1);
}
