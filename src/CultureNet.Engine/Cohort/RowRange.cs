namespace CultureNet.Engine.Cohort;

/// <summary>A contiguous block of rows of the feature store: rows Start … Start + Count − 1.</summary>
public readonly record struct RowRange(int Start, int Count)
{
    public int End => Start + Count;

    public int[] ToArray() => Enumerable.Range(Start, Count).ToArray();
}
