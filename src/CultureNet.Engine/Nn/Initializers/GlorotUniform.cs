namespace CultureNet.Engine.Nn.Initializers;

/// <summary>Keras' glorot_uniform: U(−limit, limit) with limit = √(6 / (fan_in + fan_out)).</summary>
public sealed class GlorotUniform
{
    private readonly int? _seed;

    /// <summary>With a seed, the layer's kernel depends on it alone; without, on the model's generator.</summary>
    public GlorotUniform(int? seed = null) => _seed = seed;

    public void Fill(Span<float> kernel, int fanIn, int fanOut, Random random)
    {
        var rng = _seed is int s ? new Random(s) : random;
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < kernel.Length; i++) kernel[i] = (float)((rng.NextDouble() * 2.0 - 1.0) * limit);
    }
}
