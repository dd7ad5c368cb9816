using CultureNet.Engine.Cohort;
using CultureNet.Engine.IO;
using System.Globalization;
using System.Runtime.InteropServices;

namespace CultureNet.Engine.Data;

/// <summary>Writes a feature store back to NumPy: the reference per-culture matrices, or X.npy plus a metadata CSV.</summary>
public static class StoreExporter
{
    private const int ChunkRows = 512;

    /// <summary>
    /// One matrix per culture, <c>data_{culture}.npy</c>, columns [culture, child, frame, f1 … fD, label], rows in
    /// store order — what the reference code expects after unpickling data_{culture}.pkl. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> ExportReference(FeatureStore store, string outDir, NpyElement element = NpyElement.Float32,
        IProgress<RowProgress>? progress = null)
    {
        if (element == NpyElement.Float16) throw new CultureNetException("the reference layout stores ids in the matrix; float16 cannot hold them exactly — use float32 or float64");
        var written = new List<string>();
        int d = store.Dim, cols = d + 4;
        var cultures = store.Cultures; var children = store.Children; var frames = store.Frames; var labels = store.Labels;
        var features = new float[ChunkRows * d];
        var rows = new float[ChunkRows * cols];
        long done = 0;
        for (int culture = 0; culture < CultureCodes.Count; culture++)
        {
            var (start, count) = store.CultureRange(culture);
            if (count == 0) continue;
            string path = Path.Combine(outDir, $"data_{culture}.npy");
            using var npy = new NpyArrayWriter(path, element, count, cols);
            var index = new long[ChunkRows];
            for (long r0 = start; r0 < start + count; r0 += ChunkRows)
            {
                int n = (int)Math.Min(ChunkRows, start + count - r0);
                for (int i = 0; i < n; i++) index[i] = r0 + i;
                store.GatherRows(index.AsSpan(0, n), features);
                for (int i = 0; i < n; i++)
                {
                    int r = (int)(r0 + i);
                    var dst = rows.AsSpan(i * cols, cols);
                    dst[0] = cultures[r];
                    dst[1] = children[r];
                    dst[2] = frames[r];
                    features.AsSpan(i * d, d).CopyTo(dst[3..]);
                    dst[cols - 1] = labels[r];
                }
                npy.WriteRows(rows.AsSpan(0, n * cols));
                done += n;
                progress?.Report(new RowProgress(done, store.RowCount));
            }
            npy.Finish();
            written.Add(path);
        }
        return written;
    }

    /// <summary>
    /// Features as an N × D .npy (float32 by default; float16 copies a float16 store's bytes unchanged) and
    /// a CSV with header culture,child,frame,label describing row i of X on data line i.
    /// </summary>
    public static void ExportFeaturesWithMetadata(FeatureStore store, string featuresPath, string metadataCsv,
        NpyElement element = NpyElement.Float32, IProgress<RowProgress>? progress = null)
    {
        int d = store.Dim;
        using (var npy = new NpyArrayWriter(featuresPath, element, store.RowCount, d))
        {
            var buffer = new float[ChunkRows * d];
            var index = new long[ChunkRows];
            for (long r0 = 0; r0 < store.RowCount; r0 += ChunkRows)
            {
                int n = (int)Math.Min(ChunkRows, store.RowCount - r0);
                if (element == NpyElement.Float16 && store.DType == FeatureDType.Float16)
                    npy.WriteRawRows(store.RawFeatures(r0, n));
                else
                {
                    for (int i = 0; i < n; i++) index[i] = r0 + i;
                    store.GatherRows(index.AsSpan(0, n), buffer);
                    npy.WriteRows(buffer.AsSpan(0, n * d));
                }
                progress?.Report(new RowProgress(r0 + n, store.RowCount));
            }
            npy.Finish();
        }

        string temp = AtomicFile.TempPathFor(metadataCsv);
        using (var w = new StreamWriter(temp))
        {
            w.WriteLine("culture,child,frame,label");
            var cultures = store.Cultures; var children = store.Children; var frames = store.Frames; var labels = store.Labels;
            for (int r = 0; r < store.RowCount; r++)
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cultures[r]},{children[r]},{frames[r]},{labels[r]:R}"));
            w.Flush();
            ((FileStream)w.BaseStream).Flush(flushToDisk: true);
        }
        AtomicFile.CommitRename(temp, metadataCsv);
    }
}
