namespace CultureNet.Engine.Reports;

/// <summary>The scores behind a results folder's reports: per child (means over runs) and Table II.</summary>
public sealed record ReportSet(IReadOnlyList<ChildScore> PerChild, Table2 Table);
