namespace CultureNet.Engine.Nn;

/// <summary>
/// Keras' <c>Input(shape=(d,))</c>: where a functional model starts, rows of <c>d</c> features. Only flat rows exist
/// here (the engine's layers are Dense), so the shape has one entry.
/// </summary>
public sealed class Input : KerasTensor
{
    /// <param name="shape">One width, as Keras' <c>shape=(d,)</c>.</param>
    /// <param name="name">The InputLayer's name in Keras weight files; Keras' first is "input_1".</param>
    public Input(int[] shape, string? name = null) : base(Width(shape), null, null)
    {
        Name = name ?? "input_1";
    }

    public string Name { get; }

    private static int Width(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length != 1 || shape[0] <= 0)
            throw new CultureNetException($"Input: shape is ({string.Join(", ", shape)}) (expected one positive width, as Keras' shape=(2048,): the engine's layers take flat rows)");
        return shape[0];
    }
}
