using CultureNet.Engine.Nn.Initializers;
using CultureNet.Engine.Nn;

namespace CultureNet.Engine.Nn.Layers;

/// <summary>
/// Keras' Dense: y = activation(x · kernel + bias), kernel stored in_units × out_units. Once its model is built the
/// weights live in the native engine; Get/SetWeights go through the model.
/// </summary>
public sealed class Dense
{
    public Dense(int units, string? activation = null, int? inputDim = null, bool trainable = true,
                 GlorotUniform? kernelInitializer = null, string? name = null, bool useBias = true)
    {
        if (units <= 0) throw new CultureNetException($"Dense: units must be positive, got {units}");
        if (inputDim is <= 0) throw new CultureNetException($"Dense: inputDim must be positive, got {inputDim}");
        Units = units;
        Activation = Activations.Parse(activation);
        InputDim = inputDim;
        Trainable = trainable;
        KernelInitializer = kernelInitializer;
        Name = name;
        UseBias = useBias;
    }

    public int Units { get; }
    /// <summary>Keras' use_bias. Without one the bias stays zero; the native engine always trains a bias, so such a
    /// layer must be frozen before Compile (a loaded Keras model predicts exactly either way).</summary>
    public bool UseBias { get; }
    public Activation Activation { get; }
    /// <summary>Input width given by the caller (first layer), or inferred from the previous layer once added.</summary>
    public int? InputDim { get; internal set; }
    /// <summary>Null means glorot_uniform drawn from the model's seeded generator.</summary>
    public GlorotUniform? KernelInitializer { get; }
    /// <summary>Keras-style name (dense_1, dense_2, … in model order) unless one was given.</summary>
    public string? Name { get; internal set; }

    /// <summary>As in Keras, a change takes effect at the next <see cref="Sequential.Compile"/>.</summary>
    public bool Trainable { get; set; }

    /// <summary>Keras' <c>layer(x)</c> in the functional API: this layer applied to <paramref name="x"/>, for a
    /// <see cref="Nn.Model"/>. Its input width is <paramref name="x"/>'s. A layer is applied once (the engine builds
    /// chains; Keras' shared layers, applied to several tensors, are not supported).</summary>
    public KerasTensor Call(KerasTensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (Model is not null) throw new CultureNetException($"layer {Name} already belongs to a model");
        if (_called) throw new CultureNetException($"Dense({Units}) is already applied to a tensor (the engine builds chains of layers, each applied once)");
        if (InputDim is int given && given != x.Units)
            throw new CultureNetException($"Dense({Units}): inputDim {given} does not match its input's {x.Units} units");
        InputDim = x.Units;
        _called = true;
        return KerasTensor.Output(this, x);
    }

    private bool _called;

    internal Sequential? Model { get; set; }
    internal int Index { get; set; }

    /// <summary>Keras' <c>layer.count_params()</c>: the kernel's weights and, with a bias, its units.</summary>
    public long CountParams() => (long)KernelSize + (UseBias ? Units : 0);

    public int KernelSize => checked((InputDim ?? throw new InvalidOperationException($"{Name}: input width unknown")) * Units);

    /// <summary>[kernel (in×out, row-major), bias] as in Keras' layer.get_weights().</summary>
    public float[][] GetWeights() => (Model ?? throw new InvalidOperationException($"{Name} is not part of a model")).GetLayerWeights(Index);

    public void SetWeights(float[] kernel, float[] bias) =>
        (Model ?? throw new InvalidOperationException($"{Name} is not part of a model")).SetLayerWeights(Index, kernel, bias);
}
