using System.Text;
using PureHDF;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Keras 2's save_weights HDF5 layout (also the <c>model_weights</c> group of a model.save file): attribute
/// layer_names (split into layer_names0, layer_names1, … when long, as Keras does past 64 KB); a group per layer
/// with attribute weight_names (e.g. "dense_1/kernel:0", "dense_1/bias:0"), each naming a dataset inside the group.
/// Strings are written as fixed-length byte strings because Keras 2.2 calls .decode('utf8') on them.
/// </summary>
internal static class KerasHdf5Weights
{
    public static string KerasVersion => KerasHdf5Layout.Default.KerasVersion;

    /// <summary>Keras' HDF5_OBJECT_HEADER_LIMIT: the largest attribute HDF5 keeps in an object header.</summary>
    public const int AttributeLimit = 64512;

    public static void Write(Stream stream, IReadOnlyList<LayerWeights> layers) => Write(stream, layers, KerasHdf5Layout.Default);

    public static void Write(Stream stream, IReadOnlyList<LayerWeights> layers, KerasHdf5Layout layout)
    {
        var file = new H5File();
        var options = Options(layers.SelectMany(Strings).Concat(layout.InputLayerName is { } n ? [n] : []));
        Fill(file, layers, options.DefaultStringLength, layout);
        file.Write(stream, options);
    }

    /// <summary>
    /// Puts the layout into <paramref name="group"/> (the file itself, or model_weights). With strings of
    /// <paramref name="stringLength"/> bytes each, layer_names is split into chunks of at most
    /// <see cref="AttributeLimit"/> bytes as Keras' save_attributes_to_hdf5_group splits it.
    /// </summary>
    public static void Fill(H5Group group, IReadOnlyList<LayerWeights> layers, int stringLength, KerasHdf5Layout? layout = null)
    {
        layout ??= KerasHdf5Layout.Default;
        IEnumerable<string> listed = layers.Select(l => l.Name);
        if (layout.InputLayerName is { } input)
        {
            // A functional model's InputLayer: listed first, a group with no weights (Keras writes an empty weight_names).
            listed = listed.Prepend(input);
            var inputGroup = new H5Group();
            inputGroup.Attributes["weight_names"] = Array.Empty<string>();
            group[input] = inputGroup;
        }
        var names = listed.ToArray();
        int perChunk = Math.Max(1, AttributeLimit / stringLength);
        if (names.Length <= perChunk) group.Attributes["layer_names"] = names;
        else
            for (int chunk = 0; chunk * perChunk < names.Length; chunk++)
                group.Attributes[$"layer_names{chunk}"] = names.Skip(chunk * perChunk).Take(perChunk).ToArray();
        group.Attributes["backend"] = "tensorflow";
        group.Attributes["keras_version"] = layout.KerasVersion;
        foreach (var layer in layers)
        {
            var inner = new H5Group { ["kernel:0"] = new H5Dataset(layer.Kernel2D()) };
            if (layer.HasBias) inner["bias:0"] = new H5Dataset(layer.Bias);
            var layerGroup = new H5Group { [layer.Name] = inner };
            layerGroup.Attributes["weight_names"] = WeightNames(layer);
            group[layer.Name] = layerGroup;
        }
    }

    /// <summary>Every string the layout writes, so a file's one fixed string length can fit the longest.</summary>
    public static IEnumerable<string> Strings(LayerWeights layer) => WeightNames(layer).Append(layer.Name);

    /// <summary>
    /// PureHDF writes every string of a file with one fixed length and silently cuts longer ones, so the length is
    /// the longest string's (in UTF-8 bytes); h5py and Keras strip the NUL padding when they read.
    /// </summary>
    public static H5WriteOptions Options(IEnumerable<string> strings)
    {
        int longest = strings.Select(Encoding.UTF8.GetByteCount).DefaultIfEmpty(0).Max();
        if (longest > AttributeLimit / 2)
            throw new CultureNetException($"a model whose config takes {longest} bytes cannot be written as a Keras 2 .h5 file (HDF5 attributes hold at most {AttributeLimit}); save it as .keras");
        return new(DefaultStringLength: Math.Max(16, longest));
    }

    private static string[] WeightNames(LayerWeights layer) => layer.HasBias
        ? [$"{layer.Name}/kernel:0", $"{layer.Name}/bias:0"]
        : [$"{layer.Name}/kernel:0"];

    public static List<LayerWeights> Read(string path)
    {
        return Hdf5Reader.Read(path, h5 =>
        {
            if (!h5.HasAttribute(h5.Root, "layer_names") && !h5.HasAttribute(h5.Root, "layer_names0"))
                throw new CultureNetException($"{path}: no 'layer_names' attribute; expected a Keras save_weights file");
            return Read(h5, h5.Root);
        });
    }

    /// <summary>The layers with weights, in file order (Keras skips layers without weights, e.g. Dropout, too).</summary>
    public static List<LayerWeights> Read(Hdf5Reader h5, IH5Group group)
    {
        var result = new List<LayerWeights>();
        foreach (var name in LayerNames(h5, group))
        {
            var layer = h5.Group(group, name);
            var weightNames = h5.HasAttribute(layer, "weight_names") ? h5.Strings(layer, "weight_names") : [];
            if (weightNames.Length == 0) continue;
            if (weightNames.Length > 2)
                throw new CultureNetException($"{h5.Source}: layer '{name}' has {weightNames.Length} weights [{string.Join(", ", weightNames)}]; expected a Dense kernel and bias");
            var (kernel, dims) = h5.Floats(layer, weightNames[0]);
            if (dims.Length != 2)
                throw new CultureNetException($"{h5.Source}: layer '{name}' kernel has shape ({string.Join(",", dims)}); expected a 2-D kernel");
            float[] bias = new float[dims[1]];
            if (weightNames.Length == 2)
            {
                (bias, var biasDims) = h5.Floats(layer, weightNames[1]);
                if (biasDims.Length != 1 || biasDims[0] != dims[1])
                    throw new CultureNetException($"{h5.Source}: layer '{name}' kernel has shape ({string.Join(",", dims)}) and bias ({string.Join(",", biasDims)}); expected a bias of {dims[1]}");
            }
            result.Add(new LayerWeights(name, kernel, checked((int)dims[0]), checked((int)dims[1]), bias, HasBias: weightNames.Length == 2));
        }
        return result;
    }

    /// <summary>layer_names, or its chunks layer_names0, layer_names1, … (Keras' load_attributes_from_hdf5_group).</summary>
    private static List<string> LayerNames(Hdf5Reader h5, IH5Group group)
    {
        if (h5.HasAttribute(group, "layer_names")) return [.. h5.Strings(group, "layer_names")];
        var names = new List<string>();
        for (int chunk = 0; h5.HasAttribute(group, $"layer_names{chunk}"); chunk++) names.AddRange(h5.Strings(group, $"layer_names{chunk}"));
        return names;
    }
}
