using CultureNet.Engine.IO;
namespace CultureNet.Engine.Data;

/// <summary>
/// Builds a feature store from the study's interchange formats (described in docs/data-formats.md):
/// the reference code's per-culture matrices, features X.npy plus a metadata CSV, and plain CSV.
/// Every input is streamed; every rejected value names the file and row. Nothing appears at the output
/// until the whole input was read and checked (the writer's atomic finish).
/// </summary>
public static class StoreImporter
{
    private const int ChunkRows = 512;

    /// <summary>
    /// The reference layout: each input (.npy, .npz whose every array is one, or the reference code's own pickle
    /// data_0.pkl / data_1.pkl) is a matrix with columns [culture, child, frame, f1 … fD, label].
    /// </summary>
    public static void ImportReference(IReadOnlyList<string> inputs, string outDir, FeatureDType dtype = FeatureDType.Float32,
        IProgress<RowProgress>? progress = null)
    {
        if (inputs.Count == 0) throw new CultureNetException("no input matrices given");
        var sources = ReferenceMatrix.Expand(inputs);

        // Check every header first, so a bad second file fails before a long first one is written.
        long total = 0;
        int dim = -1;
        foreach (var (path, key) in sources)
        {
            using var r = ReferenceMatrix.Open(path, key);
            if (r.Shape.Count != 2 || r.Columns < 5)
                throw new CultureNetException($"{r.Source}: shape ({string.Join(", ", r.Shape)}); expected a 2-D matrix with columns [culture, child, frame, f1 … fD, label] (at least 5)");
            int d = r.Columns - 4;
            if (dim >= 0 && d != dim) throw new CultureNetException($"{r.Source}: {d} feature columns, but {sources[0].Path} has {dim}");
            dim = d;
            total += r.Rows;
        }

        using var writer = FeatureStoreWriter.Create(outDir, dim, dtype);
        long done = 0;
        foreach (var (path, key) in sources)
        {
            using var r = ReferenceMatrix.Open(path, key);
            int cols = r.Columns;
            int chunkRows = ChunkRowsFor(cols);
            var chunk = new double[chunkRows * cols];
            var features = new float[dim];
            long row = 0;
            int n;
            while ((n = r.ReadRows(chunk, chunkRows)) > 0)
            {
                for (int i = 0; i < n; i++, row++)
                {
                    var v = chunk.AsSpan(i * cols, cols);
                    byte culture = RowMetadata.Culture(v[0], r.Source, row);
                    int child = RowMetadata.NonNegativeInt(v[1], "child", r.Source, row);
                    int frame = RowMetadata.NonNegativeInt(v[2], "frame", r.Source, row);
                    float label = RowMetadata.Label(v[cols - 1], r.Source, row);
                    for (int j = 0; j < dim; j++) features[j] = (float)v[3 + j];
                    RowMetadata.Features(features, r.Source, row);
                    AppendWithContext(writer, culture, child, frame, label, features, r.Source, row);
                }
                done += n;
                progress?.Report(new RowProgress(done, total));
            }
        }
        writer.Finish();
    }

    /// <summary>
    /// Features X (.npy, or .npz with array <paramref name="npzKey"/> / its only array), N × D, row i described by
    /// data row i of <paramref name="metadataCsv"/> (header with culture, child, frame, label; other columns ignored).
    /// </summary>
    public static void ImportFeaturesWithMetadata(string featuresPath, string metadataCsv, string outDir,
        FeatureDType dtype = FeatureDType.Float32, IProgress<RowProgress>? progress = null, string? npzKey = null)
    {
        var meta = ReadMetadataCsv(metadataCsv);
        using var r = NpyArrayReader.Open(featuresPath, npzKey);
        if (r.Header.Shape.Length != 2)
            throw new CultureNetException($"{r.Source}: shape ({string.Join(", ", r.Header.Shape)}); expected a 2-D N × D feature matrix");
        if (r.Rows != meta.Count)
            throw new CultureNetException($"{r.Source} has {r.Rows} rows but {metadataCsv} has {meta.Count} data rows; they must describe the same rows in the same order");
        int dim = r.Columns;
        if (dim == 0 || r.Rows == 0)
            throw new CultureNetException($"{r.Source}: shape ({string.Join(", ", r.Header.Shape)}) has no features; expected an N × D matrix with N, D > 0");
        int chunkRows = ChunkRowsFor(dim);
        using var writer = FeatureStoreWriter.Create(outDir, dim, dtype);
        var chunk = new float[chunkRows * dim];
        long row = 0;
        int n;
        while ((n = r.ReadRows(chunk, chunkRows)) > 0)
        {
            for (int i = 0; i < n; i++, row++)
            {
                var f = chunk.AsSpan(i * dim, dim);
                RowMetadata.Features(f, r.Source, row);
                var m = meta[(int)row];
                AppendWithContext(writer, m.Culture, m.Child, m.Frame, m.Label, f, r.Source, row);
            }
            progress?.Report(new RowProgress(row, r.Rows));
        }
        writer.Finish();
    }

