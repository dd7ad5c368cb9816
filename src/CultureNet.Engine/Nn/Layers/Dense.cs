using CultureNet.Engine.Nn.Initializers;

namespace CultureNet.Engine.Nn.Layers;

/// <summary>
/// Keras' Dense: y = activation(x · kernel + bias), kernel stored in_units × out_units. Once its model is built the
/// weights live in the native engine; Get/SetWeights go through the model.
/// </summary>
public sealed class Dense
{
    public Dense(int units, string? activation = null, int? inputDim = null, bool trainable = true,
                 GlorotUniform? kernelInitializer = null, string? name = null)
    {
        if (units <= 0) throw new CultureNetException($"Dense: units must be positive, got {units}");
        if (inputDim is <= 0) throw new CultureNetException($"Dense: inputDim must be positive, got {inputDim}");
        Units = units;
        Activation = Activations.Parse(activation);
        InputDim = inputDim;
        Trainable = trainable;
        KernelInitializer = kernelInitializer;
        Name = name;
    }

    public int Units { get; }
    public Activation Activation { get; }
    /// <summary>Input width given by the caller (first layer), or inferred from the previous layer once added.</summary>
    public int? InputDim { get; internal set; }
    /// <summary>Null means glorot_uniform drawn from the model's seeded generator.</summary>
    public GlorotUniform? KernelInitializer { get; }
    /// <summary>Keras-style name (dense_1, dense_2, … in model order) unless one was given.</summary>
    public string? Name { get; internal set; }

    /// <summary>As in Keras, a change takes effect at the next <see cref="Sequential.Compile"/>.</summary>
    public bool Trainable { get; set; }

    internal Sequential? Model { get; set; }
    internal int Index { get; set; }

    public int KernelSize => checked((InputDim ?? throw new InvalidOperationException($"{Name}: input width unknown")) * Units);

    /// <summary>[kernel (in×out, row-major), bias] as in Keras' layer.get_weights().</summary>
    public float[][] GetWeights() => (Model ?? throw new InvalidOperationException($"{Name} is not part of a model")).GetLayerWeights(Index);

    public void SetWeights(float[] kernel, float[] bias) =>
        (Model ?? throw new InvalidOperationException($"{Name} is not part of a model")).SetLayerWeights(Index, kernel, bias);
}
