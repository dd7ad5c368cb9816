using System.Globalization;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Protocol.Running;

namespace CultureNet.Engine.Reports.Formats;

/// <summary>fits.csv: <c>key,run,epochs,loss,val_loss</c>, one line per fit in plan order, plus <c>backend,precision</c>
/// when the networks did not compute in the default float32 on onednn (the default keeps the file's bytes as they were
/// before the choice existed; protocol.json names it). Written atomically.</summary>
public static class FitsCsv
{
    public const string Header = "key,run,epochs,loss,val_loss";
    public const string EngineColumns = "backend,precision";

    public static void Write(string path, IEnumerable<FitResult> fits, GenNetTrainingOptions? training = null) => AtomicFile.WriteText(path, w =>
    {
        string? engine = training is null || training.IsDefaultEngine ? null : $"{training.Backend},{training.EffectivePolicy.Name}";
        w.WriteLine(engine is null ? Header : Header + "," + EngineColumns);
        foreach (var r in fits)
        {
            var line = string.Join(',', r.Key, r.Run.ToString(CultureInfo.InvariantCulture), r.Summary.Epochs.ToString(CultureInfo.InvariantCulture),
                r.Summary.Loss.ToString("R", CultureInfo.InvariantCulture), r.Summary.ValidationLoss.ToString("R", CultureInfo.InvariantCulture));
            w.WriteLine(engine is null ? line : line + "," + engine);
        }
    });
}
