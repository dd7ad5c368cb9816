using CultureNet.Engine.IO;

namespace CultureNet.Engine.Data;

/// <summary>
/// One input of the reference layout ([culture, child, frame, f1 … fD, label]) as the importer reads it: a .npy
/// file, an array of an .npz archive, or the reference code's own pickle (data_0.pkl, read by
/// <see cref="NumpyPickle"/> without unpickling anything it did not check).
/// </summary>
internal abstract class ReferenceMatrix : IDisposable
{
    /// <summary>"file.npy", "file.npz:key" or "file.pkl" — used in every error message.</summary>
    public abstract string Source { get; }
    public abstract IReadOnlyList<long> Shape { get; }
    public abstract long Rows { get; }
    public abstract int Columns { get; }

    /// <summary>Reads up to <paramref name="rows"/> rows as double; returns the rows read, 0 at the end.</summary>
    public abstract int ReadRows(Span<double> destination, int rows);

    public virtual void Dispose() { }

    public static bool IsPickle(string path) =>
        path.EndsWith(".pkl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".pickle", StringComparison.OrdinalIgnoreCase);

    /// <summary>Each path, and for an .npz each of its arrays, in order.</summary>
    public static List<(string Path, string? Key)> Expand(IEnumerable<string> paths)
    {
        var sources = new List<(string Path, string? Key)>();
        foreach (var path in paths)
        {
            if (path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) && File.Exists(path))
                sources.AddRange(NpyArrayReader.NpzKeys(path).Select(k => (path, (string?)k)));
            else sources.Add((path, null));
        }
        return sources;
    }

    public static ReferenceMatrix Open(string path, string? npzKey) =>
        IsPickle(path) ? new Pickled(NumpyPickle.ReadMatrix(path)) : new Npy(NpyArrayReader.Open(path, npzKey));

    private sealed class Npy(NpyArrayReader reader) : ReferenceMatrix
    {
        public override string Source => reader.Source;
        public override IReadOnlyList<long> Shape => reader.Header.Shape;
        public override long Rows => reader.Rows;
        public override int Columns => reader.Columns;
        public override int ReadRows(Span<double> destination, int rows) => reader.ReadRows(destination, rows);
        public override void Dispose() => reader.Dispose();
    }

    private sealed class Pickled(PickledMatrix matrix) : ReferenceMatrix
    {
        private long _next;

        // The unpickled bytes (and the file read to get them) are large-object-heap arrays the size of the file,
        // which the runtime keeps until a full collection; the importer opens every input twice (checks, then rows),
        // so without this the second pass would hold the first pass's copies too.
        public override void Dispose() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);

        public override string Source => matrix.Source;
        public override IReadOnlyList<long> Shape => [matrix.Rows, matrix.Columns];
        public override long Rows => matrix.Rows;
        public override int Columns => matrix.Columns <= int.MaxValue
            ? (int)matrix.Columns
            : throw new CultureNetException($"{matrix.Source}: {matrix.Columns} columns is too many");

        public override int ReadRows(Span<double> destination, int rows)
        {
            int count = (int)Math.Min(rows, Rows - _next);
            if (count <= 0) return 0;
            matrix.CopyRows(_next, count, destination);
            _next += count;
            return count;
        }
    }
}
