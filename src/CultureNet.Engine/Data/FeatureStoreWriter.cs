using CultureNet.Engine.Nn;
using CultureNet.Engine.IO;
using CultureNet.Engine.Cohort;
using System.IO.Hashing;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace CultureNet.Engine.Data;

/// <summary>
/// Writes a feature store. Rows may arrive in any order: features stream straight into a temporary file
/// and the small metadata stays in memory; <see cref="Finish"/> groups rows by (culture, child) in frame
/// order (a cheap no-op when they arrived in that order, one extra copy pass otherwise), writes the
/// metadata, checksums and, last, the header, fsyncs, and renames the file into place.
/// Until then the store's final name does not exist (or still holds the previous, intact store), and the
/// temporary file has a blank header, so an interrupted write never opens as a valid store.
/// Duplicate (culture, child, frame) rows, unknown cultures, labels outside [−1, 1] and NaN/Inf features
/// are rejected at <see cref="Append"/>. Not thread-safe.
/// </summary>
public sealed class FeatureStoreWriter : IDisposable
{
    private readonly string _dir;
    private readonly string _finalPath;
    private string _tempPath;
    private FileStream? _stream;
    private readonly List<byte> _cultures = new();
    private readonly List<int> _children = new();
    private readonly List<int> _frames = new();
    private readonly List<float> _labels = new();
    private readonly HashSet<(byte, int, int)> _keys = new();
    private (byte Culture, int Child, int Frame) _lastKey = (0, -1, -1);
    private bool _arrivedSorted = true;
    // Per-child feature checksums, computed as the bytes stream past (no re-read at Finish) while rows arrive grouped.
    private readonly List<ulong> _childHashes = new();
    private readonly XxHash3 _childHasher = new();
    private readonly Half[] _halfRow;
    private bool _finished;

    public int Dim { get; }
    public FeatureDType DType { get; }
    public long RowCount => _labels.Count;
    /// <summary>Marks the store as synthetic data (set by <see cref="SyntheticCohort"/>; copied by <see cref="CreateFrom"/>).</summary>
    public bool IsSynthetic { get; set; }

    /// <summary>Rows added with a NaN label (unlabelled); any sets flag 2 of the header (<see cref="StoreLayout"/>).</summary>
    public long UnlabelledRows { get; private set; }
    /// <summary>Where <see cref="Finish"/> puts the store: <c>DIR/features.cnstore</c>.</summary>
    public string FinalPath => _finalPath;

    private FeatureStoreWriter(string dir, int dim, FeatureDType dtype)
    {
        if (dim <= 0) throw new CultureNetException($"{dir}: feature dimension must be positive, got {dim}");
        dtype.ElementSize();
        Dim = dim;
        DType = dtype;
        _dir = dir;
        Directory.CreateDirectory(dir);
        AtomicFile.RemoveStaleTemps(dir, StoreLayout.FileName);
        _finalPath = Path.Combine(dir, StoreLayout.FileName);
        _tempPath = AtomicFile.TempPathFor(_finalPath);
        _stream = CreateTemp(_tempPath);
        _halfRow = dtype == FeatureDType.Float16 ? new Half[dim] : [];
    }

    /// <summary>Starts a new store in <paramref name="dir"/>; an existing store there is replaced atomically on <see cref="Finish"/>.</summary>
    public static FeatureStoreWriter Create(string dir, int dim, FeatureDType dtype = FeatureDType.Float32) => new(dir, dim, dtype);

    /// <summary>
    /// Starts a writer that already holds every row of <paramref name="source"/> (copied byte for byte), so a
    /// pipeline can skip rows it has (<see cref="Contains"/>), append the rest, and <see cref="Finish"/> to
    /// replace the store atomically. <paramref name="dir"/> may be the source's own directory.
    /// </summary>
    public static FeatureStoreWriter CreateFrom(FeatureStore source, string dir, IProgress<long>? rowsCopied = null)
    {
        var w = new FeatureStoreWriter(dir, source.Dim, source.DType) { IsSynthetic = source.IsSynthetic };
        try
        {
            var cultures = source.Cultures; var children = source.Children; var frames = source.Frames; var labels = source.Labels;
            const int block = 256;
            for (long start = 0; start < source.RowCount; start += block)
            {
                int n = (int)Math.Min(block, source.RowCount - start);
                var raw = source.RawFeatures(start, n);
                int rowBytes = raw.Length / n;
                for (int i = 0; i < n; i++)
                {
                    int r = (int)(start + i);
                    w.AddMetadata(cultures[r], children[r], frames[r], labels[r]);
                    w.WriteFeatureBytes(raw.Slice(i * rowBytes, rowBytes));
                }
                rowsCopied?.Report(n);
            }
            return w;
        }
        catch
        {
            w.Dispose();
            throw;
        }
    }

