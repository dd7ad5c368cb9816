namespace CultureNet.Engine.Extraction;

/// <summary>Container format of an image file, found from its first bytes (never from the file name).</summary>
public enum ImageFormat { Jpeg, Png }

/// <summary>How the file stores colour, read from its header (PNG IHDR colour type, JPEG frame component count).</summary>
public enum SourceColorModel
{
    /// <summary>Three colour channels (JPEG YCbCr/RGB, PNG truecolour).</summary>
    Rgb,
    /// <summary>PNG truecolour with alpha: the alpha channel is ignored (as PIL's <c>convert("RGB")</c>).</summary>
    RgbAlpha,
    /// <summary>PNG palette image: expanded to RGB.</summary>
    Palette,
    /// <summary>One grey channel (JPEG with one component, PNG grey-scale): converted to RGB by copying it into R, G and B.</summary>
    Grey,
    /// <summary>PNG grey-scale with alpha: alpha ignored, grey copied into R, G and B.</summary>
    GreyAlpha,
    /// <summary>JPEG with four components (CMYK/YCCK): rejected, see <see cref="ImageDecoder"/>.</summary>
    Cmyk,
}

/// <summary>A decoded image: 8-bit RGB, rows top to bottom, pixels interleaved R,G,B (HWC).</summary>
public sealed class DecodedImage
{
    public DecodedImage(int width, int height, byte[] rgb, ImageFormat format, SourceColorModel source)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "image size must be positive");
        if (rgb.Length < checked(width * height * 3)) throw new ArgumentException("pixel buffer is shorter than width × height × 3", nameof(rgb));
        Width = width;
        Height = height;
        Rgb = rgb;
        Format = format;
        Source = source;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Width × Height × 3 bytes, RGB interleaved.</summary>
    public byte[] Rgb { get; }

    public ImageFormat Format { get; }

    /// <summary>The colour model the file stored; <see cref="SourceColorModel.Grey"/> means the RGB channels are equal copies.</summary>
    public SourceColorModel Source { get; }

    public bool WasGrey => Source is SourceColorModel.Grey or SourceColorModel.GreyAlpha;
}
