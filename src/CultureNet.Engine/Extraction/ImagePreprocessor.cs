namespace CultureNet.Engine.Extraction;

/// <summary>
/// Turns a decoded image into one backbone input sample: resize the shorter side to <see cref="ResizeShorterSide"/>
/// (Pillow-compatible antialiased bilinear, see <see cref="Resampler"/>), centre-crop <see cref="CropWidth"/> ×
/// <see cref="CropHeight"/>, normalise (<see cref="PixelNormalization"/>) and lay out as <see cref="Layout"/>.
///
/// Images smaller than the crop (width &lt; CropWidth or height &lt; CropHeight): with <see cref="AllowUpscale"/> off
/// (the default) they are rejected with an error naming the file and both sizes — enlarging a tiny face crop invents
/// detail and gives features unlike the rest of the data set; with it on they are enlarged like any other image and
/// counted as upscaled. Thread-safe (immutable).
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly float[] _mul;    // per model channel: Scale / Std[c]
    private readonly float[] _offset; // per model channel and pixel: (Mean[c] + MeanImage[c,y,x]) / Std[c], channels-first
    private readonly int[] _source;   // model channel c reads RGB channel _source[c]

    public ImagePreprocessor(int resizeShorterSide, int cropWidth, int cropHeight, PixelNormalization normalization,
        TensorLayout layout, bool allowUpscale = false)
    {
        if (cropWidth <= 0 || cropHeight <= 0) throw new CultureNetException($"crop size {cropWidth}×{cropHeight} must be positive");
        if (resizeShorterSide < Math.Max(cropWidth, cropHeight))
            throw new CultureNetException($"--size {resizeShorterSide} is smaller than the backbone's input {cropWidth}×{cropHeight}; the resized image must contain the crop");
        normalization.Validate(cropWidth, cropHeight);
        ResizeShorterSide = resizeShorterSide;
        CropWidth = cropWidth;
        CropHeight = cropHeight;
        Normalization = normalization;
        Layout = layout;
        AllowUpscale = allowUpscale;

        int plane = cropWidth * cropHeight;
        _mul = new float[3];
        _offset = new float[3 * plane];
        _source = normalization.Order == ChannelOrder.Rgb ? [0, 1, 2] : [2, 1, 0];
        for (int c = 0; c < 3; c++)
        {
            float std = normalization.Std[c];
            _mul[c] = normalization.Scale / std;
            for (int i = 0; i < plane; i++)
                _offset[c * plane + i] = (normalization.Mean[c] + (normalization.MeanImage?[c * plane + i] ?? 0f)) / std;
        }
    }

    public int ResizeShorterSide { get; }
    public int CropWidth { get; }
    public int CropHeight { get; }
    public PixelNormalization Normalization { get; }
    public TensorLayout Layout { get; }
    public bool AllowUpscale { get; }

    /// <summary>Floats per sample: 3 × CropHeight × CropWidth.</summary>
    public int SampleLength => 3 * CropWidth * CropHeight;

    /// <summary>Shape of a batch of <paramref name="n"/> samples in <see cref="Layout"/>.</summary>
    public long[] BatchShape(int n) => Layout == TensorLayout.Nchw
        ? [n, 3, CropHeight, CropWidth]
        : [n, CropHeight, CropWidth, 3];

    /// <summary>True when the image is smaller than the crop in width or height (it would have to be enlarged).</summary>
    public bool IsSmallerThanCrop(int width, int height) => width < CropWidth || height < CropHeight;

    /// <summary>Resize + centre crop only: CropHeight × CropWidth × 3 RGB bytes (the step an independent implementation can check exactly).</summary>
    public byte[] ResizeCrop(DecodedImage image, string path)
    {
        CheckSize(image, path);
        var crop = new byte[CropWidth * CropHeight * 3];
        Resampler.ResizeCenterCrop(image.Rgb, image.Width, image.Height, ResizeShorterSide, CropWidth, CropHeight, crop);
        return crop;
    }

    /// <summary>Full preprocessing of one image into <paramref name="dest"/> (<see cref="SampleLength"/> floats). Returns true when the image was enlarged.</summary>
    public bool Preprocess(DecodedImage image, Span<float> dest, string path)
    {
        bool upscaled = CheckSize(image, path);
        byte[] crop = System.Buffers.ArrayPool<byte>.Shared.Rent(CropWidth * CropHeight * 3);
        try
        {
            Resampler.ResizeCenterCrop(image.Rgb, image.Width, image.Height, ResizeShorterSide, CropWidth, CropHeight, crop);
            Normalize(crop, dest);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(crop);
        }
        return upscaled;
    }

    /// <summary>Normalises a CropHeight × CropWidth × 3 RGB crop into <paramref name="dest"/> in <see cref="Layout"/>.</summary>
    public void Normalize(ReadOnlySpan<byte> crop, Span<float> dest)
    {
        int plane = CropWidth * CropHeight;
        if (crop.Length < 3 * plane) throw new ArgumentException("crop buffer too short", nameof(crop));
        if (dest.Length < 3 * plane) throw new ArgumentException("destination shorter than one sample", nameof(dest));
        for (int c = 0; c < 3; c++)
        {
            int src = _source[c];
            float mul = _mul[c];
            var off = _offset.AsSpan(c * plane, plane);
            if (Layout == TensorLayout.Nchw)
            {
                var d = dest.Slice(c * plane, plane);
                for (int i = 0; i < plane; i++)
                    d[i] = crop[3 * i + src] * mul - off[i];
            }
            else
            {
                for (int i = 0; i < plane; i++)
                    dest[3 * i + c] = crop[3 * i + src] * mul - off[i];
            }
        }
    }

    private bool CheckSize(DecodedImage image, string path)
    {
        if (!IsSmallerThanCrop(image.Width, image.Height)) return false;
        if (!AllowUpscale)
            throw new ImageDecodeException(path,
                $"image is {image.Width}×{image.Height}, smaller than the backbone's {CropWidth}×{CropHeight} crop; " +
                "it is skipped (pass --allow-upscale to enlarge such images instead)");
        return true;
    }
}
