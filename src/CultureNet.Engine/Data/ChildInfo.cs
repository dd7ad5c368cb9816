namespace CultureNet.Engine.Data;

/// <summary>One child's contiguous block of rows in a feature store (rows are in frame order).</summary>
public readonly record struct ChildInfo(byte Culture, int Child, long StartRow, int RowCount)
{
    public long EndRow => StartRow + RowCount;
}
