using System.Runtime.InteropServices;

namespace CultureNet.Engine.Nn;

/// <summary>
/// A row-major float32 matrix the engine reads without copying: a managed array, or native memory such as a
/// memory-mapped feature store (kept alive by <c>owner</c>). <see cref="Take"/> makes a row-index view whose rows
/// the native trainer gathers itself, so training on a subset of a store copies no feature rows.
/// </summary>
public sealed unsafe class Matrix
{
    private readonly float[]? _array;
    private readonly float* _pointer;
    private readonly object? _owner;

    public long Rows { get; }
    public int Cols { get; }

    /// <summary>For a view made by <see cref="Take"/>: the rows of <see cref="Base"/> it stands for, in order.</summary>
    public long[]? RowIndices { get; }
    /// <summary>The dense matrix under a view (itself for a dense matrix).</summary>
    public Matrix Base { get; }

    /// <summary>True when the values are known to be finite (checked once, or guaranteed by the source), so
    /// training need not scan them again.</summary>
    public bool KnownFinite { get; private set; }

    public Matrix(float[] data, long rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (rows < 0 || cols <= 0 || rows * cols != data.LongLength)
            throw new CultureNetException($"matrix shape {rows}x{cols} does not match {data.LongLength} values");
        _array = data;
        Rows = rows;
        Cols = cols;
        Base = this;
    }

    /// <summary>A column vector (N×1), e.g. labels.</summary>
    public static Matrix Column(float[] values) => new(values, values.LongLength, 1);

    /// <summary>Wraps native memory (rows×cols floats) that <paramref name="owner"/> keeps alive.</summary>
    public static Matrix FromPointer(float* data, long rows, int cols, object? owner, bool knownFinite)
        => new(data, rows, cols, owner, knownFinite);

    private Matrix(float* data, long rows, int cols, object? owner, bool knownFinite)
    {
        if (data == null && rows > 0) throw new ArgumentNullException(nameof(data));
        _pointer = data;
        _owner = owner;
        Rows = rows;
        Cols = cols;
        Base = this;
        KnownFinite = knownFinite;
    }

    private Matrix(Matrix dense, long[] rowIndices)
    {
        Base = dense;
        RowIndices = rowIndices;
        Rows = rowIndices.LongLength;
        Cols = dense.Cols;
        KnownFinite = dense.KnownFinite;
    }

    public bool IsView => RowIndices is not null;

    /// <summary>A view of some rows (indices into this matrix, or into its base if this is a view).</summary>
    public Matrix Take(ReadOnlySpan<long> rows)
    {
        var indices = new long[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            long r = rows[i];
            if ((ulong)r >= (ulong)Rows) throw new ArgumentOutOfRangeException(nameof(rows), $"row {r} outside 0..{Rows - 1}");
            indices[i] = RowIndices is null ? r : RowIndices[r];
        }
        return new Matrix(Base, indices);
    }

    /// <summary>One row of a dense matrix or a view.</summary>
    public ReadOnlySpan<float> Row(long row)
    {
        long baseRow = RowIndices is null ? row : RowIndices[row];
        return Base.DenseSpan(baseRow * Cols, Cols);
    }

    /// <summary>Copies the rows into a new dense matrix (a no-op copy for dense input is still a copy).</summary>
    public float[] ToArray()
    {
        var result = new float[checked(Rows * Cols)];
        if (!IsView)
        {
            DenseSpan(0, (int)(Rows * Cols)).CopyTo(result);
            return result;
        }
        for (long r = 0; r < Rows; r++) Row(r).CopyTo(result.AsSpan((int)(r * Cols), Cols));
        return result;
    }

    /// <summary>Scans every value once; throws naming <paramref name="what"/>, the row and the column of the first
    /// NaN or infinity. Remembers success.</summary>
    public void EnsureFinite(string what)
    {
        if (KnownFinite) return;
        for (long r = 0; r < Rows; r++)
        {
            var row = Row(r);
            int c = FiniteCheck.IndexOfNonFinite(row);
            if (c >= 0)
                throw new CultureNetException($"{what}: row {r}, column {c} is {(float.IsNaN(row[c]) ? "NaN" : row[c] > 0 ? "+Inf" : "-Inf")}; every value must be finite");
        }
        KnownFinite = true;
    }

    private ReadOnlySpan<float> DenseSpan(long start, int length)
        => _array is not null ? _array.AsSpan(checked((int)start), length) : new ReadOnlySpan<float>(_pointer + start, length);

    /// <summary>Pins a dense matrix for the duration of a native call.</summary>
    internal Pin PinDense()
    {
        if (IsView) throw new InvalidOperationException("PinDense called on a view");
        return _array is not null ? new Pin(GCHandle.Alloc(_array, GCHandleType.Pinned)) : new Pin(_pointer, _owner);
    }

    internal readonly struct Pin : IDisposable
    {
        private readonly GCHandle _handle;
        private readonly object? _keepAlive;
        public readonly float* Pointer;

        public Pin(GCHandle handle)
        {
            _handle = handle;
            _keepAlive = null;
            Pointer = (float*)handle.AddrOfPinnedObject();
        }

        public Pin(float* pointer, object? keepAlive)
        {
            _handle = default;
            _keepAlive = keepAlive;
            Pointer = pointer;
        }

        public void Dispose()
        {
            if (_handle.IsAllocated) _handle.Free();
            GC.KeepAlive(_keepAlive);
        }
    }
}
