using CultureNet.Engine.Cohort;
using CultureNet.Engine.IO;
using CultureNet.Engine.Data;

namespace CultureNet.Engine.Tests.Data;

/// <summary>Small deterministic cohorts for store tests: rows with known features, in store (grouped) order.</summary>
public sealed record TestRows(byte[] Cultures, int[] Children, int[] Frames, float[] Labels, float[] Features, int Dim)
{
    public int Count => Labels.Length;

    public ReadOnlySpan<float> Row(int i) => Features.AsSpan(i * Dim, Dim);

    /// <summary>childrenPerCulture children per culture, frames frames each, grouped by (culture, child) in frame order.</summary>
    public static TestRows Make(int childrenPerCulture = 3, int frames = 20, int dim = 16, int seed = 1, bool bigValues = false)
    {
        var rng = new Random(seed);
        var c = new List<byte>(); var k = new List<int>(); var f = new List<int>(); var y = new List<float>(); var x = new List<float>();
        for (byte culture = 0; culture < 2; culture++)
            foreach (int child in CultureCodes.ReferenceChildIds(culture).Take(childrenPerCulture))
                for (int t = 0; t < frames; t++)
                {
                    c.Add(culture); k.Add(child); f.Add(t * 3 + 1); // gaps in frame numbers, as after face detection drops frames
                    y.Add((float)(rng.NextDouble() * 2 - 1));
                    for (int j = 0; j < dim; j++) x.Add((float)((rng.NextDouble() * 2 - 1) * (bigValues ? 1000 : 3)));
                }
        return new TestRows(c.ToArray(), k.ToArray(), f.ToArray(), y.ToArray(), x.ToArray(), dim);
    }

    public void WriteStore(string dir, FeatureDType dtype = FeatureDType.Float32, IEnumerable<int>? order = null)
    {
        using var w = FeatureStoreWriter.Create(dir, Dim, dtype);
        foreach (int i in order ?? Enumerable.Range(0, Count))
            w.Append(Cultures[i], Children[i], Frames[i], Labels[i], Row(i));
        w.Finish();
    }

    /// <summary>The reference layout: one matrix [culture, child, frame, f…, label] for a culture, as float32.</summary>
    public float[] ReferenceMatrix(int culture, out int rows)
    {
        var result = new List<float>();
        rows = 0;
        for (int i = 0; i < Count; i++)
        {
            if (Cultures[i] != culture) continue;
            result.Add(Cultures[i]); result.Add(Children[i]); result.Add(Frames[i]);
            result.AddRange(Row(i).ToArray());
            result.Add(Labels[i]);
            rows++;
        }
        return result.ToArray();
    }

    public void WriteReferenceNpy(string path, int culture)
    {
        var m = ReferenceMatrix(culture, out int rows);
        using var w = new NpyArrayWriter(path, NpyElement.Float32, rows, Dim + 4);
        w.WriteRows(m);
        w.Finish();
    }

    public void WriteFeaturesAndMetadata(string xPath, string metaPath)
    {
        using (var w = new NpyArrayWriter(xPath, NpyElement.Float32, Count, Dim))
        {
            w.WriteRows(Features);
            w.Finish();
        }
        using var csv = new StreamWriter(metaPath);
        csv.WriteLine("culture,child,frame,label");
        for (int i = 0; i < Count; i++)
            csv.WriteLine(FormattableString.Invariant($"{Cultures[i]},{Children[i]},{Frames[i]},{Labels[i]:R}"));
    }
}
