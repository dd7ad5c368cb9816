using CultureNet.Engine.Reports.Scores;
namespace CultureNet.Engine.Reports;

/// <summary>The scores behind a results folder's reports: per child (means over runs), Table II and its statistics.</summary>
public sealed record ReportSet(IReadOnlyList<ChildScore> PerChild, Table2 Table, ProtocolStatistics Statistics);
