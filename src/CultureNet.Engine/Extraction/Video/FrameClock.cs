using System.Globalization;
using System.Text.RegularExpressions;

namespace CultureNet.Engine.Extraction.Video;

/// <summary>
/// Presentation times of the frames ffmpeg delivers, read from its <c>showinfo</c> filter's log lines
/// (<c>n:  12 pts: 4004 pts_time:0.1334 …</c>). ffmpeg logs a frame before it writes the frame's bytes, but the log and
/// the pixels arrive through different pipes, so <see cref="TimeOf"/> waits until the line for that frame has been read.
/// </summary>
internal sealed partial class FrameClock
{
    private readonly Dictionary<int, double> _times = new();
    private readonly object _gate = new();
    private bool _ended;

    [GeneratedRegex(@"\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:(\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex ShowInfoLine();

    /// <summary>Feeds one stderr line (non-showinfo lines are ignored).</summary>
    public void Observe(string line)
    {
        if (!line.Contains("showinfo", StringComparison.Ordinal)) return;
        var m = ShowInfoLine().Match(line);
        if (!m.Success) return;
        int n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        double t = double.TryParse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
        lock (_gate)
        {
            _times[n] = t;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>No more lines will come (ffmpeg exited).</summary>
    public void End()
    {
        lock (_gate)
        {
            _ended = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The time of frame <paramref name="n"/>; null when ffmpeg ended without logging it or gave no time.</summary>
    public double? TimeOf(int n, CancellationToken cancel)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_times.Remove(n, out var t)) return double.IsFinite(t) ? t : null;
                if (_ended) return null;
                cancel.ThrowIfCancellationRequested();
                Monitor.Wait(_gate, 100);
            }
        }
    }
}
