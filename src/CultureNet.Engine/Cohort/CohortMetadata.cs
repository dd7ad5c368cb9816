namespace CultureNet.Engine.Cohort;

/// <summary>
/// The per-row metadata of a feature store — culture, child, frame and label of every row — which is all the protocol's
/// bookkeeping needs. Rows must be grouped by (culture, child), each child's rows in increasing frame order (the layout
/// of the feature store). Row indices used by the protocol are indices into these columns, i.e. store rows.
/// </summary>
/// <remarks>Build it from a store with
/// <c>CohortMetadata.FromColumns(store.Cultures, store.Children, store.Frames, store.Labels, storePath)</c>.</remarks>
public sealed class CohortMetadata
{
    private readonly byte[] _cultures;
    private readonly int[] _children;
    private readonly int[] _frames;
    private readonly float[] _labels;
    private readonly Dictionary<ChildId, RowRange> _ranges;
    private readonly ChildId[] _childOrder;

    private CohortMetadata(string source, byte[] cultures, int[] children, int[] frames, float[] labels,
        Dictionary<ChildId, RowRange> ranges, ChildId[] childOrder)
    {
        Source = source;
        _cultures = cultures;
        _children = children;
        _frames = frames;
        _labels = labels;
        _ranges = ranges;
        _childOrder = childOrder;
        Cultures = childOrder.Select(c => c.Culture).Distinct().Order().ToArray();
    }

    /// <summary>Where the metadata came from (a store path), used in error messages.</summary>
    public string Source { get; }

    public int RowCount => _labels.Length;

    /// <summary>Distinct culture codes, ascending.</summary>
    public IReadOnlyList<byte> Cultures { get; }

    /// <summary>All children, sorted by culture then child id.</summary>
    public IReadOnlyList<ChildId> Children => _childOrder;

    public IEnumerable<ChildId> ChildrenOf(byte culture) => _childOrder.Where(c => c.Culture == culture);

    public ReadOnlySpan<byte> CultureColumn => _cultures;
    public ReadOnlySpan<int> ChildColumn => _children;
    public ReadOnlySpan<int> FrameColumn => _frames;
    public ReadOnlySpan<float> LabelColumn => _labels;

    public int Frame(int row) => _frames[row];
    public float Label(int row) => _labels[row];
    public ChildId ChildAt(int row) => new(_cultures[row], _children[row]);

    public bool Contains(ChildId child) => _ranges.ContainsKey(child);

    /// <summary>The rows of one child, in frame order.</summary>
    public RowRange RangeOf(ChildId child) =>
        _ranges.TryGetValue(child, out var range)
            ? range
            : throw new CultureNetException($"{Source}: there is no child {child} in the cohort");

    /// <summary>Copies and validates the four metadata columns (equal lengths, grouping, frame order, finite labels).</summary>
    public static CohortMetadata FromColumns(ReadOnlySpan<byte> cultures, ReadOnlySpan<int> children,
        ReadOnlySpan<int> frames, ReadOnlySpan<float> labels, string source = "cohort")
    {
        int n = labels.Length;
        if (cultures.Length != n || children.Length != n || frames.Length != n)
            throw new CultureNetException(
                $"{source}: metadata columns differ in length (cultures {cultures.Length}, children {children.Length}, frames {frames.Length}, labels {n} rows)");
        if (n == 0) throw new CultureNetException($"{source}: the cohort has no rows");

        for (int row = 0; row < n; row++)
            if (!float.IsFinite(labels[row]))
                throw new CultureNetException($"{source}: row {row} ({new ChildId(cultures[row], children[row])}, frame {frames[row]}): label is {labels[row]}, expected a finite number");
        var blocks = ChildBlock.Scan(cultures, children, frames, source);
        var ranges = blocks.ToDictionary(b => b.Id, b => new RowRange((int)b.StartRow, b.RowCount));
        var order = blocks.Select(b => b.Id).ToList();
        order.Sort();
        return new CohortMetadata(source, cultures.ToArray(), children.ToArray(), frames.ToArray(), labels.ToArray(), ranges, order.ToArray());
    }
}
