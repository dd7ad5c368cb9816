namespace CultureNet.Engine.Extraction;

/// <summary>
/// Resize-then-centre-crop of 8-bit RGB images, bit-compatible with the standard ImageNet evaluation transform
/// <c>torchvision.transforms.Resize(S)</c> + <c>CenterCrop(C)</c> on PIL images (Pillow's antialiased bilinear filter).
///
/// The algorithm is Pillow's (<c>libImaging/Resample.c</c>): a separable triangle filter whose support grows with the
/// downscale factor (so downscaling averages every source pixel, no aliasing), coefficients normalised per output pixel
/// and quantised to 22-bit fixed point, horizontal pass first with the intermediate rounded to bytes, then the vertical
/// pass. Only the output pixels inside the crop window are computed — each output pixel depends only on its own
/// coefficients, so this is exact and saves the work for the discarded border.
///
/// Geometry (torchvision): the shorter side becomes S and the longer <c>floor(S·long/short)</c>; the crop offset is
/// <c>round((resized − C)/2)</c> with round-half-to-even.
/// </summary>
public static class Resampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Size after scaling the shorter side to <paramref name="shorterSide"/> (aspect ratio kept, longer side truncated).</summary>
    public static (int Width, int Height) ResizedSize(int width, int height, int shorterSide)
    {
        if (width <= height)
            return (shorterSide, (int)((double)shorterSide * height / width));
        return ((int)((double)shorterSide * width / height), shorterSide);
    }

    /// <summary>Top-left corner of a centred crop, as torchvision's <c>CenterCrop</c> (Python's round-half-to-even).</summary>
    public static (int X, int Y) CenterCropOffset(int width, int height, int cropWidth, int cropHeight) =>
        ((int)Math.Round((width - cropWidth) / 2.0, MidpointRounding.ToEven),
         (int)Math.Round((height - cropHeight) / 2.0, MidpointRounding.ToEven));

    /// <summary>
    /// Resizes <paramref name="rgb"/> (width × height × 3, interleaved) so its shorter side is <paramref name="shorterSide"/>,
    /// crops the centred <paramref name="cropWidth"/> × <paramref name="cropHeight"/> window and writes it to
    /// <paramref name="dest"/> (cropHeight × cropWidth × 3, interleaved). The resized image must contain the crop.
    /// </summary>
    public static void ResizeCenterCrop(ReadOnlySpan<byte> rgb, int width, int height, int shorterSide,
        int cropWidth, int cropHeight, Span<byte> dest)
    {
        var (rw, rh) = ResizedSize(width, height, shorterSide);
        if (cropWidth > rw || cropHeight > rh)
            throw new ArgumentException($"crop {cropWidth}×{cropHeight} does not fit in the resized {rw}×{rh} image");
        var (cx, cy) = CenterCropOffset(rw, rh, cropWidth, cropHeight);
        ResizeWindow(rgb, width, height, rw, rh, cx, cy, cropWidth, cropHeight, dest);
    }

    /// <summary>
    /// Computes the window [x0, x0+outW) × [y0, y0+outH) of the image resized to <paramref name="resizedWidth"/> ×
    /// <paramref name="resizedHeight"/> (Pillow bilinear, see the class remarks), into <paramref name="dest"/> (outH × outW × 3).
    /// </summary>
    public static void ResizeWindow(ReadOnlySpan<byte> rgb, int width, int height, int resizedWidth, int resizedHeight,
        int x0, int y0, int outW, int outH, Span<byte> dest)
    {
        if (rgb.Length < width * height * 3) throw new ArgumentException("source buffer shorter than width × height × 3");
        if (dest.Length < outW * outH * 3) throw new ArgumentException("destination buffer shorter than the window");
        if (x0 < 0 || y0 < 0 || x0 + outW > resizedWidth || y0 + outH > resizedHeight)
            throw new ArgumentException("window outside the resized image");

        var (hBounds, hCoeffs, hK) = Coefficients(width, resizedWidth, x0, outW);
        var (vBounds, vCoeffs, vK) = Coefficients(height, resizedHeight, y0, outH);

        // Source rows the vertical pass reads (bounds are monotonic in the output index).
        int rowFirst = vBounds[0];
        int rowLast = vBounds[2 * (outH - 1)] + vBounds[2 * (outH - 1) + 1];
        int tempRows = rowLast - rowFirst;
        int tempStride = outW * 3;
        byte[] temp = System.Buffers.ArrayPool<byte>.Shared.Rent(tempRows * tempStride);
        try
        {
            // Horizontal pass: source rows rowFirst..rowLast → temp (tempRows × outW × 3), rounded to bytes as Pillow does.
            int srcStride = width * 3;
            for (int r = 0; r < tempRows; r++)
            {
                var srcRow = rgb.Slice((rowFirst + r) * srcStride, srcStride);
                var dstRow = temp.AsSpan(r * tempStride, tempStride);
                for (int ox = 0; ox < outW; ox++)
                {
                    int xmin = hBounds[2 * ox], n = hBounds[2 * ox + 1];
                    var k = hCoeffs.AsSpan(ox * hK, n);
                    int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                    int p = xmin * 3;
                    for (int j = 0; j < n; j++, p += 3)
                    {
                        int kj = k[j];
                        s0 += srcRow[p] * kj;
                        s1 += srcRow[p + 1] * kj;
                        s2 += srcRow[p + 2] * kj;
                    }
                    dstRow[ox * 3] = Clip8(s0);
                    dstRow[ox * 3 + 1] = Clip8(s1);
                    dstRow[ox * 3 + 2] = Clip8(s2);
                }
            }

            // Vertical pass: temp → dest.
            for (int oy = 0; oy < outH; oy++)
            {
                int ymin = vBounds[2 * oy] - rowFirst, n = vBounds[2 * oy + 1];
                var k = vCoeffs.AsSpan(oy * vK, n);
                var dstRow = dest.Slice(oy * tempStride, tempStride);
                for (int i = 0; i < tempStride; i++)
                {
                    int s = 1 << (PrecisionBits - 1);
                    int p = ymin * tempStride + i;
                    for (int j = 0; j < n; j++, p += tempStride)
                        s += temp[p] * k[j];
                    dstRow[i] = Clip8(s);
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(temp);
        }
    }

    private static byte Clip8(int v)
    {
        v >>= PrecisionBits;
        return v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;
    }

    /// <summary>
    /// Pillow's <c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c> for the bilinear filter, for output indices
    /// first..first+count. Returns (xmin, n) pairs, the fixed-point coefficients (count × kSize) and kSize.
    /// </summary>
    private static (int[] Bounds, int[] Coeffs, int KSize) Coefficients(int inSize, int outSize, int first, int count)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = 1.0 * filterScale; // bilinear filter support is 1
        int kSize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[2 * count];
        var coeffs = new int[count * kSize];
        var w = new double[kSize];
        double ss = 1.0 / filterScale;
        for (int i = 0; i < count; i++)
        {
            int xx = first + i;
            double center = (xx + 0.5) * scale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++)
            {
                double t = Math.Abs((x + xmin - center + 0.5) * ss);
                double v = t < 1.0 ? 1.0 - t : 0.0;
                w[x] = v;
                ww += v;
            }
            for (int x = 0; x < xmax; x++)
            {
                double v = ww != 0.0 ? w[x] / ww : w[x];
                coeffs[i * kSize + x] = v < 0 ? (int)(-0.5 + v * (1 << PrecisionBits)) : (int)(0.5 + v * (1 << PrecisionBits));
            }
            bounds[2 * i] = xmin;
            bounds[2 * i + 1] = xmax;
        }
        return (bounds, coeffs, kSize);
    }
}
