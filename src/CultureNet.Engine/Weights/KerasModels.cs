using CultureNet.Engine.IO;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Weights;

/// <summary>
/// keras.models.load_model and model.save for this engine. The formats (docs/keras-files.md):
/// <list type="bullet">
/// <item>.keras — Keras 3's archive (config.json, metadata.json, model.weights.h5);</item>
/// <item>.h5 — Keras 2's model.save file (model_config + model_weights), or a weights-only file: Keras 2's
/// save_weights layout or Keras 3's .weights.h5 layout, told apart by their contents;</item>
/// <item>.npz — NumPy arrays dense_1/kernel, dense_1/bias, ….</item>
/// </list>
/// A file that carries a model config gives the network it describes (units, activations, use_bias, trainable,
/// input width); a weights-only file gives GenNet's shape: its kernels' widths, hidden layers ReLU, the last linear.
/// </summary>
public static class KerasModels
{
    /// <summary>
    /// Loads the network a Keras file describes, with its weights. With <paramref name="compile"/> and a file that
    /// says how the model was compiled, the model comes back compiled with that Adadelta (an optimizer or loss the
    /// engine lacks is then an error: pass compile: false, as with Keras).
    /// </summary>
    public static Sequential LoadModel(string path, bool compile = true, int? seed = null, string? backend = null, Policy? dtypePolicy = null)
    {
        var file = Read(path, compile);
        var model = (file.Spec ?? KerasModelSpec.FromWeights(file.Weights)).Build(file.Weights, path, seed, backend, dtypePolicy);
        try
        {
            if (file.Optimizer is not null) model.Compile(file.Optimizer, "mse", ["mae"]);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Keras' model.save: a .keras archive, or a Keras 2 .h5 model file (with training_config once compiled).</summary>
    public static void SaveModel(this Sequential model, string path)
    {
        var spec = KerasModelSpec.Of(model);
        var weights = WeightFile.Snapshot(model);
        switch (Kind(path))
        {
            case FileKind.Keras:
                Write(path, stream => KerasArchive.Write(stream, spec, weights));
                break;
            case FileKind.Hdf5:
            case FileKind.Keras3Weights:
                Write(path, stream => Keras2ModelHdf5.Write(stream, spec, weights, model.Optimizer));
                break;
            default:
                throw new CultureNetException($"{path}: model.save writes .keras or .h5 files; for weights alone use Save with .weights.h5, .h5 or .npz");
        }
    }

    /// <summary>Writes atomically; a failure (ours, or the HDF5 writer's) names the file and leaves nothing behind.</summary>
    internal static void Write(string path, Action<Stream> write)
    {
        try { AtomicFile.Write(path, write); }
        catch (Exception e) when (e is not OutOfMemoryException and not IOException and not UnauthorizedAccessException)
        {
            throw new CultureNetException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads any supported file; every weight is checked to be finite.</summary>
    internal static KerasModelFile Read(string path, bool compile)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        var file = Kind(path) switch
        {
            FileKind.Keras => KerasArchive.Read(path, compile),
            FileKind.Npz => new KerasModelFile(null, NpzWeights.Read(path), null),
            _ => ReadHdf5(path, compile),
        };
        if (file.Weights.Count == 0) throw new CultureNetException($"{path}: holds no Dense layer weights");
        foreach (var layer in file.Weights) layer.EnsureFinite(path);
        return file;
    }

    private static KerasModelFile ReadHdf5(string path, bool compile) => Hdf5Reader.Read(path, h5 => ReadHdf5(h5, path, compile));

    private static KerasModelFile ReadHdf5(Hdf5Reader h5, string path, bool compile)
    {
        if (Keras2ModelHdf5.IsModelFile(h5)) return Keras2ModelHdf5.Read(h5, compile);
        if (h5.HasAttribute(h5.Root, "layer_names") || h5.HasAttribute(h5.Root, "layer_names0"))
            return new KerasModelFile(null, KerasHdf5Weights.Read(h5, h5.Root), null);
        if (Keras3WeightsHdf5.IsWeightsFile(h5)) return new KerasModelFile(null, Keras3WeightsHdf5.Read(h5, null), null);
        throw new CultureNetException(
            $"{path}: not a Keras file: no 'model_config' attribute (model.save), 'layer_names' attribute (Keras 2 save_weights) or layers/ group (Keras 3 .weights.h5)");
    }

    internal enum FileKind { Keras, Keras3Weights, Hdf5, Npz }

    internal static FileKind Kind(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".keras")) return FileKind.Keras;
        if (name.EndsWith(".weights.h5")) return FileKind.Keras3Weights;
        return Path.GetExtension(name) switch
        {
            ".h5" or ".hdf5" or ".keras_weights" => FileKind.Hdf5,
            ".npz" => FileKind.Npz,
            var other => throw new CultureNetException(
                $"{path}: unknown weight file type '{other}'; expected .keras, .weights.h5 (Keras 3), .h5 (Keras 2 model.save or save_weights) or .npz"),
        };
    }
}
