using System.Globalization;
using System.Text;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.IO;

/// <summary>Element types of .npy arrays this engine reads and writes (little-endian only).</summary>
public enum NpyElement { Float16, Float32, Float64, Int32, Int64 }

/// <summary>
/// The .npy header (format versions 1.0, 2.0, 3.0), parsed and written exactly as NumPy does.
/// Why our own rather than NumSharp's np.load/np.save (NumSharp is used in the tests as an independent check):
/// the importers must stream one chunk at a time from both a .npy file and an .npz member — a paper-scale
/// reference matrix is 1.5 GB per culture in float64 — while NumSharp reads an .npz member (a non-seekable
/// zip stream) whole into memory and maps .npy files through a different path (mmap_mode); and every error
/// must say which file and row in our words (a truncated file is reported before anything is read). The format
/// is a few lines of spec (numpy/lib/format.py); tests check our bytes against NumPy's and NumSharp's np.save.
/// </summary>
public static class NpyFormat
{
    private static readonly byte[] MagicBytes = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int ArrayAlign = 64;        // numpy.lib.format.ARRAY_ALIGN
    private const int GrowthAxisMaxDigits = 21; // numpy.lib.format.GROWTH_AXIS_MAX_DIGITS (NumPy ≥ 1.23 pads for in-place growth)

    public readonly record struct Header(NpyElement Element, long[] Shape, long DataOffset)
    {
        public long Rows => Shape.Length == 0 ? 1 : Shape[0];
        public long Columns => Shape.Length <= 1 ? 1 : Shape.Skip(1).Aggregate(1L, (a, b) => checked(a * b));
        public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
    }

    public static int ElementSize(NpyElement e) => e switch
    {
        NpyElement.Float16 => 2,
        NpyElement.Float32 or NpyElement.Int32 => 4,
        _ => 8,
    };

    public static string Descr(NpyElement e) => e switch
    {
        NpyElement.Float16 => "<f2",
        NpyElement.Float32 => "<f4",
        NpyElement.Float64 => "<f8",
        NpyElement.Int32 => "<i4",
        _ => "<i8",
    };

    public static NpyElement ParseElement(string name) => name.ToLowerInvariant() switch
    {
        "float16" or "f2" => NpyElement.Float16,
        "float32" or "f4" => NpyElement.Float32,
        "float64" or "f8" => NpyElement.Float64,
        _ => throw new CultureNetException($"unsupported .npy element type '{name}'; expected float16, float32 or float64"),
    };

    /// <summary>Reads and checks the header from the start of <paramref name="stream"/>; leaves the stream at the data.</summary>
    public static Header ReadHeader(Stream stream, string source)
    {
        Span<byte> pre = stackalloc byte[10];
        if (ReadFully(stream, pre) < 10 || !pre[..6].SequenceEqual(MagicBytes))
            throw new CultureNetException($"{source}: not a .npy file (missing the \\x93NUMPY magic)");
        int major = pre[6], minor = pre[7];
        if (major is not (1 or 2 or 3) || minor != 0)
            throw new CultureNetException($"{source}: .npy format version {major}.{minor} is not supported (1.0, 2.0, 3.0 are)");
        long headerLength;
        int preamble;
        if (major == 1)
        {
            headerLength = pre[8] | (pre[9] << 8);
            preamble = 10;
        }
        else
        {
            Span<byte> two = stackalloc byte[2];
            if (ReadFully(stream, two) < 2) throw new CultureNetException($"{source}: truncated .npy header");
            headerLength = (long)pre[8] | ((long)pre[9] << 8) | ((long)two[0] << 16) | ((long)two[1] << 24);
            preamble = 12;
        }
        // A UTF-8 character takes at most 4 bytes: longer headers cannot hold a dict NumPy would read.
        if (headerLength > 4L * NpyHeaderDict.MaxHeaderChars)
            throw new CultureNetException($"{source}: .npy header length {headerLength} is implausible (NumPy reads at most {NpyHeaderDict.MaxHeaderChars} characters)");
        var text = new byte[headerLength];
        if (ReadFully(stream, text) < headerLength) throw new CultureNetException($"{source}: truncated .npy header");
        string dictText;
        try { dictText = (major == 3 ? StrictUtf8 : Encoding.Latin1).GetString(text); }
        catch (DecoderFallbackException) { throw new CultureNetException($"{source}: the .npy 3.0 header is not valid UTF-8"); }

        var dict = NpyHeaderDict.Parse(dictText, major, source);
        if (dict.FortranOrder)
            throw new CultureNetException($"{source}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray(...)");
        var element = dict.Descr switch
        {
            "<f2" or "|f2" or "=f2" => NpyElement.Float16,
            "<f4" or "|f4" or "=f4" => NpyElement.Float32,
            "<f8" or "|f8" or "=f8" => NpyElement.Float64,
            "<i4" or "|i4" or "=i4" => NpyElement.Int32,
            "<i8" or "|i8" or "=i8" => NpyElement.Int64,
            "|O" or "O" or "<O" => throw new CultureNetException($"{source}: an object array (pickled Python objects) is not supported; expected numeric data"),
            var d => throw new CultureNetException($"{source}: .npy dtype '{d}' is not supported; expected little-endian float16/32/64 or int32/64"),
        };
        var header = new Header(element, dict.Shape, preamble + headerLength);
        try { _ = checked(header.ElementCount * ElementSize(element)); }
        catch (OverflowException) { throw new CultureNetException($"{source}: .npy shape ({string.Join(", ", dict.Shape)}) is too large"); }
        return header;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Data bytes the header declares (shape product × element size; overflow was checked by <see cref="ReadHeader"/>).</summary>
    public static long DataBytes(in Header header) => header.ElementCount * ElementSize(header.Element);

    /// <summary>The header bytes NumPy's np.save would write for a C-ordered array of this shape.</summary>
    public static byte[] WriteHeader(NpyElement element, IReadOnlyList<long> shape)
    {
        string shapeText = shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var sb = new StringBuilder($"{{'descr': '{Descr(element)}', 'fortran_order': False, 'shape': {shapeText}, }}");
        sb.Append(' ', Math.Max(0, GrowthAxisMaxDigits - (shape.Count == 0 ? 1 : shape[0].ToString(CultureInfo.InvariantCulture).Length)));
        int preamble = 10;
        int total = preamble + sb.Length + 1;
        if ((total + ArrayAlign - 1) / ArrayAlign * ArrayAlign - preamble - 1 > ushort.MaxValue) preamble = 12;
        int padded = (preamble + sb.Length + 1 + ArrayAlign - 1) / ArrayAlign * ArrayAlign;
        sb.Append(' ', padded - preamble - sb.Length - 1).Append('\n');
        var text = Encoding.Latin1.GetBytes(sb.ToString());
        var result = new byte[preamble + text.Length];
        MagicBytes.CopyTo(result, 0);
        result[6] = (byte)(preamble == 10 ? 1 : 2);
        result[7] = 0;
        if (preamble == 10)
        {
            result[8] = (byte)text.Length;
            result[9] = (byte)(text.Length >> 8);
        }
        else BitConverter.TryWriteBytes(result.AsSpan(8, 4), text.Length);
        text.CopyTo(result, preamble);
        return result;
    }

    internal static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
