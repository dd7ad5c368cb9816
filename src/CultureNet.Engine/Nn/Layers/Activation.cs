namespace CultureNet.Engine.Nn.Layers;

/// <summary>The activations a Dense layer of this engine supports (the values match cn_activation).</summary>
public enum Activation
{
    Linear = 0,
    Relu = 1,
}

public static class Activations
{
    /// <summary>Parses a Keras activation name ("relu", "linear"; null means linear as in Keras).</summary>
    public static Activation Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "linear" => Activation.Linear,
        "relu" => Activation.Relu,
        _ => throw new CultureNetException($"unknown activation '{name}'; expected 'relu' or 'linear'"),
    };

    public static string ToKerasName(this Activation activation) => activation == Activation.Relu ? "relu" : "linear";
}
