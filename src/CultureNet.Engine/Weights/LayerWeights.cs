namespace CultureNet.Engine.Weights;

/// <summary>One Dense layer's weights as a file holds them: kernel (rows × cols, Keras in × out) and bias.</summary>
public sealed record LayerWeights(string Name, float[] Kernel, int KernelRows, int KernelCols, float[] Bias)
{
    public string Describe() => $"{Name}: kernel {KernelRows}x{KernelCols}, bias {Bias.Length}";
}
