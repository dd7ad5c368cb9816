using CultureNet.Engine.Reports;

namespace CultureNet.Engine.Sessions;

/// <summary>What a finished protocol left: Table II, the figure files, and how many fits were resumed.</summary>
public sealed record ProtocolSessionResult(Table2 Table, IReadOnlyList<string> Figures, int TotalFits, int ResumedFits);
