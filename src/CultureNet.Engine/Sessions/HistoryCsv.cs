using System.Globalization;
using System.Text;
using CultureNet.Engine.IO;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Sessions;

/// <summary><c>fit --history</c>: one row per epoch with the logged metrics, the epoch's seconds and samples/s.</summary>
public static class HistoryCsv
{
    public static void Write(string path, History h)
    {
        var keys = new[] { "loss", "mae", "val_loss", "val_mae" }.Where(h.Contains).ToList();
        var csv = new StringBuilder("epoch," + string.Join(",", keys) + ",seconds,samples_per_s\n");
        for (int i = 0; i < h.Epoch.Count; i++)
        {
            csv.Append(h.Epoch[i] + 1);
            foreach (var key in keys) csv.Append(',').Append(h[key][i].ToString("R", CultureInfo.InvariantCulture));
            csv.Append(',').Append(h.EpochSeconds[i].ToString("F4", CultureInfo.InvariantCulture));
            csv.Append(',').Append(h.SamplesPerSecond[i].ToString("F1", CultureInfo.InvariantCulture)).Append('\n');
        }
        AtomicFile.WriteAllText(path, csv.ToString());
    }
}
