using CultureNet.Engine.IO;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Loads and saves a model's weights by file extension: .h5/.hdf5 is Keras' save_weights layout, .npz is NumPy with
/// keys dense_1/kernel, dense_1/bias, …. Layers are matched by order, as Keras' load_weights does (layer names in a
/// Keras file depend on how many layers the session had created). A mismatch lists what was expected and found.
/// Writes are atomic: a temporary file is renamed over the target.
/// </summary>
public static class WeightFile
{
    public static void Save(this Sequential model, string path) => SaveWeights(model, path);
    public static void Load(this Sequential model, string path) => LoadWeights(model, path);

    public static void SaveWeights(Sequential model, string path)
    {
        var layers = Snapshot(model);
        var format = FormatOf(path);
        AtomicFile.Write(path, stream =>
        {
            if (format == Format.Hdf5) KerasHdf5Weights.Write(stream, layers);
            else NpzWeights.Write(stream, layers);
        });
    }

    /// <summary>Writes layers in a chosen variant of Keras' save_weights layout (atomically).</summary>
    public static void WriteKerasHdf5(string path, IReadOnlyList<LayerWeights> layers, KerasHdf5Layout layout) =>
        AtomicFile.Write(path, stream => KerasHdf5Weights.Write(stream, layers, layout));

    public static void LoadWeights(Sequential model, string path)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: weight file not found");
        var found = FormatOf(path) switch
        {
            Format.Hdf5 => KerasHdf5Weights.Read(path),
            _ => NpzWeights.Read(path),
        };
        model.Build();
        var expected = model.Layers.Select(l => $"{l.Name}: kernel {l.InputDim}x{l.Units}, bias {l.Units}").ToList();
        bool matches = found.Count == model.Layers.Count && model.Layers.Zip(found).All(p =>
            p.First.InputDim == p.Second.KernelRows && p.First.Units == p.Second.KernelCols && p.First.Units == p.Second.Bias.Length);
        if (!matches)
            throw new CultureNetException(
                $"{path}: the weights do not fit the model. Expected {expected.Count} layers [{string.Join("; ", expected)}], " +
                $"found {found.Count} [{string.Join("; ", found.Select(f => f.Describe()))}]");
        for (int i = 0; i < found.Count; i++) model.Layers[i].SetWeights(found[i].Kernel, found[i].Bias);
    }

    /// <summary>Reads a weight file's layers without a model (e.g. to build one of the right shape).</summary>
    public static IReadOnlyList<LayerWeights> Read(string path)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: weight file not found");
        return FormatOf(path) == Format.Hdf5 ? KerasHdf5Weights.Read(path) : NpzWeights.Read(path);
    }

    private static List<LayerWeights> Snapshot(Sequential model)
    {
        model.Build();
        return model.Layers.Select(l =>
        {
            var w = l.GetWeights();
            return new LayerWeights(l.Name!, w[0], l.InputDim!.Value, l.Units, w[1]);
        }).ToList();
    }

    private enum Format { Hdf5, Npz }

    private static Format FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".h5" or ".hdf5" or ".keras_weights" => Format.Hdf5,
        ".npz" => Format.Npz,
        var other => throw new CultureNetException($"{path}: unknown weight file type '{other}'; expected .h5 (Keras save_weights) or .npz"),
    };
}
