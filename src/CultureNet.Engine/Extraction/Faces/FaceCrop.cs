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
        for (int i = 0; i < size; i++)
        {
            double sy = y0 + (i + 0.5) * scale - 0.5;
            int fy = (int)Math.Floor(sy);
            double ay = sy - fy;
            for (int j = 0; j < size; j++)
            {
                double sx = x0 + (j + 0.5) * scale - 0.5;
                int fx = (int)Math.Floor(sx);
                double ax = sx - fx;
                double w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
                bool x0In = fx >= 0 && fx < width, x1In = fx + 1 >= 0 && fx + 1 < width;
                bool y0In = fy >= 0 && fy < height, y1In = fy + 1 >= 0 && fy + 1 < height;
                int o = (i * size + j) * 3;
                for (int c = 0; c < 3; c++)
                {
                    double v = 0;
                    if (y0In)
                    {
                        int row = fy * stride + c;
                        if (x0In) v += w00 * rgb[row + fx * 3];
                        if (x1In) v += w01 * rgb[row + (fx + 1) * 3];
                    }
                    if (y1In)
                    {
                        int row = (fy + 1) * stride + c;
                        if (x0In) v += w10 * rgb[row + fx * 3];
                        if (x1In) v += w11 * rgb[row + (fx + 1) * 3];
                    }
                    dest[o + c] = (byte)Math.Clamp((int)Math.Floor(v + 0.5), 0, 255);
                }
            }
        }
    }
}
