using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace CultureNet.Engine.Extraction;

/// <summary>An image that cannot be used; the message starts with the file's path and says why.</summary>
public sealed class ImageDecodeException : CultureNetException
{
    public ImageDecodeException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner ?? new Exception(reason))
    {
        Path = path;
        Reason = reason;
    }

    public string Path { get; }
    public string Reason { get; }
}

/// <summary>What <see cref="ImageHeader.Read"/> found in the first bytes of a file.</summary>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height, SourceColorModel ColorModel, int BitDepth)
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Identifies a JPEG or PNG file from its bytes and reads its size and colour model.
    /// Throws <see cref="ImageDecodeException"/> for an empty file, another format, or a header that ends early.
    /// </summary>
    public static ImageHeader Read(ReadOnlySpan<byte> b, string path)
    {
        if (b.Length == 0) throw new ImageDecodeException(path, "the file is empty; expected a JPEG or PNG image");
        if (b.Length >= 8 && b[..8].SequenceEqual(PngSignature)) return ReadPng(b, path);
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ReadJpeg(b, path);
        string what =
            b.StartsWith("GIF8"u8) ? "a GIF image" :
            b.StartsWith("BM"u8) ? "a BMP image" :
            b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8) ? "a WebP image" :
            b.StartsWith("II*\0"u8) || b.StartsWith("MM\0*"u8) ? "a TIFF image" :
            "not an image";
        string head = Convert.ToHexString(b[..Math.Min(8, b.Length)]);
        throw new ImageDecodeException(path, $"{what} (first bytes {head}); expected a JPEG or PNG image");
    }

    private static ImageHeader ReadPng(ReadOnlySpan<byte> b, string path)
    {
        // signature(8) length(4) "IHDR"(4) width(4) height(4) depth(1) colourType(1)
        if (b.Length < 26 || !b.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw new ImageDecodeException(path, "corrupt PNG: the IHDR header chunk is missing or cut short");
        int w = BinaryPrimitives.ReadInt32BigEndian(b.Slice(16, 4));
        int h = BinaryPrimitives.ReadInt32BigEndian(b.Slice(20, 4));
        int depth = b[24];
        var model = b[25] switch
        {
            0 => SourceColorModel.Grey,
            2 => SourceColorModel.Rgb,
            3 => SourceColorModel.Palette,
            4 => SourceColorModel.GreyAlpha,
            6 => SourceColorModel.RgbAlpha,
            var t => throw new ImageDecodeException(path, $"corrupt PNG: colour type {t} is not defined by the PNG standard"),
        };
        if (w <= 0 || h <= 0) throw new ImageDecodeException(path, $"corrupt PNG: header gives size {w}×{h}");
        return new ImageHeader(ImageFormat.Png, w, h, model, depth);
    }

    private static ImageHeader ReadJpeg(ReadOnlySpan<byte> b, string path)
    {
        int i = 2;
        while (i + 4 <= b.Length)
        {
            if (b[i] != 0xFF) throw new ImageDecodeException(path, $"corrupt JPEG: expected a marker at byte {i}");
            byte m = b[i + 1];
            if (m == 0xFF) { i++; continue; }                       // fill byte
            if (m == 0x01 || m is >= 0xD0 and <= 0xD7) { i += 2; continue; } // markers without a length
            if (m == 0xD9 || m == 0xDA) break;                      // end of image / start of scan before any frame header
            int len = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 2, 2));
            bool sof = m is >= 0xC0 and <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
            if (sof)
            {
                if (i + 10 > b.Length) break;
                int depth = b[i + 4];
                int h = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 5, 2));
                int w = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(i + 7, 2));
                int comps = b[i + 9];
                var model = comps switch
                {
                    1 => SourceColorModel.Grey,
                    3 => SourceColorModel.Rgb,
                    4 => SourceColorModel.Cmyk,
                    _ => throw new ImageDecodeException(path, $"corrupt JPEG: the frame header declares {comps} colour components (expected 1, 3 or 4)"),
                };
                if (w <= 0 || h <= 0) throw new ImageDecodeException(path, $"corrupt JPEG: frame header gives size {w}×{h}");
                return new ImageHeader(ImageFormat.Jpeg, w, h, model, depth);
            }
            i += 2 + len;
        }
        throw new ImageDecodeException(path, "corrupt JPEG: no frame header (SOF) before the image data or the end of the file");
    }
}

