
namespace CultureNet.Engine.Weights;

/// <summary>One Dense layer's weights as a file holds them: kernel (rows × cols, Keras in × out) and bias (zeros when
/// the layer has none: Keras' use_bias=False).</summary>
public sealed record LayerWeights(string Name, float[] Kernel, int KernelRows, int KernelCols, float[] Bias, bool HasBias = true)
{
    public string Describe() => $"{Name}: kernel {KernelRows}x{KernelCols}, bias {(HasBias ? Bias.Length : "none")}";

    /// <summary>The kernel as a rows × cols array, the shape HDF5 writers store it in.</summary>
    public float[,] Kernel2D()
    {
        var kernel = new float[KernelRows, KernelCols];
        Buffer.BlockCopy(Kernel, 0, kernel, 0, Kernel.Length * sizeof(float));
        return kernel;
    }

    /// <summary>NaN or ±Inf in a weight file is an error naming the layer (a model trained into NaN saves as such).</summary>
    public void EnsureFinite(string source)
    {
        // Not TensorPrimitives.IsFiniteAll: System.Numerics.Tensors 10.0.0 throws IndexOutOfRangeException for an empty
        // span (a damaged file's 0 × 1 kernel, found by fuzzing h5-weights).
        int i = Nn.FiniteCheck.IndexOfNonFinite(Kernel);
        if (i >= 0)
        {
            string at = KernelCols > 0 ? $"[{i / KernelCols}, {i % KernelCols}]" : $"[{i}]";
            throw new CultureNetException($"{source}: layer '{Name}' kernel weight {at} is {Kernel[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}; weights must be finite (was the model trained into NaN?)");
        }
        i = Nn.FiniteCheck.IndexOfNonFinite(Bias);
        if (i >= 0)
        {
            throw new CultureNetException($"{source}: layer '{Name}' bias weight [{i}] is {Bias[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}; weights must be finite (was the model trained into NaN?)");
        }
    }
}
