using CultureNet.Engine.IO;
using ScottPlot;

namespace CultureNet.Engine.Figures;

/// <summary>
/// The engagement trace of one recording: the estimate per frame (points) and its centred rolling mean (line) against
/// time in seconds, or against the frame number when times are unknown.
/// </summary>
public static class EngagementTraceFigure
{
    public const int Width = 1000, Height = 420;

    /// <summary>The centred rolling mean over <paramref name="window"/> values (shorter at the ends).</summary>
    public static double[] RollingMean(IReadOnlyList<float> values, int window)
    {
        if (window < 1) throw new CultureNetException($"--window {window}: expected at least 1 frame");
        var sums = new double[values.Count + 1];
        for (int i = 0; i < values.Count; i++) sums[i + 1] = sums[i] + values[i];
        var mean = new double[values.Count];
        int half = window / 2;
        for (int i = 0; i < values.Count; i++)
        {
            int lo = Math.Max(0, i - half), hi = Math.Min(values.Count, i - half + window);
            mean[i] = (sums[hi] - sums[lo]) / (hi - lo);
        }
        return mean;
    }

    /// <param name="x">Time in seconds per value, or frame numbers (<paramref name="xIsTime"/> false).</param>
    public static void Write(string path, IReadOnlyList<double> x, IReadOnlyList<float> engagement, bool xIsTime, int window, string title)
    {
        if (x.Count != engagement.Count) throw new ArgumentException("one x per engagement value");
        if (engagement.Count == 0) throw new CultureNetException($"{path}: no engagement values to plot");
        var plot = new Plot();
        var xs = x.ToArray();
        var points = plot.Add.ScatterPoints(xs, engagement.Select(v => (double)v).ToArray());
        points.MarkerSize = 4;
        points.Color = Colors.Gray.WithAlpha(0.6);
        points.LegendText = "per frame";
        var line = plot.Add.ScatterLine(xs, RollingMean(engagement, window));
        line.LineWidth = 2;
        line.Color = Colors.Blue;
        line.LegendText = $"rolling mean ({window} frames)";
        plot.Title(title);
        plot.XLabel(xIsTime ? "time [s]" : "frame");
        plot.YLabel("estimated engagement");
        plot.ShowLegend(Alignment.UpperRight);
        var bytes = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}
