using CultureNet.Engine.Nn.Layers;

namespace CultureNet.Engine.Nn;

/// <summary>
/// A symbolic tensor of Keras' functional API: what <see cref="Input"/> is and what <see cref="Dense.Call"/> returns,
/// shape (batch, <see cref="Units"/>). It holds no data; it remembers the layer that made it and that layer's input, so
/// a <see cref="Model"/> can be built from the chain that ends in it.
/// </summary>
public class KerasTensor
{
    private protected KerasTensor(int units, Dense? layer, KerasTensor? source)
    {
        Units = units;
        Layer = layer;
        Source = source;
    }

    internal static KerasTensor Output(Dense layer, KerasTensor source) => new(layer.Units, layer, source);

    /// <summary>The width of a row: Keras' shape[-1].</summary>
    public int Units { get; }

    /// <summary>The layer whose output this is; null for an <see cref="Input"/>.</summary>
    internal Dense? Layer { get; }

    /// <summary>That layer's input; null for an <see cref="Input"/>.</summary>
    internal KerasTensor? Source { get; }
}
