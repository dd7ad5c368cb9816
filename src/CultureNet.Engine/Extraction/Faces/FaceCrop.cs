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
        // Per column: the left neighbour's byte offset and the two weights, a weight zeroed for a neighbour outside
        // the frame (black); rows likewise. Same arithmetic as sampling each pixel on its own, done once per line.
        var col = new (int Offset, double W0, double W1)[size];
        for (int j = 0; j < size; j++)
        {
            double sx = x0 + (j + 0.5) * scale - 0.5;
            int fx = (int)Math.Floor(sx);
            double ax = sx - fx;
            col[j] = (fx * 3, fx >= 0 && fx < width ? 1 - ax : 0, fx + 1 >= 0 && fx + 1 < width ? ax : 0);
        }
        for (int i = 0; i < size; i++)
        {
            double sy = y0 + (i + 0.5) * scale - 0.5;
            int fy = (int)Math.Floor(sy);
            double ay = sy - fy;
            double v0 = fy >= 0 && fy < height ? 1 - ay : 0, v1 = fy + 1 >= 0 && fy + 1 < height ? ay : 0;
            int row0 = Math.Clamp(fy, 0, height - 1) * stride, row1 = Math.Clamp(fy + 1, 0, height - 1) * stride;
            var outRow = dest.Slice(i * size * 3, size * 3);
            for (int j = 0; j < size; j++)
            {
                var (off, w0, w1) = col[j];
                int o0 = Math.Clamp(off, 0, stride - 3), o1 = Math.Clamp(off + 3, 0, stride - 3);
                double w00 = w0 * v0, w01 = w1 * v0, w10 = w0 * v1, w11 = w1 * v1;
                for (int c = 0; c < 3; c++)
                {
                    double v = w00 * rgb[row0 + o0 + c] + w01 * rgb[row0 + o1 + c] + w10 * rgb[row1 + o0 + c] + w11 * rgb[row1 + o1 + c];
                    outRow[j * 3 + c] = (byte)Math.Clamp((int)Math.Floor(v + 0.5), 0, 255);
                }
            }
        }
    }
}
