using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace CultureNet.Engine.IO;

/// <summary>
/// Streams a 2-D (or 1-D, columns = 0) C-ordered .npy array to disk, byte-identical to np.save, and renames it
/// into place only when every declared row was written (<see cref="Finish"/>); otherwise the file never appears.
/// </summary>
public sealed class NpyArrayWriter : IDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private FileStream? _stream;
    private readonly long _rows;
    private readonly int _columns;
    private long _written;
    private byte[] _buffer = [];

    public NpyElement Element { get; }

    /// <param name="columns">Row width; 0 writes a 1-D array of <paramref name="rows"/> elements.</param>
    public NpyArrayWriter(string path, NpyElement element, long rows, int columns)
    {
        _path = path;
        _rows = rows;
        _columns = Math.Max(columns, 1);
        Element = element;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _tempPath = AtomicFile.TempPathFor(path);
        _stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        try { _stream.Write(NpyFormat.WriteHeader(element, columns == 0 ? [rows] : [rows, columns])); }
        catch { Dispose(); throw; }
    }

    /// <summary>Appends whole rows (values.Length must be a multiple of the row width), converting from float.</summary>
    public void WriteRows(ReadOnlySpan<float> values)
    {
        int rows = CheckRows(values.Length);
        switch (Element)
        {
            case NpyElement.Float32: _stream!.Write(MemoryMarshal.AsBytes(values)); break;
            case NpyElement.Float16:
            {
                var half = MemoryMarshal.Cast<byte, Half>(Scratch(values.Length * 2));
                TensorPrimitives.ConvertToHalf(values, half);
                _stream!.Write(MemoryMarshal.AsBytes(half));
                break;
            }
            case NpyElement.Float64:
            {
                var d = MemoryMarshal.Cast<byte, double>(Scratch(values.Length * 8));
                for (int i = 0; i < values.Length; i++) d[i] = values[i];
                _stream!.Write(MemoryMarshal.AsBytes(d));
                break;
            }
            default: throw new CultureNetException($"writing {NpyFormat.Descr(Element)} .npy files from float is not supported");
        }
        _written += rows;
    }

    /// <summary>Appends rows already encoded in this writer's element type (e.g. float16 bytes straight from a store).</summary>
    public void WriteRawRows(ReadOnlySpan<byte> encoded)
    {
        int rows = CheckRows(encoded.Length / NpyFormat.ElementSize(Element));
        _stream!.Write(encoded);
        _written += rows;
    }

    private int CheckRows(int elements)
    {
        if (_stream == null) throw new InvalidOperationException("the .npy file is already finished");
        if (elements % _columns != 0) throw new ArgumentException($"{elements} values are not whole rows of {_columns}");
        int rows = elements / _columns;
        if (_written + rows > _rows) throw new InvalidOperationException($"{_path}: more than the declared {_rows} rows");
        return rows;
    }

    private Span<byte> Scratch(int bytes)
    {
        if (_buffer.Length < bytes) _buffer = new byte[bytes];
        return _buffer.AsSpan(0, bytes);
    }

    public void Finish()
    {
        if (_written != _rows) throw new InvalidOperationException($"{_path}: {_written} of the declared {_rows} rows were written");
        _stream!.Flush(flushToDisk: true);
        _stream.Dispose();
        _stream = null;
        AtomicFile.CommitRename(_tempPath, _path);
    }

    public void Dispose()
    {
        if (_stream == null) return;
        try
        {
            // Disposing flushes what is buffered; on a full disk that throws, and the temporary file must go regardless.
            _stream.SetLength(0);
            _stream.Dispose();
        }
        catch (IOException) { }
        finally
        {
            _stream = null;
            AtomicFile.DeleteQuietly(_tempPath);
        }
    }
}
