using CultureNet.Engine.Nn.Layers;

namespace CultureNet.Engine.Nn;

/// <summary>
/// Keras' functional <c>Model(inputs, outputs)</c> over a chain of Dense layers, each applied once. The study's
/// released genNet is written this way, and its port reads line for line:
/// <code>
/// var inp = new Input(shape: [inputDim]);
/// var l1 = new Dense(500, activation: "relu", trainable: trainable[0]).Call(inp);
/// ...
/// var l5 = new Dense(1, activation: "linear", trainable: trainable[4]).Call(l4);
/// var model = new Model(inputs: inp, outputs: l5, seed: 1);
/// model.Compile(optimizer: "adadelta", loss: "mean_squared_error", metrics: ["mae"]);
/// </code>
/// It trains exactly as the <see cref="Sequential"/> of the same layers (it is one). Its Keras .h5 weight files list
/// the InputLayer first, as a functional model's do. <see cref="Sequential.Layers"/> lists the Dense layers only.
/// As in Keras, a model class may derive from it (the released <c>class genNet(Model)</c>); C# runs the base
/// constructor first, so such a class builds its layers in a static method and passes them on.
/// </summary>
public class Model : Sequential
{
    /// <summary>Keras' <c>Model(inputs=[inp], outputs=[out])</c>: one input and one output, as lists.</summary>
    public Model(IReadOnlyList<Input> inputs, IReadOnlyList<KerasTensor> outputs, int? seed = null, string? backend = null,
        Policy? dtypePolicy = null)
        : this(Single(inputs, "inputs"), Single(outputs, "outputs"), seed, backend, dtypePolicy) { }

    public Model(Input inputs, KerasTensor outputs, int? seed = null, string? backend = null, Policy? dtypePolicy = null)
        : base(seed, backend, dtypePolicy)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var chain = new List<Dense>();
        var tensor = outputs;
        while (tensor.Layer is { } layer)
        {
            chain.Add(layer);
            tensor = tensor.Source!;
        }
        if (!ReferenceEquals(tensor, inputs))
            throw new CultureNetException($"Model: outputs do not come from inputs ({inputs.Name}): the chain of layers that ends in outputs starts at another Input ({((Input)tensor).Name})");
        if (chain.Count == 0) throw new CultureNetException("Model: outputs is inputs itself (expected at least one layer between them)");
        chain.Reverse();
        foreach (var layer in chain) Add(layer);
        InputName = inputs.Name;
    }

    /// <summary>The InputLayer's name, written first in Keras .h5 weight files.</summary>
    public string InputName { get; }

    private protected override IEnumerable<ModelSummary.Row> SummaryRows() =>
        base.SummaryRows().Prepend(new ModelSummary.Row(InputName, "InputLayer", InputDim, 0));

    private static T Single<T>(IReadOnlyList<T> tensors, string what)
    {
        ArgumentNullException.ThrowIfNull(tensors, what);
        return tensors.Count == 1 ? tensors[0]
            : throw new CultureNetException($"Model: {what} has {tensors.Count} tensors (expected one: the engine builds single-input, single-output chains)");
    }
}
