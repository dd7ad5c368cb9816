namespace CultureNet.Engine.Data;

/// <summary>Progress of a long row-by-row job: rows done out of total (total known up front).</summary>
public readonly record struct RowProgress(long Done, long Total);