    /// <summary>Opens the store in <paramref name="dir"/> for adding rows: <see cref="CreateFrom"/> on itself.</summary>
    public static FeatureStoreWriter OpenForUpdate(string dir, IProgress<long>? rowsCopied = null)
    {
        using var existing = FeatureStore.Open(dir);
        return CreateFrom(existing, dir, rowsCopied);
    }

    /// <summary>Whether the row (culture, child, frame) has been written (or copied from the source store).</summary>
    public bool Contains(byte culture, int child, int frame) => _keys.Contains((culture, child, frame));

    /// <summary>Adds one row. The features are D float32 values (narrowed to float16 in a float16 store).</summary>
    public void Append(byte culture, int child, int frame, float label, ReadOnlySpan<float> features)
    {
        if (features.Length != Dim)
            throw new CultureNetException($"row (culture {culture}, child {child}, frame {frame}) has {features.Length} features; the store has D = {Dim}");
        int bad = FiniteCheck.IndexOfNonFinite(features);
        if (bad >= 0)
            throw new CultureNetException($"row (culture {culture}, child {child}, frame {frame}): feature {bad} is {features[bad]}; features must be finite");
        if (DType == FeatureDType.Float16)
        {
            TensorPrimitives.ConvertToHalf(features, _halfRow);
            int overflow = IndexOfInfinity(_halfRow);
            if (overflow >= 0)
                throw new CultureNetException($"row (culture {culture}, child {child}, frame {frame}): feature {overflow} = {features[overflow]} overflows float16 (|x| > 65504)");
        }
        AddMetadata(culture, child, frame, label);
        WriteFeatureBytes(DType == FeatureDType.Float32 ? MemoryMarshal.AsBytes(features) : MemoryMarshal.AsBytes(_halfRow.AsSpan()));
    }

    /// <summary>Adds rows in a batch: features holds cultures.Length × D values, row-major.</summary>
    public void AppendRows(ReadOnlySpan<byte> cultures, ReadOnlySpan<int> children, ReadOnlySpan<int> frames,
        ReadOnlySpan<float> labels, ReadOnlySpan<float> features)
    {
        int n = cultures.Length;
        if (children.Length != n || frames.Length != n || labels.Length != n || features.Length != (long)n * Dim)
            throw new CultureNetException($"AppendRows: {n} cultures, {children.Length} children, {frames.Length} frames, {labels.Length} labels and {features.Length} features (expected {n} × {Dim}) do not match");
        for (int i = 0; i < n; i++)
            Append(cultures[i], children[i], frames[i], labels[i], features.Slice(i * Dim, Dim));
    }

    /// <summary>
    /// Test support: adds rows whose features are all zero without writing them — the file gets a hole — so tests
    /// can build a paper-scale (1.5 GB) store in a sparse file in about a second, to show that opening it reads nothing.
    /// </summary>
    internal void AppendSparseZeroRows(byte culture, int child, int firstFrame, int count)
    {
        var zeros = new byte[Dim * DType.ElementSize()];
        for (int i = 0; i < count; i++)
        {
            AddMetadata(culture, child, firstFrame + i, 0f);
            _childHasher.Append(zeros);
        }
        _stream!.Flush();
        _stream.Position += (long)count * zeros.Length;
        _stream.SetLength(_stream.Position);
    }

    private void WriteFeatureBytes(ReadOnlySpan<byte> row)
    {
        if (_arrivedSorted) _childHasher.Append(row);
        _stream!.Write(row);
    }

    private static int IndexOfInfinity(ReadOnlySpan<Half> row)
    {
        for (int i = 0; i < row.Length; i++) if (Half.IsInfinity(row[i])) return i;
        return -1;
    }

