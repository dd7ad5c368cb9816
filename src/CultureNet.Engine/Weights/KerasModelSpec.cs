using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Layers;

namespace CultureNet.Engine.Weights;

/// <summary>One Dense layer as a Keras model config describes it.</summary>
public sealed record KerasDenseSpec(string Name, int Units, Activation Activation, bool UseBias = true, bool Trainable = true);

/// <summary>
/// The network a Keras model file describes: a Sequential of Dense layers over an input vector of
/// <see cref="InputDim"/> features (null when the config does not say; the first kernel then tells), computing under the
/// dtype policy named <see cref="DtypePolicy"/> (null when the config does not say).
/// </summary>
public sealed record KerasModelSpec(string Name, int? InputDim, IReadOnlyList<KerasDenseSpec> Layers, string? DtypePolicy = null)
{
    /// <summary>The spec of an engine model, for writing it as Keras would.</summary>
    public static KerasModelSpec Of(Sequential model, string name = "sequential_1")
    {
        model.Build();
        return new KerasModelSpec(name, model.InputDim,
            model.Layers.Select(l => new KerasDenseSpec(l.Name!, l.Units, l.Activation, l.UseBias, l.Trainable)).ToList(),
            model.DtypePolicy.Name);
    }

    /// <summary>The policy a model built from this spec computes under: <paramref name="requested"/> when given, else
    /// the one the config names (as Keras' load_model: a layer's saved dtype wins over the global policy), else null
    /// (the global policy).</summary>
    public Policy? PolicyFor(Policy? requested, string source)
    {
        if (requested is not null || DtypePolicy is null) return requested;
        try { return new Policy(DtypePolicy); }
        catch (CultureNetException e)
        {
            throw new CultureNetException($"{source}: the model's layers compute under dtype policy '{DtypePolicy}' ({e.Message}); load it with dtypePolicy: \"float32\" to run its float32 weights in float32");
        }
    }

    /// <summary>
    /// The shape of a weight file that carries no config: hidden layers ReLU, the last linear — GenNet's convention,
    /// which is what the reference code saves with save_weights.
    /// </summary>
    public static KerasModelSpec FromWeights(IReadOnlyList<LayerWeights> weights) => new("sequential_1", weights.Count > 0 ? weights[0].KernelRows : null,
        weights.Select((w, i) => new KerasDenseSpec(w.Name, w.KernelCols, i == weights.Count - 1 ? Activation.Linear : Activation.Relu, w.HasBias)).ToList());

    /// <summary>Builds the network with these weights (in layer order), after checking that every shape fits.</summary>
    public Sequential Build(IReadOnlyList<LayerWeights> weights, string source, int? seed = null, string? backend = null, Policy? dtypePolicy = null)
    {
        if (weights.Count != Layers.Count)
            throw new CultureNetException(
                $"{source}: the config describes {Layers.Count} Dense layers [{string.Join(", ", Layers.Select(l => l.Name))}] but the file holds weights for {weights.Count} [{string.Join("; ", weights.Select(w => w.Describe()))}]");
        int inputDim = InputDim ?? weights[0].KernelRows;
        var model = new Sequential(seed, backend, PolicyFor(dtypePolicy, source));
        try
        {
            int width = inputDim;
            for (int i = 0; i < Layers.Count; i++)
            {
                var layer = Layers[i];
                var w = weights[i];
                if (w.KernelRows != width || w.KernelCols != layer.Units || w.HasBias != layer.UseBias)
                    throw new CultureNetException(
                        $"{source}: layer '{layer.Name}' is Dense({layer.Units}, use_bias={layer.UseBias}) over {width} inputs in the config, but its weights are [{w.Describe()}]");
                model.Add(new Dense(layer.Units, layer.Activation.ToKerasName(), inputDim: i == 0 ? inputDim : null,
                    trainable: layer.Trainable, name: layer.Name, useBias: layer.UseBias));
                width = layer.Units;
            }
            model.Build();
            for (int i = 0; i < weights.Count; i++) model.Layers[i].SetWeights(weights[i].Kernel, weights[i].Bias);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
