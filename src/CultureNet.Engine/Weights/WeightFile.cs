using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Keras' save_weights / load_weights for this engine, by file name: .h5/.hdf5 is Keras 2's save_weights layout,
/// .weights.h5 Keras 3's, .keras a whole Keras 3 archive, .npz NumPy with keys dense_1/kernel, dense_1/bias, ….
/// Loading takes any of them (and Keras 2 model.save files, whose model_weights it reads, as Keras does), telling
/// .h5 layouts apart by content. Layers are matched by order, as Keras' load_weights does (layer names in a Keras
/// file depend on how many layers the session had created). A mismatch lists what was expected and found.
/// Writes are atomic: a temporary file is renamed over the target.
/// </summary>
public static class WeightFile
{
    public static void Save(this Sequential model, string path) => SaveWeights(model, path);
    public static void Load(this Sequential model, string path) => LoadWeights(model, path);

    /// <summary>Keras' <c>model.save_weights(path)</c>.</summary>
    public static void SaveWeights(this Sequential model, string path)
    {
        var kind = KerasModels.Kind(path);
        var layers = Snapshot(model);
        KerasModels.Write(path, stream =>
        {
            switch (kind)
            {
                case KerasModels.FileKind.Keras: KerasArchive.Write(stream, KerasModelSpec.Of(model), layers); break;
                case KerasModels.FileKind.Keras3Weights: Keras3WeightsHdf5.Write(stream, KerasModelSpec.Of(model), layers); break;
                // A functional Model's file lists its InputLayer first, as Keras' save_weights of one does.
                case KerasModels.FileKind.Hdf5:
                    KerasHdf5Weights.Write(stream, layers, model is Model functional
                        ? KerasHdf5Layout.Default with { InputLayerName = functional.InputName }
                        : KerasHdf5Layout.Default);
                    break;
                default: NpzWeights.Write(stream, layers); break;
            }
        });
    }

    /// <summary>Writes layers in a chosen variant of Keras' save_weights layout (atomically).</summary>
    public static void WriteKerasHdf5(string path, IReadOnlyList<LayerWeights> layers, KerasHdf5Layout layout) =>
        KerasModels.Write(path, stream => KerasHdf5Weights.Write(stream, layers, layout));

    /// <summary>Keras' <c>model.load_weights(path)</c>, by layer order.</summary>
    public static void LoadWeights(this Sequential model, string path)
    {
        var found = KerasModels.Read(path, compile: false).Weights;
        model.Build();
        var expected = model.Layers.Select(l => $"{l.Name}: kernel {l.InputDim}x{l.Units}, bias {(l.UseBias ? l.Units : "none")}").ToList();
        bool matches = found.Count == model.Layers.Count && model.Layers.Zip(found).All(p =>
            p.First.InputDim == p.Second.KernelRows && p.First.Units == p.Second.KernelCols && p.First.UseBias == p.Second.HasBias);
        if (!matches)
            throw new CultureNetException(
                $"{path}: the weights do not fit the model. Expected {expected.Count} layers [{string.Join("; ", expected)}], " +
                $"found {found.Count} [{string.Join("; ", found.Select(f => f.Describe()))}]");
        for (int i = 0; i < found.Count; i++) model.Layers[i].SetWeights(found[i].Kernel, found[i].Bias);
    }

    /// <summary>Reads a weight file's layers without a model (e.g. to build one of the right shape).</summary>
    public static IReadOnlyList<LayerWeights> Read(string path) => KerasModels.Read(path, compile: false).Weights;

    internal static List<LayerWeights> Snapshot(Sequential model)
    {
        model.Build();
        return model.Layers.Select(l =>
        {
            var w = l.GetWeights();
            return new LayerWeights(l.Name!, w[0], l.InputDim!.Value, l.Units, w[1], l.UseBias);
        }).ToList();
    }
}
