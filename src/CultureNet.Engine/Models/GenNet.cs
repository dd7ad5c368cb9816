using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Models;

/// <summary>
/// The paper's GenNet head: Dense input→500→200→100→50→1, ReLU on the hidden layers, linear output. The input width
/// is whatever the backbone gives (2048 for ResNet-50).
/// </summary>
public static class GenNet
{
    public static readonly int[] HiddenUnits = [500, 200, 100, 50];

    /// <summary>GenNet over <paramref name="inputDim"/> features; <paramref name="backend"/> and <paramref name="dtypePolicy"/>
    /// as for <see cref="Sequential"/> (null: the engine's default backend, the global policy).</summary>
    public static Sequential Create(int inputDim, IReadOnlyList<int>? hiddenUnits = null, int outputs = 1, int? seed = null,
        string? backend = null, Policy? dtypePolicy = null)
    {
        var model = new Sequential(seed, backend, dtypePolicy);
        var hidden = hiddenUnits ?? HiddenUnits;
        for (int i = 0; i < hidden.Count; i++)
            model.Add(i == 0 ? new Dense(hidden[i], activation: "relu", inputDim: inputDim) : new Dense(hidden[i], activation: "relu"));
        model.Add(hidden.Count == 0 ? new Dense(outputs, activation: "linear", inputDim: inputDim) : new Dense(outputs, activation: "linear"));
        return model;
    }

    /// <summary>The network a weight or model file holds, uncompiled: the one its Keras config describes, or for a
    /// weights-only file one shaped after its kernels (hidden layers ReLU, last linear).</summary>
    public static Sequential FromWeightFile(string path, string? backend = null, Policy? dtypePolicy = null) =>
        KerasModels.LoadModel(path, compile: false, backend: backend, dtypePolicy: dtypePolicy);
}
