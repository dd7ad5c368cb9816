using CultureNet.Engine.Reports;

namespace CultureNet.Engine.Protocol;

/// <summary>What a finished protocol run produced: every fit's result in plan order, and the scores of its reports.</summary>
public sealed record ProtocolResults(IReadOnlyList<FitResult> Fits, ReportSet Reports, int ResumedFits);
