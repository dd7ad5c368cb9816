using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Reports;

namespace CultureNet.Engine.Sessions;

/// <summary>A protocol run with its reports: every fit's result in plan order, how many were resumed, and the scores.</summary>
public sealed record ReportedRunResult(IReadOnlyList<FitResult> Fits, int ResumedFits, ReportSet Reports);