    /// <summary>Plain CSV: a header naming culture, child, frame, label; every other column is a feature, in order.</summary>
    public static void ImportCsv(string csvPath, string outDir, FeatureDType dtype = FeatureDType.Float32, IProgress<RowProgress>? progress = null)
    {
        using var csv = new NumericCsv(csvPath);
        int ci = csv.IndexOf("culture"), ki = csv.IndexOf("child"), fi = csv.IndexOf("frame"), li = csv.IndexOf("label");
        int[] featureColumns = Enumerable.Range(0, csv.Columns.Length).Where(i => i != ci && i != ki && i != fi && i != li).ToArray();
        if (featureColumns.Length == 0) throw new CultureNetException($"{csvPath}: no feature columns besides culture, child, frame, label");
        long totalBytes = new FileInfo(csvPath).Length;
        using var writer = FeatureStoreWriter.Create(outDir, featureColumns.Length, dtype);
        var values = new double[csv.Columns.Length];
        var features = new float[featureColumns.Length];
        long row = 0;
        while (csv.ReadRow(values))
        {
            for (int j = 0; j < features.Length; j++) features[j] = (float)values[featureColumns[j]];
            RowMetadata.Features(features, csvPath, row);
            AppendWithContext(writer,
                RowMetadata.Culture(values[ci], csvPath, row),
                RowMetadata.NonNegativeInt(values[ki], "child", csvPath, row),
                RowMetadata.NonNegativeInt(values[fi], "frame", csvPath, row),
                RowMetadata.Label(values[li], csvPath, row), features, csvPath, row);
            if (++row % ChunkRows == 0) progress?.Report(new RowProgress(row, -1));
        }
        progress?.Report(new RowProgress(row, row));
        writer.Finish();
    }

    /// <summary>Rows per read: <see cref="ChunkRows"/>, fewer for very wide rows so a chunk stays within 32 MB.</summary>
    private static int ChunkRowsFor(int columns) => Math.Clamp((4 << 20) / Math.Max(columns, 1), 1, ChunkRows);

    internal readonly record struct MetaRow(byte Culture, int Child, int Frame, float Label);

    internal static List<MetaRow> ReadMetadataCsv(string path)
    {
        using var csv = new NumericCsv(path);
        int ci = csv.IndexOf("culture"), ki = csv.IndexOf("child"), fi = csv.IndexOf("frame"), li = csv.IndexOf("label");
        var rows = new List<MetaRow>();
        var values = new double[csv.Columns.Length];
        while (csv.ReadRow(values))
        {
            long row = rows.Count;
            rows.Add(new MetaRow(
                RowMetadata.Culture(values[ci], path, row),
                RowMetadata.NonNegativeInt(values[ki], "child", path, row),
                RowMetadata.NonNegativeInt(values[fi], "frame", path, row),
                RowMetadata.Label(values[li], path, row)));
        }
        return rows;
    }

    private static void AppendWithContext(FeatureStoreWriter writer, byte culture, int child, int frame, float label,
        ReadOnlySpan<float> features, string source, long row)
    {
        try { writer.Append(culture, child, frame, label, features); }
        catch (CultureNetException e) { throw new CultureNetException($"{source} row {row}: {e.Message}", e); }
    }
}