    private void AddMetadata(byte culture, int child, int frame, float label)
    {
        if (_finished) throw new InvalidOperationException("the store is already finished");
        if (!CultureCodes.IsKnown(culture))
            throw new CultureNetException($"row (culture {culture}, child {child}, frame {frame}): unknown culture code {culture}; expected 0 (Japan) or 1 (Serbia)");
        if (child < 0) throw new CultureNetException($"row (culture {culture}, child {child}, frame {frame}): child id must be ≥ 0");
        if (frame < 0) throw new CultureNetException($"row (culture {culture}, child {child}, frame {frame}): frame must be ≥ 0");
        if (float.IsNaN(label)) UnlabelledRows++;
        else if (!(label >= -1f && label <= 1f))
            throw new CultureNetException($"row (culture {culture}, child {child}, frame {frame}): label {label} is outside [-1, 1] (NaN marks an unlabelled row)");
        if (!_keys.Add((culture, child, frame)))
            throw new CultureNetException($"duplicate row (culture {culture}, child {child}, frame {frame})");
        if ((culture, child, frame).CompareTo(_lastKey) < 0) _arrivedSorted = false;
        else if (_arrivedSorted && _labels.Count > 0 && (culture != _lastKey.Culture || child != _lastKey.Child))
            CloseChildHash();
        _lastKey = (culture, child, frame);
        _cultures.Add(culture);
        _children.Add(child);
        _frames.Add(frame);
        _labels.Add(label);
    }

    /// <summary>Groups, checksums, writes the header last, fsyncs and atomically renames the store into place.</summary>
    public void Finish()
    {
        if (_finished) throw new InvalidOperationException("the store is already finished");
        if (RowCount == 0) throw new CultureNetException($"{_dir}: refusing to finish an empty feature store (no rows were added)");
        if (RowCount > int.MaxValue) throw new CultureNetException($"{_dir}: {RowCount} rows exceed the format's limit of {int.MaxValue}");
        _stream!.Flush();
        if (!_arrivedSorted) RegroupRows();
        _stream!.Position = StoreLayout.HeaderBytes + RowCount * Dim * DType.ElementSize();

        var cultures = CollectionsMarshal.AsSpan(_cultures);
        var children = CollectionsMarshal.AsSpan(_children);
        var frames = CollectionsMarshal.AsSpan(_frames);
        var labels = CollectionsMarshal.AsSpan(_labels);
        var table = BuildChildTable(cultures, children);
        var sections = StoreLayout.Compute(RowCount, Dim, DType, table.Count);
        CloseChildHash();
        var hashes = _childHashes;
        if (hashes.Count != table.Count)
            throw new InvalidOperationException($"internal error: {hashes.Count} child checksums for {table.Count} children");

        var metaHasher = new XxHash3();
        PadTo(sections.Cultures, null);
        WriteHashed(cultures, metaHasher);
        PadTo(sections.Children, metaHasher);
        WriteHashed(MemoryMarshal.AsBytes(children), metaHasher);
        PadTo(sections.Frames, metaHasher);
        WriteHashed(MemoryMarshal.AsBytes(frames), metaHasher);
        PadTo(sections.Labels, metaHasher);
        WriteHashed(MemoryMarshal.AsBytes(labels), metaHasher);
        PadTo(sections.ChildTable, metaHasher);
        Span<byte> entry = stackalloc byte[StoreLayout.ChildEntryBytes];
        for (int i = 0; i < table.Count; i++)
        {
            ChildTable.Write(entry, table[i], hashes[i]);
            WriteHashed(entry, metaHasher);
        }
        if (_stream.Position != sections.FileLength)
            throw new InvalidOperationException($"internal error: wrote {_stream.Position} bytes, layout says {sections.FileLength}");

        // Data first, durable; only then the header that makes the file valid; durable again; then rename.
        _stream.Flush(flushToDisk: true);
        var header = new byte[StoreLayout.HeaderBytes];
        StoreLayout.Write(header, new StoreLayout.Header(Dim, DType, RowCount, table.Count, metaHasher.GetCurrentHashAsUInt64(),
            (IsSynthetic ? StoreLayout.StoreFlags.Synthetic : StoreLayout.StoreFlags.None)
            | (UnlabelledRows > 0 ? StoreLayout.StoreFlags.HasUnlabelled : StoreLayout.StoreFlags.None)));
        _stream.Position = 0;
        _stream.Write(header);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        _stream = null;
        AtomicFile.CommitRename(_tempPath, _finalPath);
        _finished = true;
    }

