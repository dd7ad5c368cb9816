using System.Globalization;
using CultureNet.Engine.IO;
using CultureNet.Engine.Protocol.Running;

namespace CultureNet.Engine.Reports;

/// <summary>fits.csv: <c>key,run,epochs,loss,val_loss</c>, one line per fit in plan order. Written atomically.</summary>
public static class FitsCsv
{
    public const string Header = "key,run,epochs,loss,val_loss";

    public static void Write(string path, IEnumerable<FitResult> fits) => AtomicFile.WriteText(path, w =>
    {
        w.WriteLine(Header);
        foreach (var r in fits)
            w.WriteLine(string.Join(',', r.Key, r.Run.ToString(CultureInfo.InvariantCulture), r.Summary.Epochs.ToString(CultureInfo.InvariantCulture),
                r.Summary.Loss.ToString("R", CultureInfo.InvariantCulture), r.Summary.ValidationLoss.ToString("R", CultureInfo.InvariantCulture)));
    });
}
