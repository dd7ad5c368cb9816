using CultureNet.Engine.Cohort;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;

namespace CultureNet.Engine.Data;

/// <summary>
/// A read-only, memory-mapped feature store: N rows of D features (float32 or float16) plus culture, child,
/// frame and label per row, grouped by (culture, child) and in frame order within a child.
/// Opening maps the file and checks the header, the metadata checksum and the grouping invariants; it does
/// not read the feature block (pages come in on demand), so a 1.5 GB store opens in milliseconds.
/// Spans and pointers handed out are valid until <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class FeatureStore : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly StoreLayout.Sections _sections;
    private readonly ChildBlock[] _children;
    private readonly ulong[] _childHashes;
    private readonly Dictionary<(int Culture, int Child), int> _childIndex;
    private bool _disposed;

    /// <summary>The store file inside the directory.</summary>
    public string FilePath { get; }
    public int Dim { get; }
    public long RowCount { get; }
    public FeatureDType DType { get; }
    /// <summary>True for stores written by <see cref="SyntheticCohort"/>: anything printed from them must say the data are synthetic.</summary>
    public bool IsSynthetic { get; }

    /// <summary>The file's format version: 3 as written now; 1 or 2 for stores written by earlier engines (StoreLayout).</summary>
    public uint FormatVersion { get; }

    /// <summary>Rows whose label is NaN (unlabelled; only in stores with flag 2). Training and the protocol refuse them.</summary>
    public long UnlabelledRows { get; private set; }

    /// <summary>Throws, naming the store and the count, when some rows have no label (what needs labels calls this).</summary>
    public void EnsureLabelled(string purpose)
    {
        if (UnlabelledRows > 0)
            throw new CultureNetException(
                $"{FilePath}: {UnlabelledRows} of {RowCount} rows have no label (extracted without labels); {purpose} needs a label on every row — extract with a labelled manifest or --labels, or use the store with `culturenet predict`");
    }

    private FeatureStore(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* basePtr,
        StoreLayout.Header header, StoreLayout.Sections sections)
    {
        FilePath = path;
        _file = file;
        _view = view;
        _base = basePtr;
        _sections = sections;
        Dim = header.Dim;
        RowCount = header.RowCount;
        DType = header.DType;
        IsSynthetic = header.Flags.HasFlag(StoreLayout.StoreFlags.Synthetic);
        FormatVersion = header.FormatVersion;
        _children = new ChildBlock[header.ChildCount];
        _childHashes = new ulong[header.ChildCount];
        _childIndex = new Dictionary<(int, int), int>(header.ChildCount);
        var table = new ReadOnlySpan<byte>(_base + sections.ChildTable, header.ChildCount * StoreLayout.ChildEntryBytes);
        for (int i = 0; i < header.ChildCount; i++)
        {
            (_children[i], _childHashes[i]) = ChildTable.Read(table.Slice(i * StoreLayout.ChildEntryBytes, StoreLayout.ChildEntryBytes));
        }
    }

    /// <summary>Opens the store in <paramref name="dir"/> (or a store file given directly).</summary>
    /// <param name="verifyChecksums">Also hash every feature byte against the per-child checksums (reads the whole file).</param>
    public static FeatureStore Open(string dir, bool verifyChecksums = false)
    {
        string path = Directory.Exists(dir) ? Path.Combine(dir, StoreLayout.FileName) : dir;
        if (!File.Exists(path))
        {
            bool unfinished = Directory.Exists(dir) && Directory.EnumerateFiles(dir, $".{StoreLayout.FileName}.*.tmp").Any();
            throw new CultureNetException(unfinished
                ? $"{dir}: no finalised feature store (only the temporary file of a writer that did not finish)"
                : $"{dir}: no feature store ({StoreLayout.FileName} not found)");
        }

        // One stream for the header and the mapping, so both see the same file even if a writer renames a new one in.
        // FileShare.Delete lets a writer atomically replace the file while this mapping keeps the old inode alive.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        StoreLayout.Header h;
        StoreLayout.Sections sections;
        MemoryMappedFile? mmf = null;
        MemoryMappedViewAccessor view;
        try
        {
            long length = stream.Length;
            if (length < StoreLayout.HeaderBytes)
                throw new CultureNetException($"{path}: truncated — {length} bytes, but a feature store header alone is {StoreLayout.HeaderBytes} bytes");
            Span<byte> header = stackalloc byte[StoreLayout.HeaderBytes];
            stream.ReadExactly(header);
            (h, sections) = StoreLayout.Read(header, length, path);
            mmf = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = mmf.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        }
        catch
        {
            mmf?.Dispose();
            stream.Dispose();
            throw;
        }
        byte* ptr = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
        ptr += view.PointerOffset;
        var store = new FeatureStore(path, mmf, view, ptr, h, sections);
        try
        {
            store.CheckMetadata(h.MetadataHash, h.Flags.HasFlag(StoreLayout.StoreFlags.HasUnlabelled));
            if (verifyChecksums)
            {
                var problems = store.VerifyFeatureChecksums();
                if (problems.Count > 0) throw new CultureNetException($"{path}: {problems[0]}");
            }
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    // ---- metadata -------------------------------------------------------------------------------

    public ReadOnlySpan<byte> Cultures => new(Ptr(_sections.Cultures), (int)RowCount);
    public ReadOnlySpan<int> Children => new(Ptr(_sections.Children), (int)RowCount);
    public ReadOnlySpan<int> Frames => new(Ptr(_sections.Frames), (int)RowCount);
    public ReadOnlySpan<float> Labels => new(Ptr(_sections.Labels), (int)RowCount);

    /// <summary>Children in storage order: by culture, then child id.</summary>
    public IReadOnlyList<ChildBlock> ChildBlocks => _children;

    /// <summary>The rows of one child (frame order). Throws if the store has no such child.</summary>
    public (long Start, int Count) ChildRange(int culture, int child)
    {
        if (!_childIndex.TryGetValue((culture, child), out int i))
            throw new CultureNetException($"{FilePath}: no child {child} in culture {CultureLabels.WithCountry(culture)}");
        return (_children[i].StartRow, _children[i].RowCount);
    }

    /// <summary>The rows of one culture (contiguous because rows are grouped by culture first). Count 0 if absent.</summary>
    public (long Start, int Count) CultureRange(int culture)
    {
        long start = -1, end = -1;
        foreach (var c in _children)
        {
            if (c.Culture != culture) continue;
            if (start < 0) start = c.StartRow;
            end = c.EndRow;
        }
        return start < 0 ? (0, 0) : (start, checked((int)(end - start)));
    }

    /// <summary>The row of (culture, child, frame), or −1. Binary search within the child's rows.</summary>
    public long FindRow(int culture, int child, int frame)
    {
        if (!_childIndex.TryGetValue((culture, child), out int i)) return -1;
        var c = _children[i];
        int k = Frames.Slice((int)c.StartRow, c.RowCount).BinarySearch(frame);
        return k >= 0 ? c.StartRow + k : -1;
    }

    // ---- features -------------------------------------------------------------------------------

    /// <summary>Zero-copy float32 features of rows [startRow, startRow + rowCount) (float32 stores only).</summary>
    public ReadOnlySpan<float> Features(long startRow, int rowCount)
    {
        RequireDType(FeatureDType.Float32, nameof(Features));
        CheckRange(startRow, rowCount);
        return new ReadOnlySpan<float>(FeaturePointer + startRow * Dim, checked(rowCount * Dim));
    }

    /// <summary>Zero-copy float16 features of rows [startRow, startRow + rowCount) (float16 stores only).</summary>
    public ReadOnlySpan<Half> HalfFeatures(long startRow, int rowCount)
    {
        RequireDType(FeatureDType.Float16, nameof(HalfFeatures));
        CheckRange(startRow, rowCount);
        return new ReadOnlySpan<Half>((Half*)Ptr(_sections.Features) + startRow * Dim, checked(rowCount * Dim));
    }

    /// <summary>The whole N×D float32 block, row-major and contiguous, 64-byte aligned (float32 stores only).</summary>
    public float* FeaturePointer
    {
        get
        {
            RequireDType(FeatureDType.Float32, nameof(FeaturePointer));
            return (float*)Ptr(_sections.Features);
        }
    }

    /// <summary>The raw bytes of rows [startRow, startRow + rowCount) in the stored dtype.</summary>
    public ReadOnlySpan<byte> RawFeatures(long startRow, int rowCount)
    {
        CheckRange(startRow, rowCount);
        long rowBytes = (long)Dim * DType.ElementSize();
        return new ReadOnlySpan<byte>(Ptr(_sections.Features) + startRow * rowBytes, checked((int)(rowCount * rowBytes)));
    }

    /// <summary>Copies the given rows, in order, into <paramref name="destination"/> (rows.Length × Dim floats), widening float16.</summary>
    public void GatherRows(ReadOnlySpan<long> rows, Span<float> destination) => GatherRowsCore(rows, destination);

    /// <summary>As <see cref="GatherRows(ReadOnlySpan{long}, Span{float})"/> with int row indices.</summary>
    public void GatherRows(ReadOnlySpan<int> rows, Span<float> destination) => GatherRowsCore(rows, destination);

    // Rows ahead of the one being copied whose bytes are prefetched: random rows defeat the hardware prefetcher,
    // which only ramps up within a row; keeping a few rows in flight overlaps their memory latency.
    private const int PrefetchRowsAhead = 4;

    private void GatherRowsCore<TIndex>(ReadOnlySpan<TIndex> rows, Span<float> destination) where TIndex : IBinaryInteger<TIndex>
    {
        CheckDestination(rows.Length, destination.Length);
        int d = Dim;
        long rowBytes = (long)d * DType.ElementSize();
        byte* features = Ptr(_sections.Features);
        for (int i = 0; i < rows.Length; i++)
        {
            long r = long.CreateTruncating(rows[i]);
            if ((ulong)r >= (ulong)RowCount) throw RowOutOfRange(r);
            if (Sse.IsSupported && i + PrefetchRowsAhead < rows.Length)
            {
                long ahead = long.CreateTruncating(rows[i + PrefetchRowsAhead]);
                if ((ulong)ahead < (ulong)RowCount)
                {
                    byte* p = features + ahead * rowBytes;
                    for (long off = 0; off < rowBytes; off += 64) Sse.Prefetch0(p + off);
                }
            }
            CopyRow(features, r, destination.Slice(i * d, d));
        }
    }

    /// <summary>Copies the labels of the given rows into <paramref name="destination"/>.</summary>
    public void GatherLabels(ReadOnlySpan<long> rows, Span<float> destination)
    {
        if (destination.Length < rows.Length) throw new ArgumentException($"destination holds {destination.Length} labels, {rows.Length} needed", nameof(destination));
        var labels = Labels;
        for (int i = 0; i < rows.Length; i++)
        {
            long r = rows[i];
            if ((ulong)r >= (ulong)RowCount) throw RowOutOfRange(r);
            destination[i] = labels[(int)r];
        }
    }

    private void CopyRow(byte* features, long row, Span<float> destination)
    {
        int d = Dim;
        if (DType == FeatureDType.Float32)
            new ReadOnlySpan<float>((float*)features + row * d, d).CopyTo(destination);
        else
            TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>((Half*)features + row * d, d), destination);
    }

    // ---- integrity ------------------------------------------------------------------------------

    /// <summary>Hashes every child's feature bytes; returns one message per mismatching child (empty when intact).</summary>
    public IReadOnlyList<string> VerifyFeatureChecksums(IProgress<long>? bytesDone = null)
    {
        var problems = new List<string>();
        long rowBytes = (long)Dim * DType.ElementSize();
        const int chunk = 8 << 20;
        for (int i = 0; i < _children.Length; i++)
        {
            var c = _children[i];
            var hasher = new XxHash3();
            byte* start = Ptr(_sections.Features) + c.StartRow * rowBytes;
            long total = c.RowCount * rowBytes;
            for (long off = 0; off < total; off += chunk)
            {
                int n = (int)Math.Min(chunk, total - off);
                hasher.Append(new ReadOnlySpan<byte>(start + off, n));
                bytesDone?.Report(n);
            }
            if (hasher.GetCurrentHashAsUInt64() != _childHashes[i])
                problems.Add($"feature checksum mismatch in culture {CultureLabels.WithCountry(c.Culture)} child {c.Child} (rows {c.StartRow}…{c.EndRow - 1}): the feature bytes are corrupt");
        }
        return problems;
    }

    /// <summary>Metadata checksum plus the grouping invariants the rest of the engine relies on. O(N) over ~13 bytes a row.</summary>
    private void CheckMetadata(ulong expectedHash, bool allowUnlabelled)
    {
        var meta = new ReadOnlySpan<byte>(Ptr(_sections.Cultures), checked((int)(_sections.FileLength - _sections.Cultures)));
        if (XxHash3.HashToUInt64(meta) != expectedHash)
            throw new CultureNetException($"{FilePath}: metadata checksum mismatch — culture/child/frame/label columns or the child table are corrupt");

        // Grouping and frame order are checked by the one scan every reader of rows shares; the child table must then
        // list exactly those blocks, sorted by (culture, child).
        var blocks = ChildBlock.Scan(Cultures, Children, Frames, FilePath);
        if (blocks.Count != _children.Length)
            throw new CultureNetException($"{FilePath}: the rows hold {blocks.Count} child blocks, the child table lists {_children.Length}");
        (int, int) previous = (-1, -1);
        for (int i = 0; i < _children.Length; i++)
        {
            var c = _children[i];
            if (c != blocks[i])
                throw new CultureNetException($"{FilePath}: child table entry {i} (culture {c.Culture} child {c.Child}, rows {c.StartRow}+{c.RowCount}) does not match the rows (culture {blocks[i].Culture} child {blocks[i].Child}, rows {blocks[i].StartRow}+{blocks[i].RowCount})");
            if (((int)c.Culture, c.Child).CompareTo(previous) <= 0)
                throw new CultureNetException($"{FilePath}: child table is not sorted by (culture, child) at entry {i}");
            previous = ((int)c.Culture, c.Child);
            _childIndex.Add((c.Culture, c.Child), i);
        }
        var labels = Labels;
        long unlabelled = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            float y = labels[r];
            if (float.IsNaN(y) && allowUnlabelled) unlabelled++;
            else if (!(y >= -1f && y <= 1f))
                throw new CultureNetException($"{FilePath}: label {y} at row {r} is outside [-1, 1]{(float.IsNaN(y) ? " (NaN marks an unlabelled row, allowed only in a store with flag 2, unlabelled rows)" : "")}");
        }
        if (allowUnlabelled && unlabelled == 0)
            throw new CultureNetException($"{FilePath}: the header says some rows are unlabelled, but every label is set — the header is inconsistent");
        UnlabelledRows = unlabelled;
    }

    // ---- helpers --------------------------------------------------------------------------------

    private byte* Ptr(long offset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _base + offset;
    }

    private void RequireDType(FeatureDType wanted, string member)
    {
        if (DType != wanted)
            throw new InvalidOperationException($"{member} needs a {wanted.Name()} store; {FilePath} holds {DType.Name()} (use GatherRows, which widens)");
    }

    private void CheckRange(long startRow, int rowCount)
    {
        if (startRow < 0 || rowCount < 0 || startRow + rowCount > RowCount)
            throw new ArgumentOutOfRangeException(nameof(startRow), $"rows [{startRow}, {startRow + rowCount}) are outside the store's {RowCount} rows");
    }

    private void CheckDestination(int rows, int length)
    {
        if ((long)rows * Dim > length)
            throw new ArgumentException($"destination holds {length} floats; {rows} rows × {Dim} = {(long)rows * Dim} needed", "destination");
    }

    private ArgumentOutOfRangeException RowOutOfRange(long r) =>
        new("rows", $"row {r} is outside the store's {RowCount} rows");

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
