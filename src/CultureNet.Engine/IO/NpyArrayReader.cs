using CultureNet.Engine.IO;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace CultureNet.Engine.IO;

/// <summary>
/// Streams the rows of a 1-D or 2-D .npy array, from a file or from one array inside an .npz archive,
/// converting elements to float or double. Memory use is one caller-sized chunk, whatever the array size.
/// </summary>
public sealed class NpyArrayReader : IDisposable
{
    private readonly Stream _stream;
    private readonly IDisposable? _owner;
    private byte[] _buffer = [];
    private long _rowsRead;

    /// <summary>"file.npy" or "file.npz:key" — used in every error message.</summary>
    public string Source { get; }
    public NpyFormat.Header Header { get; }
    public long Rows => Header.Rows;
    public int Columns { get; }
    public NpyElement Element => Header.Element;

    private NpyArrayReader(Stream stream, IDisposable? owner, string source, long availableBytes)
    {
        _stream = stream;
        _owner = owner;
        Source = source;
        Header = NpyFormat.ReadHeader(stream, source);
        if (Header.Shape.Length > 2)
            throw new CultureNetException($"{source}: a {Header.Shape.Length}-D array; expected 1-D or 2-D");
        if (Header.Columns > int.MaxValue)
            throw new CultureNetException($"{source}: {Header.Columns} columns is too many");
        Columns = (int)Header.Columns;
        long dataBytes = NpyFormat.DataBytes(Header);
        long holds = availableBytes - Header.DataOffset;
        if (holds < dataBytes)
            throw new CultureNetException($"{source}: truncated — the header declares shape ({string.Join(", ", Header.Shape)}) {NpyFormat.Descr(Element)} = {dataBytes} data bytes, but the file holds only {Math.Max(0, holds)}");
        if (holds > dataBytes)
            throw new CultureNetException($"{source}: {holds - dataBytes} bytes after the {dataBytes} data bytes that shape ({string.Join(", ", Header.Shape)}) {NpyFormat.Descr(Element)} declares; the header and the data disagree");
    }

    /// <summary>Opens a .npy file, or an array of an .npz archive (<paramref name="npzKey"/>, or its only array).</summary>
    public static NpyArrayReader Open(string path, string? npzKey = null)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        if (!path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
        {
            var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            try { return new NpyArrayReader(fs, null, path, fs.Length); }
            catch { fs.Dispose(); throw; }
        }
        var npz = NpzArchive.Open(path);
        try
        {
            var arrays = npz.MemberNames.Where(n => n.EndsWith(".npy", StringComparison.Ordinal)).ToList();
            string member;
            if (npzKey != null)
                member = arrays.FirstOrDefault(n => n == npzKey + ".npy")
                    ?? throw new CultureNetException($"{path}: no array '{npzKey}' (it holds: {string.Join(", ", arrays.Select(a => a[..^4]))})");
            else if (arrays.Count == 1) member = arrays[0];
            else throw new CultureNetException($"{path}: holds {arrays.Count} arrays ({string.Join(", ", arrays.Select(a => a[..^4]))}); name one");
            var stream = npz.OpenMember(member);
            try { return new NpyArrayReader(stream, npz, $"{path}:{member[..^4]}", npz.Length(member)); }
            catch { stream.Dispose(); throw; }
        }
        catch { npz.Dispose(); throw; }
    }

    /// <summary>Names of the arrays in an .npz archive, in archive order.</summary>
    public static IReadOnlyList<string> NpzKeys(string path)
    {
        using var npz = NpzArchive.Open(path);
        return npz.MemberNames.Where(n => n.EndsWith(".npy", StringComparison.Ordinal)).Select(n => n[..^4]).ToList();
    }

    /// <summary>Reads up to <paramref name="rows"/> rows as float (float64 is rounded to nearest). Returns rows read; 0 at the end.</summary>
    public int ReadRows(Span<float> destination, int rows)
    {
        var bytes = ReadRaw(ref rows);
        int count = rows * Columns;
        var dst = destination[..count];
        switch (Element)
        {
            case NpyElement.Float32: MemoryMarshal.Cast<byte, float>(bytes).CopyTo(dst); break;
            case NpyElement.Float16: TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(bytes), dst); break;
            case NpyElement.Float64: { var s = MemoryMarshal.Cast<byte, double>(bytes); for (int i = 0; i < count; i++) dst[i] = (float)s[i]; break; }
            case NpyElement.Int32: { var s = MemoryMarshal.Cast<byte, int>(bytes); for (int i = 0; i < count; i++) dst[i] = s[i]; break; }
            default: { var s = MemoryMarshal.Cast<byte, long>(bytes); for (int i = 0; i < count; i++) dst[i] = s[i]; break; }
        }
        return rows;
    }

    /// <summary>Reads up to <paramref name="rows"/> rows as double (exact for every supported type but int64 beyond 2^53).</summary>
    public int ReadRows(Span<double> destination, int rows)
    {
        var bytes = ReadRaw(ref rows);
        int count = rows * Columns;
        var dst = destination[..count];
        switch (Element)
        {
            case NpyElement.Float64: MemoryMarshal.Cast<byte, double>(bytes).CopyTo(dst); break;
            case NpyElement.Float32: { var s = MemoryMarshal.Cast<byte, float>(bytes); for (int i = 0; i < count; i++) dst[i] = s[i]; break; }
            case NpyElement.Float16: { var s = MemoryMarshal.Cast<byte, Half>(bytes); for (int i = 0; i < count; i++) dst[i] = (double)s[i]; break; }
            case NpyElement.Int32: { var s = MemoryMarshal.Cast<byte, int>(bytes); for (int i = 0; i < count; i++) dst[i] = s[i]; break; }
            default: { var s = MemoryMarshal.Cast<byte, long>(bytes); for (int i = 0; i < count; i++) dst[i] = s[i]; break; }
        }
        return rows;
    }

    private ReadOnlySpan<byte> ReadRaw(ref int rows)
    {
        rows = (int)Math.Min(rows, Rows - _rowsRead);
        if (rows <= 0) { rows = 0; return default; }
        int elementSize = NpyFormat.ElementSize(Element);
        int byteCount = checked(rows * Columns * elementSize);
        if (_buffer.Length < byteCount) _buffer = new byte[byteCount];
        int got = NpyFormat.ReadFully(_stream, _buffer.AsSpan(0, byteCount));
        if (got < byteCount)
            throw new CultureNetException($"{Source}: truncated — the data end after row {_rowsRead + got / (Columns * elementSize)} of the {Rows} rows the header declares");
        _rowsRead += rows;
        return _buffer.AsSpan(0, byteCount);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _owner?.Dispose();
    }
}
