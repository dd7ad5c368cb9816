using NumSharp;
using NumSharp.IO;

namespace CultureNet.Engine.Weights;

/// <summary>NumPy .npz weights with keys dense_1/kernel, dense_1/bias, … (kernels in × out), as np.savez writes them.</summary>
internal static class NpzWeights
{
    public static void Write(Stream stream, IReadOnlyList<LayerWeights> layers)
    {
        var arrays = new Dictionary<string, NDArray>();
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            arrays[$"dense_{i + 1}/kernel"] = np.array(layer.Kernel).reshape(layer.KernelRows, layer.KernelCols);
            if (layer.HasBias) arrays[$"dense_{i + 1}/bias"] = np.array(layer.Bias);
        }
        np.savez(stream, arrays);
    }

    public static List<LayerWeights> Read(string path)
    {
        NpzFile npz;
        try
        {
            npz = np.load_npz(path);
        }
        catch (Exception e)
        {
            throw new CultureNetException($"{path}: not a readable .npz file ({e.Message})");
        }
        using (npz)
        {
            var keys = npz.Keys.ToHashSet();
            var result = new List<LayerWeights>();
            for (int i = 1; keys.Contains($"dense_{i}/kernel"); i++)
            {
                var kernel = npz[$"dense_{i}/kernel"];
                bool hasBias = keys.Contains($"dense_{i}/bias"); // a Dense with use_bias=False has none
                var bias = hasBias ? npz[$"dense_{i}/bias"] : np.zeros(kernel.ndim == 2 ? kernel.shape[1] : 0).astype(NPTypeCode.Single);
                if (kernel.ndim != 2 || bias.ndim != 1 || bias.shape[0] != kernel.shape[1])
                    throw new CultureNetException($"{path}: dense_{i} kernel has shape ({string.Join(",", kernel.shape)}) and bias ({string.Join(",", bias.shape)}); expected a 2-D kernel and a 1-D bias of its width");
                result.Add(new LayerWeights($"dense_{i}", ToFloats(path, $"dense_{i}/kernel", kernel), (int)kernel.shape[0], (int)kernel.shape[1], ToFloats(path, $"dense_{i}/bias", bias), hasBias));
            }
            if (result.Count == 0)
                throw new CultureNetException($"{path}: no dense_1/kernel entry; found keys [{string.Join(", ", keys)}]");
            return result;
        }
    }

    private static float[] ToFloats(string path, string key, NDArray array) => array.typecode switch
    {
        NPTypeCode.Single => array.ToArray<float>(),
        NPTypeCode.Double => Array.ConvertAll(array.ToArray<double>(), v => (float)v),
        var other => throw new CultureNetException($"{path}: {key} has dtype {other}; expected float32"),
    };
}
