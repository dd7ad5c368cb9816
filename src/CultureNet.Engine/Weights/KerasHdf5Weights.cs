using PureHDF;
using CultureNet.Engine.Data;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Keras 2.2's save_weights HDF5 layout: file attribute layer_names; a group per layer with attribute weight_names
/// (e.g. "dense_1/kernel:0", "dense_1/bias:0"), each naming a dataset inside the group. Strings are written as
/// fixed-length byte strings because Keras calls .decode('utf8') on them.
/// </summary>
internal static class KerasHdf5Weights
{
    private const int StringLength = 64;

    public static void Write(Stream stream, IReadOnlyList<LayerWeights> layers)
    {
        var file = new H5File();
        file.Attributes["layer_names"] = layers.Select(l => l.Name).ToArray();
        file.Attributes["backend"] = "tensorflow";
        file.Attributes["keras_version"] = "2.2.4";
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

    /// <summary>
    /// Reads every Dense layer's kernel and bias. PureHDF parses the file, but it trusts what the file declares and
    /// throws whatever it meets (plain Exception, NotSupportedException, FormatException, …), so here: the file is opened
    /// by path (PureHDF's file driver refuses reads past the end before allocating them; its stream driver does not, and
    /// allocates a corrupt 2 GB string length), the read runs under <see cref="BoundedWork"/> (time and allocation
    /// limits: a corrupt file that sends it round in circles fails instead of running on);
    /// every dataset's and attribute's declared size is checked against the file's length before PureHDF allocates it;
    /// anything it throws becomes one <see cref="CultureNetException"/> naming the file (and the layer when known); and
    /// weights must be finite. HDF5 keeps no checksum of the data themselves, so a flipped bit inside a weight value is
    /// not detectable (a .npz, which has CRC-32s, is).
    /// </summary>
    public static List<LayerWeights> Read(string path)
    {
        long fileLength = new FileInfo(path).Length;
        if (fileLength == 0) throw new CultureNetException($"{path}: file is empty; expected a Keras HDF5 weight file");
        return BoundedWork.Run(() => ReadLayers(path, fileLength), path,
            allocationBudget: 64 * fileLength + (256L << 20), deadline: TimeSpan.FromSeconds(30));
    }

    private static List<LayerWeights> ReadLayers(string path, long fileLength)
    {
        string where = "";
        try
        {
            using var h5 = H5File.OpenRead(path);
            var result = new List<LayerWeights>();
            if (!h5.AttributeExists("layer_names"))
                throw new CultureNetException($"{path}: no 'layer_names' attribute; expected a Keras save_weights file");
            foreach (var name in ReadStrings(path, h5.Attribute("layer_names"), fileLength, "layer_names"))
            {
                where = $" (layer '{name}')";
                if (!h5.LinkExists(name))
                    throw new CultureNetException($"{path}: layer '{name}' is listed in layer_names but has no group");
                var group = h5.Group(name);
                var weightNames = group.AttributeExists("weight_names") ? ReadStrings(path, group.Attribute("weight_names"), fileLength, $"{name}/weight_names") : [];
                if (weightNames.Length == 0) continue; // layers without weights (Dropout, Activation) are skipped by Keras too
                if (weightNames.Length != 2)
                    throw new CultureNetException($"{path}: layer '{name}' has {weightNames.Length} weights [{string.Join(", ", weightNames)}]; expected a Dense kernel and bias");
                var (kernel, dims) = ReadFloats(path, group, weightNames[0], fileLength);
                var (bias, biasDims) = ReadFloats(path, group, weightNames[1], fileLength);
                if (dims.Length != 2 || biasDims.Length != 1)
                    throw new CultureNetException($"{path}: layer '{name}' kernel has shape ({string.Join(",", dims)}) and bias ({string.Join(",", biasDims)}); expected a 2-D kernel and a 1-D bias");
                result.Add(new LayerWeights(name, kernel, (int)dims[0], (int)dims[1], bias));
            }
            return result;
        }
        catch (OutOfMemoryException e)
        {
            // PureHDF allocates a length read from the file before checking it against the file's size (a corrupt name
            // length asks for up to 2 GB). That one allocation failed, nothing was consumed: the file is corrupt.
            throw new CultureNetException($"{path}: not a readable HDF5 weight file{where}: it declares a structure larger than the memory available (a corrupt length field)", e);
        }
        catch (Exception e) when (e is not CultureNetException)
        {
            throw new CultureNetException($"{path}: not a readable HDF5 weight file{where}: {e.GetType().Name}: {e.Message}", e);
        }
    }

    private static string[] ReadStrings(string path, IH5Attribute attribute, long fileLength, string what)
    {
        CheckDeclaredSize(path, what, attribute.Space.Dimensions, (ulong)attribute.Type.Size, fileLength);
        var values = attribute.Space.Rank == 0 ? [attribute.Read<string>()] : attribute.Read<string[]>();
        return values.Select(v => (v ?? "").TrimEnd('\0')).ToArray();
    }

    /// <summary>Elements × element size must fit in the file: Keras and h5py store weights uncompressed.</summary>
    private static void CheckDeclaredSize(string path, string what, ulong[] dims, ulong elementSize, long fileLength)
    {
        ulong bytes = Math.Max(elementSize, 1);
        foreach (ulong d in dims)
        {
            if (d != 0 && bytes > (ulong)fileLength / d)
                throw new CultureNetException($"{path}: '{what}' declares shape ({string.Join(", ", dims)}) of {elementSize}-byte elements, more than the {fileLength}-byte file can hold; the file is corrupt");
            bytes *= d;
        }
    }

    private static (float[] Values, ulong[] Dims) ReadFloats(string path, IH5Group group, string name, long fileLength)
    {
        if (!group.LinkExists(name))
            throw new CultureNetException($"{path}: dataset '{group.Name}/{name}' listed in weight_names is missing");
        var dataset = group.Dataset(name);
        var dims = dataset.Space.Dimensions;
        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint)
            throw new CultureNetException($"{path}: dataset '{name}' has type {dataset.Type.Class}; expected float32");
        CheckDeclaredSize(path, name, dims, (ulong)dataset.Type.Size, fileLength);
        if (dims.Any(d => d > int.MaxValue))
            throw new CultureNetException($"{path}: dataset '{name}' has shape ({string.Join(", ", dims)}); too large for a weight array");
        float[] values = dataset.Type.Size switch
        {
            4 => dataset.Read<float[]>(),
            8 => Array.ConvertAll(dataset.Read<double[]>(), v => (float)v),
            var size => throw new CultureNetException($"{path}: dataset '{name}' has {size}-byte floats; expected float32"),
        };
        ulong count = dims.Aggregate(1UL, (a, b) => a * b);
        if ((ulong)values.Length != count)
            throw new CultureNetException($"{path}: dataset '{name}' declares {count} values but holds {values.Length}");
        int bad = FiniteCheck.IndexOfNonFinite(values);
        if (bad >= 0)
            throw new CultureNetException($"{path}: dataset '{name}': weight {bad} is {values[bad]}; weights must be finite (was the model trained into NaN?)");
        return (values, dims);
    }
}
