using PureHDF;
using PureHDF.VOL.Native;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Keras 2.2's save_weights HDF5 layout: file attribute layer_names; a group per layer with attribute weight_names
/// (e.g. "dense_1/kernel:0", "dense_1/bias:0"), each naming a dataset inside the group. Strings are written as
/// fixed-length byte strings because Keras calls .decode('utf8') on them.
/// </summary>
internal static class KerasHdf5Weights
{
    private const int StringLength = 64;

    public static void Write(Stream stream, IReadOnlyList<LayerWeights> layers) => Write(stream, layers, KerasHdf5Layout.Default);

    public static void Write(Stream stream, IReadOnlyList<LayerWeights> layers, KerasHdf5Layout layout)
    {
        var file = new H5File();
        var names = layers.Select(l => l.Name);
        if (layout.InputLayerName is { } input)
        {
            // A functional model's InputLayer: listed first, a group with no weights (Keras writes an empty weight_names).
            names = names.Prepend(input);
            var inputGroup = new H5Group();
            inputGroup.Attributes["weight_names"] = Array.Empty<string>();
            file[input] = inputGroup;
        }
        file.Attributes["layer_names"] = names.ToArray();
        file.Attributes["backend"] = "tensorflow";
        file.Attributes["keras_version"] = layout.KerasVersion;
        foreach (var layer in layers)
        {
            var kernel = new float[layer.KernelRows, layer.KernelCols];
            Buffer.BlockCopy(layer.Kernel, 0, kernel, 0, layer.Kernel.Length * sizeof(float));
            var group = new H5Group
            {
                [layer.Name] = new H5Group
                {
                    ["kernel:0"] = new H5Dataset(kernel),
                    ["bias:0"] = new H5Dataset(layer.Bias),
                },
            };
            group.Attributes["weight_names"] = new[] { $"{layer.Name}/kernel:0", $"{layer.Name}/bias:0" };
            file[layer.Name] = group;
        }
        file.Write(stream, new H5WriteOptions(DefaultStringLength: StringLength));
    }

    public static List<LayerWeights> Read(string path)
    {
        NativeFile h5;
        try
        {
            h5 = H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not CultureNetException)
        {
            throw new CultureNetException($"{path}: not a readable HDF5 file ({e.Message})");
        }
        using (h5)
        {
            if (!h5.AttributeExists("layer_names"))
                throw new CultureNetException($"{path}: no 'layer_names' attribute; expected a Keras save_weights file");
            var result = new List<LayerWeights>();
            foreach (var name in ReadStrings(h5.Attribute("layer_names")))
            {
                var group = h5.Group(name);
                var weightNames = group.AttributeExists("weight_names") ? ReadStrings(group.Attribute("weight_names")) : [];
                if (weightNames.Length == 0) continue; // layers without weights (Dropout, Activation) are skipped by Keras too
                if (weightNames.Length != 2)
                    throw new CultureNetException($"{path}: layer '{name}' has {weightNames.Length} weights [{string.Join(", ", weightNames)}]; expected a Dense kernel and bias");
                var (kernel, dims) = ReadFloats(path, group, weightNames[0]);
                var (bias, biasDims) = ReadFloats(path, group, weightNames[1]);
                if (dims.Length != 2 || biasDims.Length != 1)
                    throw new CultureNetException($"{path}: layer '{name}' kernel has shape ({string.Join(",", dims)}) and bias ({string.Join(",", biasDims)}); expected a 2-D kernel and a 1-D bias");
                result.Add(new LayerWeights(name, kernel, (int)dims[0], (int)dims[1], bias));
            }
            return result;
        }
    }

    private static string[] ReadStrings(IH5Attribute attribute)
    {
        var values = attribute.Space.Rank == 0 ? [attribute.Read<string>()] : attribute.Read<string[]>();
        return values.Select(v => v.TrimEnd('\0')).ToArray();
    }

    private static (float[] Values, ulong[] Dims) ReadFloats(string path, IH5Group group, string name)
    {
        if (!group.LinkExists(name))
            throw new CultureNetException($"{path}: dataset '{group.Name}/{name}' listed in weight_names is missing");
        var dataset = group.Dataset(name);
        var dims = dataset.Space.Dimensions;
        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint)
            throw new CultureNetException($"{path}: dataset '{name}' has type {dataset.Type.Class}; expected float32");
        float[] values = dataset.Type.Size switch
        {
            4 => dataset.Read<float[]>(),
            8 => Array.ConvertAll(dataset.Read<double[]>(), v => (float)v),
            var size => throw new CultureNetException($"{path}: dataset '{name}' has {size}-byte floats; expected float32"),
        };
        return (values, dims);
    }
}
