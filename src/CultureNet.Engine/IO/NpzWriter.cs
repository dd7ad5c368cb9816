using System.IO.Compression;
using CultureNet.Engine.Data;

namespace CultureNet.Engine.IO;

/// <summary>
/// Writes an .npz archive as np.savez does (uncompressed .npy members), byte for byte the same for the same arrays:
/// every member gets the zip format's earliest timestamp (1980-01-01 00:00) instead of the clock's, so two identical
/// runs leave identical files.
/// </summary>
public static class NpzWriter
{
    /// <summary>The DOS date/time origin, the smallest timestamp a zip entry can hold.</summary>
    public static readonly DateTimeOffset FixedTimestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public readonly record struct Array(string Key, NpyElement Element, long[] Shape, ReadOnlyMemory<byte> Data);

    /// <summary>Writes the arrays, in order, as members KEY.npy of an archive on <paramref name="stream"/> (left open).</summary>
    public static void Write(Stream stream, IEnumerable<Array> arrays)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var a in arrays)
        {
            long expected = a.Shape.Aggregate(1L, (x, y) => checked(x * y)) * NpyFormat.ElementSize(a.Element);
            if (a.Data.Length != expected)
                throw new ArgumentException($"{a.Key}: {a.Data.Length} data bytes for shape ({string.Join(", ", a.Shape)}) {NpyFormat.Descr(a.Element)}, expected {expected}");
            var entry = zip.CreateEntry(a.Key + ".npy", CompressionLevel.NoCompression);
            entry.LastWriteTime = FixedTimestamp;
            using var member = entry.Open();
            member.Write(NpyFormat.WriteHeader(a.Element, a.Shape));
            member.Write(a.Data.Span);
        }
    }
}
