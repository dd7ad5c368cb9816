namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// The crop rule: a square centred on the box, side = max(width, height) × margin, drawn into size × size pixels with
/// bilinear filtering; whatever lies outside the frame is black.
///
/// Output pixel (row i, column j) samples the frame at x = x0 + (j + ½)·side/size − ½, y = y0 + (i + ½)·side/size − ½
/// (pixel centres; x0, y0 the square's top-left corner), bilinear over the four nearest pixels, a neighbour outside the
/// frame counting as black, rounded to the nearest integer.
/// </summary>
public static class FaceCrop
{
    /// <summary>The square the rule cuts for <paramref name="box"/>: its centre and side, in frame pixels.</summary>
    public static (double CenterX, double CenterY, double Side) Square(in FaceBox box, double margin) =>
        ((box.X1 + (double)box.X2) / 2, (box.Y1 + (double)box.Y2) / 2, Math.Max(box.Width, box.Height) * margin);

    /// <summary>Draws the crop of <paramref name="box"/> into <paramref name="dest"/> (size × size × 3 bytes, RGB).</summary>
    public static void Draw(ReadOnlySpan<byte> rgb, int width, int height, in FaceBox box, double margin, int size, Span<byte> dest)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), "crop size must be positive");
        if (rgb.Length < width * height * 3) throw new ArgumentException("frame buffer shorter than width × height × 3", nameof(rgb));
        if (dest.Length < size * size * 3) throw new ArgumentException("destination shorter than size × size × 3", nameof(dest));
        var (cx, cy, side) = Square(box, margin);
        double scale = side / size, x0 = cx - side / 2, y0 = cy - side / 2;
        int stride = width * 3;
        // Per column: both neighbours' byte offsets (clamped into the row) and weights, a weight zeroed for a neighbour
        // outside the frame (black); rows likewise. Same arithmetic as sampling each pixel on its own, done once per
        // line instead of once per pixel (the crop of every face of every frame goes through here).
        var pool = System.Buffers.ArrayPool<int>.Shared;
        var poolD = System.Buffers.ArrayPool<double>.Shared;
        int[] off0 = pool.Rent(size), off1 = pool.Rent(size);
        double[] cw0 = poolD.Rent(size), cw1 = poolD.Rent(size);
        try
        {
            for (int j = 0; j < size; j++)
            {
                double sx = x0 + (j + 0.5) * scale - 0.5;
                int fx = (int)Math.Floor(sx);
                double ax = sx - fx;
                cw0[j] = fx >= 0 && fx < width ? 1 - ax : 0;
                cw1[j] = fx + 1 >= 0 && fx + 1 < width ? ax : 0;
                off0[j] = Math.Clamp(fx * 3, 0, stride - 3);
                off1[j] = Math.Clamp(fx * 3 + 3, 0, stride - 3);
            }
            for (int i = 0; i < size; i++)
            {
                double sy = y0 + (i + 0.5) * scale - 0.5;
                int fy = (int)Math.Floor(sy);
                double ay = sy - fy;
                double v0 = fy >= 0 && fy < height ? 1 - ay : 0, v1 = fy + 1 >= 0 && fy + 1 < height ? ay : 0;
                var outRow = dest.Slice(i * size * 3, size * 3);
                if (v0 == 0 && v1 == 0) { outRow.Clear(); continue; } // a row wholly above or below the frame
                var row0 = rgb.Slice(Math.Clamp(fy, 0, height - 1) * stride, stride);
                var row1 = rgb.Slice(Math.Clamp(fy + 1, 0, height - 1) * stride, stride);
                for (int j = 0; j < size; j++)
                {
                    int o0 = off0[j], o1 = off1[j];
                    double w00 = cw0[j] * v0, w01 = cw1[j] * v0, w10 = cw0[j] * v1, w11 = cw1[j] * v1;
                    for (int c = 0; c < 3; c++)
                    {
                        double v = w00 * row0[o0 + c] + w01 * row0[o1 + c] + w10 * row1[o0 + c] + w11 * row1[o1 + c];
                        // v ≥ 0 (non-negative weights and pixels), so truncating v + ½ rounds to nearest like Floor.
                        outRow[j * 3 + c] = (byte)Math.Min((int)(v + 0.5), 255);
                    }
                }
            }
        }
        finally
        {
            pool.Return(off0);
            pool.Return(off1);
            poolD.Return(cw0);
            poolD.Return(cw1);
        }
    }
}
