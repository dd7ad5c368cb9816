using SkiaSharp;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>Encodes an RGB crop as an opaque 8-bit PNG (lossless: decoding it gives the same bytes back).</summary>
public static class CropPng
{
    public static byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var rgba = new byte[width * height * 4];
        for (int i = 0, s = 0, d = 0; i < width * height; i++, s += 3, d += 4)
        {
            rgba[d] = rgb[s];
            rgba[d + 1] = rgb[s + 1];
            rgba[d + 2] = rgb[s + 2];
            rgba[d + 3] = 255;
        }
        unsafe
        {
            fixed (byte* p = rgba)
            {
                using var pixmap = new SKPixmap(info, (IntPtr)p, width * 4);
                using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, 6))
                    ?? throw new CultureNetException("PNG encoding of a face crop failed");
                return data.ToArray();
            }
        }
    }
}