    private List<ChildBlock> BuildChildTable(ReadOnlySpan<byte> cultures, ReadOnlySpan<int> children)
    {
        var table = new List<ChildBlock>();
        int start = 0;
        for (int r = 1; r <= cultures.Length; r++)
        {
            if (r == cultures.Length || cultures[r] != cultures[start] || children[r] != children[start])
            {
                table.Add(new ChildBlock(cultures[start], children[start], start, r - start));
                start = r;
            }
        }
        return table;
    }

    private void CloseChildHash()
    {
        _childHashes.Add(_childHasher.GetCurrentHashAsUInt64());
        _childHasher.Reset();
    }

    /// <summary>Rows arrived out of order: copy the feature rows into a second temp file in (culture, child, frame) order.</summary>
    private void RegroupRows()
    {
        int n = (int)RowCount;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var cultures = _cultures.ToArray(); var children = _children.ToArray(); var frames = _frames.ToArray(); var labels = _labels.ToArray();
        Array.Sort(order, (a, b) => (cultures[a], children[a], frames[a]).CompareTo((cultures[b], children[b], frames[b])));

        string sortedPath = AtomicFile.TempPathFor(_finalPath);
        var sorted = CreateTemp(sortedPath);
        try
        {
            int rowBytes = Dim * DType.ElementSize();
            var row = new byte[rowBytes];
            var handle = _stream!.SafeFileHandle;
            _childHashes.Clear();
            _childHasher.Reset();
            for (int i = 0; i < n; i++)
            {
                int src = order[i];
                if (i > 0 && (cultures[src] != cultures[order[i - 1]] || children[src] != children[order[i - 1]])) CloseChildHash();
                RandomAccess.Read(handle, row, StoreLayout.HeaderBytes + (long)src * rowBytes);
                _childHasher.Append(row);
                sorted.Write(row);
            }
        }
        catch
        {
            try { sorted.SetLength(0); sorted.Dispose(); } catch (IOException) { }
            AtomicFile.DeleteQuietly(sortedPath);
            throw;
        }
        _stream!.Dispose();
        File.Delete(_tempPath);
        _stream = sorted;
        _tempPath = sortedPath;
        for (int i = 0; i < n; i++)
        {
            int src = order[i];
            _cultures[i] = cultures[src]; _children[i] = children[src]; _frames[i] = frames[src]; _labels[i] = labels[src];
        }
        _arrivedSorted = true;
    }

    private static FileStream CreateTemp(string path)
    {
        var fs = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 20);
        try
        {
            // A blank header: the file is not a store until Finish writes the real one over it.
            fs.Write(new byte[StoreLayout.HeaderBytes]);
            fs.Flush();
            return fs;
        }
        catch
        {
            try { fs.SetLength(0); fs.Dispose(); } catch (IOException) { }
            AtomicFile.DeleteQuietly(path);
            throw;
        }
    }

    private void PadTo(long offset, XxHash3? hasher)
    {
        long pad = offset - _stream!.Position;
        if (pad < 0) throw new InvalidOperationException("internal error: section overlap");
        Span<byte> zeros = stackalloc byte[StoreLayout.Alignment];
        zeros.Clear();
        while (pad > 0)
        {
            int k = (int)Math.Min(pad, zeros.Length);
            if (hasher != null) WriteHashed(zeros[..k], hasher); else _stream.Write(zeros[..k]);
            pad -= k;
        }
    }

    private void WriteHashed(ReadOnlySpan<byte> bytes, XxHash3 hasher)
    {
        hasher.Append(bytes);
        _stream!.Write(bytes);
    }

    /// <summary>Without <see cref="Finish"/>, discards everything written: the temporary file is deleted.</summary>
    public void Dispose()
    {
        try
        {
            // Disposing flushes what is buffered; on a full disk that throws, and the temporary file must go regardless.
            if (!_finished) _stream?.SetLength(0);
            _stream?.Dispose();
        }
        catch (IOException) { }
        finally
        {
            _stream = null;
            if (!_finished) AtomicFile.DeleteQuietly(_tempPath);
        }
    }
}
