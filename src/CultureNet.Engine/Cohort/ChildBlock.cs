namespace CultureNet.Engine.Cohort;

/// <summary>One child's contiguous block of rows (rows are grouped by child and in frame order within a child).</summary>
public readonly record struct ChildBlock(byte Culture, int Child, long StartRow, int RowCount)
{
    public long EndRow => StartRow + RowCount;

    public ChildId Id => new(Culture, Child);

    /// <summary>
    /// The blocks of per-row culture/child/frame columns, in row order. The one check of the grouping invariants every
    /// reader of rows relies on: each child's rows are contiguous and its frames strictly increasing.
    /// </summary>
    public static IReadOnlyList<ChildBlock> Scan(ReadOnlySpan<byte> cultures, ReadOnlySpan<int> children, ReadOnlySpan<int> frames, string source)
    {
        int n = cultures.Length;
        var blocks = new List<ChildBlock>();
        var seen = new HashSet<ChildId>();
        int start = 0;
        for (int row = 0; row <= n; row++)
        {
            bool boundary = row == n || cultures[row] != cultures[start] || children[row] != children[start];
            if (!boundary)
            {
                if (row > start && frames[row] <= frames[row - 1])
                    throw new CultureNetException(
                        $"{source}: row {row}: child {new ChildId(cultures[row], children[row])} has frame {frames[row]} after frame {frames[row - 1]}; frames must be strictly increasing within a child");
                continue;
            }
            if (row == start) break; // no rows at all
            var id = new ChildId(cultures[start], children[start]);
            if (!seen.Add(id))
                throw new CultureNetException(
                    $"{source}: row {start}: child {id} appears again after other children; rows must be grouped by (culture, child)");
            blocks.Add(new ChildBlock(id.Culture, id.Child, start, row - start));
            start = row;
        }
        return blocks;
    }
}
