using CultureNet.Engine;
using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.IO;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Weights;

namespace CultureNet.Fuzz;

/// <summary>
/// One fuzz target per parser of untrusted input, each the entry point the CLI uses. A target gets the input as a file
/// (the parsers take paths and decide by extension) and may fail only with <see cref="CultureNetException"/> — the
/// documented "error: …" line; anything else escaping is a crash. <see cref="FitResultFile.TryRead"/> is documented to
/// return null for a damaged file, so there even a CultureNetException is a crash.
/// </summary>
public sealed record Target(string Name, string Extension, string Describe, Action<string> Parse, bool MayRefuse = true)
{
    /// <summary>Width and settings of the journals made as seeds (a journal of other settings is refused up front).</summary>
    public const int JournalWidth = 4;
    public const string JournalSettings = "fuzz: backbone none, size 0";

    public static readonly IReadOnlyList<Target> All =
    [
        new("npy", ".npy", "features/labels for fit and predict (NpyMatrix.Load)", p => NpyMatrix.Load(p, allowVector: true)),
        new("npy-stream", ".npy", "the importers' streaming reader (NpyArrayReader, every row as float64)", p => ReadAllRows(p)),
        new("npz-array", ".npz", "an array inside an .npz, as `import` reads it (CRC-checked member stream)", p => ReadAllRows(p)),
        new("npz-weights", ".npz", "GenNet weights from .npz (WeightFile.Read)", p => WeightFile.Read(p)),
        new("h5-weights", ".h5", "Keras save_weights HDF5 (WeightFile.Read over PureHDF)", p => WeightFile.Read(p)),
        new("keras-h5-model", ".h5", "a Keras 2 model.save .h5: model_config, training_config, weights (KerasModels.LoadModel)", LoadModel),
        new("keras3-weights", ".weights.h5", "Keras 3 save_weights .weights.h5 (WeightFile.Read: layers/…/vars)", p => WeightFile.Read(p)),
        new("keras-archive", ".keras", "a Keras 3 .keras zip: config.json, model.weights.h5 (KerasModels.LoadModel)", LoadModel),
        new("pickle", ".pkl", "the reference code's pickled matrix, as `import reference` reads it (PickleScan, Razorvine)", ReadReferenceRows),
        new("store", "", "a feature store opened with every checksum verified (FeatureStore.Open)", OpenStore),
        new("manifest", ".csv", "an extraction manifest (ImageManifest.Load)", p => ImageManifest.Load(p)),
        new("labels", ".csv", "a labels CSV for --images (ImageManifest.LoadLabels)", p => ImageManifest.LoadLabels(p)),
        new("meta-csv", ".csv", "the metadata CSV of `import npy` (numeric CSV reader)", p => StoreImporter.ReadMetadataCsv(p)),
        new("image", ".img", "a JPEG or PNG face (ImageDecoder.Decode: header, SkiaSharp, integrity check)", p => ImageDecoder.Decode(p)),
        new("journal", ".journal", "an extraction journal reopened to resume (ExtractionJournal)", OpenJournal),
        new("fit-result", ".fit", "a protocol fit result (FitResultFile.TryRead: null when damaged)", p => FitResultFile.TryRead(p), MayRefuse: false),
    ];

    public static Target Named(string name) => All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"unknown target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}");

    /// <summary>Where this process puts the input of this target (one file, rewritten for every input).</summary>
    public string InputPath(string workDir) => Name == "store"
        ? Path.Combine(workDir, "store", "features.cnstore")
        : Path.Combine(workDir, "input" + Extension);

    /// <summary>Runs one input: false when the parser accepted it, true when it refused it cleanly; throws otherwise.</summary>
    public bool Run(byte[] input, string workDir)
    {
        string path = InputPath(workDir);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, input);
        try
        {
            Parse(Name == "store" ? Path.GetDirectoryName(path)! : path);
            return false;
        }
        catch (CultureNetException) when (MayRefuse)
        {
            return true;
        }
    }

    private static void ReadAllRows(string path)
    {
        using var reader = NpyArrayReader.Open(path);
        int rows = Math.Max(1, Math.Min(64, (1 << 16) / Math.Max(reader.Columns, 1)));
        var buffer = new double[rows * Math.Max(reader.Columns, 1)];
        while (reader.ReadRows(buffer, rows) > 0) { }
    }

    private static void LoadModel(string path)
    {
        using var model = KerasModels.LoadModel(path);
    }

    /// <summary>Every row, as the importer reads a data_0.pkl (ReferenceMatrix: the checked pickle, then its rows).</summary>
    private static void ReadReferenceRows(string path)
    {
        using var matrix = ReferenceMatrix.Open(path, npzKey: null);
        int rows = Math.Max(1, Math.Min(64, (1 << 16) / Math.Max(matrix.Columns, 1)));
        var buffer = new double[rows * Math.Max(matrix.Columns, 1)];
        while (matrix.ReadRows(buffer, rows) > 0) { }
    }

    private static void OpenStore(string dir)
    {
        using var store = FeatureStore.Open(dir, verifyChecksums: true);
        if (store.RowCount == 0) return;
        var row = new float[store.Dim];
        store.GatherRows([0L], row);
        _ = store.CultureRange(0);
    }

    private static void OpenJournal(string path)
    {
        using var journal = ExtractionJournal.OpenOrCreate(path, JournalWidth, JournalSettings);
        foreach (var _ in journal.ReadAll()) { }
    }
}