/// <summary>
/// Decodes JPEG and PNG files to 8-bit RGB with SkiaSharp (libjpeg-turbo, libpng; MIT licence).
/// Policy, the same for every caller:
/// <list type="bullet">
/// <item>grey-scale (JPEG with one component, PNG grey ± alpha) is converted to RGB by copying the grey value into R, G and B
///   — lossless and unambiguous, the same as PIL's <c>convert("RGB")</c>; <see cref="DecodedImage.Source"/> records it so
///   the caller can count and report it;</item>
/// <item>alpha is ignored (not composited), palette images are expanded — again as PIL's <c>convert("RGB")</c>;</item>
/// <item>CMYK/YCCK JPEGs are rejected: turning ink values into screen RGB needs the file's colour profile, and a
///   naive formula gives colours a backbone was never trained on; convert such files to RGB first;</item>
/// <item>embedded ICC profiles are not applied (the pixel values are used as stored, as PIL and OpenCV do);</item>
/// <item>a file that decodes only partly (truncated, corrupt data, a decoder warning, a failed PNG chunk CRC) is an error —
///   never zero- or grey-filled (<see cref="ImageIntegrity"/>).</item>
/// </list>
/// Thread-safe: every call uses its own decoder.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Images with more pixels than this are refused (a guard against decompression bombs).</summary>
    public const long MaxPixels = 100_000_000;

    public static DecodedImage Decode(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException) { throw new ImageDecodeException(path, "file not found"); }
        catch (DirectoryNotFoundException) { throw new ImageDecodeException(path, "file not found (its folder does not exist)"); }
        catch (UnauthorizedAccessException e) { throw new ImageDecodeException(path, "permission denied", e); }
        catch (IOException e) { throw new ImageDecodeException(path, $"cannot read the file: {e.Message}", e); }
        return Decode(bytes, path);
    }

    /// <summary>Decodes an in-memory file; <paramref name="path"/> only names it in errors.</summary>
    public static unsafe DecodedImage Decode(byte[] bytes, string path)
    {
        var header = ImageHeader.Read(bytes, path);
        if (header.ColorModel == SourceColorModel.Cmyk)
            throw new ImageDecodeException(path,
                "CMYK JPEG is not supported (converting ink values to RGB needs the file's colour profile); convert it to RGB first");
        if ((long)header.Width * header.Height > MaxPixels)
            throw new ImageDecodeException(path, $"image is {header.Width}×{header.Height}, more than the {MaxPixels:N0}-pixel limit");

        // The codec takes ownership of the stream.
        using var codec = SKCodec.Create(new SKMemoryStream(bytes), out var createResult);
        if (codec is null && createResult == SKCodecResult.IncompleteInput)
            throw new ImageDecodeException(path, $"truncated {header.Format.ToString().ToUpperInvariant()}: the file ends before the image data is complete");
        if (codec is null)
            throw new ImageDecodeException(path, $"corrupt {header.Format.ToString().ToUpperInvariant()}: the decoder rejected it ({createResult})");
        int w = codec.Info.Width, h = codec.Info.Height;
        if (w != header.Width || h != header.Height)
            throw new ImageDecodeException(path, $"corrupt image: header says {header.Width}×{header.Height}, decoder found {w}×{h}");

        // Unpremultiplied RGBA and no colour space: the stored values come out untouched (alpha not applied, no ICC transform).
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        byte[] rgba = new byte[info.BytesSize];
        SKCodecResult result;
        fixed (byte* p = rgba)
            result = codec.GetPixels(info, (IntPtr)p);
        switch (result)
        {
            case SKCodecResult.Success:
                break;
            case SKCodecResult.IncompleteInput:
                throw new ImageDecodeException(path, "truncated image: the data ends before the last row (not zero-filled; the image is skipped)");
            case SKCodecResult.ErrorInInput:
                throw new ImageDecodeException(path, "corrupt image data (the decoder found errors in the compressed stream)");
            default:
                throw new ImageDecodeException(path, $"cannot decode the image ({result})");
        }

        // Skia reports Success for some damaged files (see ImageIntegrity): those are refused too.
        ImageIntegrity.Check(bytes, header.Format, path);

        byte[] rgb = GC.AllocateUninitializedArray<byte>(w * h * 3);
        RgbaToRgb(rgba, rgb);
        return new DecodedImage(w, h, rgb, header.Format, header.ColorModel);
    }

    private static void RgbaToRgb(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        int n = rgb.Length / 3;
        for (int i = 0, s = 0, d = 0; i < n; i++, s += 4, d += 3)
        {
            rgb[d] = rgba[s];
            rgb[d + 1] = rgba[s + 1];
            rgb[d + 2] = rgba[s + 2];
        }
    }
}
