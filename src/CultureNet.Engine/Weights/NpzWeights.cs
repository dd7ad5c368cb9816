using System.Runtime.InteropServices;
using CultureNet.Engine.Nn;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.Weights;

/// <summary>
/// NumPy .npz weights with keys dense_1/kernel, dense_1/bias, … (kernels in × out), as np.savez writes them.
/// Read through <see cref="NpzArchive"/> (zip structure, sizes and CRC-32 checked) and the strict .npy header parser;
/// every member must be a float32/float64 .npy array whose data are exactly what its header declares, and every weight
/// must be finite. Written with <see cref="NpzWriter"/> (fixed timestamps: identical weights, identical bytes).
/// </summary>
internal static class NpzWeights
{
    public static void Write(Stream stream, IReadOnlyList<LayerWeights> layers) =>
        NpzWriter.Write(stream, layers.SelectMany((layer, i) =>
        {
            var kernel = new NpzWriter.Array($"dense_{i + 1}/kernel", NpyElement.Float32, [layer.KernelRows, layer.KernelCols],
                MemoryMarshal.AsBytes(layer.Kernel.AsSpan()).ToArray());
            // A Dense with use_bias=False has no bias member (as np.savez of its weights would have none).
            return layer.HasBias
                ? new[] { kernel, new NpzWriter.Array($"dense_{i + 1}/bias", NpyElement.Float32, [layer.Bias.Length],
                    MemoryMarshal.AsBytes(layer.Bias.AsSpan()).ToArray()) }
                : new[] { kernel };
        }));

    public static List<LayerWeights> Read(string path)
    {
        using var npz = NpzArchive.Open(path);
        foreach (var member in npz.MemberNames)
            if (!member.EndsWith(".npy", StringComparison.Ordinal))
                throw new CultureNetException($"{path}: member '{member}' is not a .npy array; expected only dense_N/kernel.npy and dense_N/bias.npy");
        var keys = npz.MemberNames.Select(m => m[..^4]).ToHashSet(StringComparer.Ordinal);
        var result = new List<LayerWeights>();
        for (int i = 1; keys.Contains($"dense_{i}/kernel"); i++)
        {
            var (kernel, kernelShape) = ReadArray(npz, $"dense_{i}/kernel");
            bool hasBias = keys.Contains($"dense_{i}/bias"); // a Dense with use_bias=False has none
            var (bias, biasShape) = hasBias ? ReadArray(npz, $"dense_{i}/bias") : (new float[kernelShape.Length == 2 ? kernelShape[1] : 0], new[] { kernelShape.Length == 2 ? kernelShape[1] : 0L });
            if (kernelShape.Length != 2 || biasShape.Length != 1 || biasShape[0] != kernelShape[1])
                throw new CultureNetException($"{path}: dense_{i} kernel has shape ({string.Join(",", kernelShape)}) and bias ({string.Join(",", biasShape)}); expected a 2-D kernel and a 1-D bias of its width");
            result.Add(new LayerWeights($"dense_{i}", kernel, (int)kernelShape[0], (int)kernelShape[1], bias, hasBias));
        }
        if (result.Count == 0)
            throw new CultureNetException($"{path}: no dense_1/kernel entry; found keys [{string.Join(", ", keys)}]");
        // Other arrays (e.g. a training log) may ride along, but anything named like a layer must be one of the layers
        // read: a damaged member name (zip names carry no checksum) must not silently drop the layers after it.
        foreach (var key in keys.Where(k => k.StartsWith("dense_", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            int slash = key.IndexOf('/');
            bool known = slash > 6 && int.TryParse(key.AsSpan(6, slash - 6), System.Globalization.NumberStyles.None, null, out int n)
                && n >= 1 && n <= result.Count && key[(slash + 1)..] is "kernel" or "bias";
            if (!known)
                throw new CultureNetException($"{path}: member '{key}' is not one of the layers dense_1 … dense_{result.Count} (kernel, bias); the file is damaged or not a GenNet weight file");
        }
        return result;
    }

    /// <summary>One member as float32 values, its shape from the header; data length, CRC and finiteness checked.</summary>
    private static (float[] Values, long[] Shape) ReadArray(NpzArchive npz, string key)
    {
        string source = $"{npz.Path}:{key}";
        using var stream = npz.OpenMember(key + ".npy");
        var header = NpyFormat.ReadHeader(stream, source);
        if (header.Element is not (NpyElement.Float32 or NpyElement.Float64))
            throw new CultureNetException($"{source}: dtype {NpyFormat.Descr(header.Element)}; expected float32 (or float64) weights");
        long dataBytes = NpyFormat.DataBytes(header);
        long holds = npz.Length(key + ".npy") - header.DataOffset;
        if (holds != dataBytes)
            throw new CultureNetException($"{source}: shape ({string.Join(", ", header.Shape)}) {NpyFormat.Descr(header.Element)} declares {dataBytes} data bytes, the member holds {Math.Max(0, holds)}");
        if (header.Shape.Any(d => d > int.MaxValue) || header.ElementCount > System.Array.MaxLength)
            throw new CultureNetException($"{source}: shape ({string.Join(", ", header.Shape)}) is too large for a weight array");
        // The member's declared size was checked against its compressed size, so this allocation is one the file can fill.
        var raw = new byte[dataBytes];
        int got = NpyFormat.ReadFully(stream, raw);
        if (got < raw.Length) throw new CultureNetException($"{source}: truncated — {got} of {raw.Length} data bytes");
        stream.ReadByte(); // reaches the end, where the CRC is compared
        float[] values = header.Element == NpyElement.Float32
            ? MemoryMarshal.Cast<byte, float>(raw).ToArray()
            : System.Array.ConvertAll(MemoryMarshal.Cast<byte, double>(raw).ToArray(), v => (float)v);
        int bad = FiniteCheck.IndexOfNonFinite(values);
        if (bad >= 0)
            throw new CultureNetException($"{source}: weight {Index(bad, header.Shape)} is {values[bad]}; weights must be finite (was the model trained into NaN?)");
        return (values, header.Shape);
    }

    private static string Index(int flat, long[] shape) =>
        shape.Length == 2 ? $"[{flat / shape[1]}, {flat % shape[1]}]" : $"[{flat}]";
}
