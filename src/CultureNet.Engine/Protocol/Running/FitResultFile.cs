using CultureNet.Engine.Cohort;
using CultureNet.Engine.Determinism;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.IO;
using System.Text;

namespace CultureNet.Engine.Protocol.Running;

/// <summary>
/// The per-fit result file of a resumable protocol run: little-endian binary, magic "CNFITRS1", the fit key, fingerprint,
/// summary and every evaluation (setting, child, frames, labels, predictions), then an FNV-1a 64 checksum of all
/// preceding bytes. Written atomically; a file that fails to parse or check is treated as absent.
/// </summary>
public static class FitResultFile
{
    private static readonly byte[] Magic = "CNFITRS1"u8.ToArray();

    public static void Write(string path, FitResult result) => AtomicFile.Write(path, stream =>
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(result.Key);
            w.Write(result.Run);
            w.Write(result.Fingerprint);
            w.Write(result.Summary.Epochs);
            w.Write(result.Summary.Loss);
            w.Write(result.Summary.ValidationLoss);
            w.Write(result.Evaluations.Count);
            foreach (var e in result.Evaluations)
            {
                e.Validate();
                w.Write(e.Setting.Name);
                w.Write(e.Run);
                w.Write(e.Child.Culture);
                w.Write(e.Child.Child);
                w.Write(e.Frames.Length);
                foreach (int f in e.Frames) w.Write(f);
                foreach (float l in e.Labels) w.Write(l);
                foreach (float p in e.Predictions) w.Write(p);
            }
        }
        var bytes = buffer.ToArray();
        stream.Write(bytes);
        stream.Write(BitConverter.GetBytes(Checksum(bytes)));
    });

    /// <summary>The result stored at <paramref name="path"/>, or null if there is none or it is damaged.</summary>
    public static FitResult? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        byte[] all;
        try { all = File.ReadAllBytes(path); }
        catch (IOException) { return null; }
        if (all.Length < Magic.Length + 8) return null;
        var body = all.AsSpan(0, all.Length - 8);
        if (BitConverter.ToUInt64(all, all.Length - 8) != Checksum(body) || !body[..Magic.Length].SequenceEqual(Magic)) return null;
        try
        {
            using var r = new BinaryReader(new MemoryStream(all, Magic.Length, body.Length - Magic.Length), Encoding.UTF8);
            string key = r.ReadString();
            int fitRun = r.ReadInt32();
            ulong fingerprint = r.ReadUInt64();
            var summary = new FitSummary(r.ReadInt32(), r.ReadDouble(), r.ReadDouble());
            int count = r.ReadInt32();
            var evaluations = new List<EvaluationResult>(count);
            for (int i = 0; i < count; i++)
            {
                var setting = SettingVariant.Parse(r.ReadString());
                int run = r.ReadInt32();
                var child = new ChildId(r.ReadByte(), r.ReadInt32());
                int n = r.ReadInt32();
                var frames = new int[n];
                var labels = new float[n];
                var predictions = new float[n];
                for (int j = 0; j < n; j++) frames[j] = r.ReadInt32();
                for (int j = 0; j < n; j++) labels[j] = r.ReadSingle();
                for (int j = 0; j < n; j++) predictions[j] = r.ReadSingle();
                evaluations.Add(new EvaluationResult(setting, run, child, frames, labels, predictions));
            }
            return new FitResult(key, fitRun, fingerprint, summary, evaluations);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or CultureNetException or FormatException)
        {
            return null;
        }
    }

    private static ulong Checksum(ReadOnlySpan<byte> bytes) => Fnv1a64.Of(bytes);
}
