using CultureNet.Engine.Native;

namespace CultureNet.Engine.Nn;

/// <summary>
/// Keras' dtype policy (keras.mixed_precision.Policy): the dtype variables are stored in and the dtype layers compute in.
/// The engine has two: "float32", and "mixed_bfloat16" — kernels, biases, gradients and Adadelta's accumulators stay
/// float32 while every matmul takes bfloat16 operands and accumulates in float32 (activations and loss stay float32).
/// mixed_bfloat16 runs on the onednn backend and needs a CPU with avx512_bf16 or amx_bf16.
/// A string converts to a policy, so <c>dtypePolicy: "mixed_bfloat16"</c> reads as in Keras.
/// </summary>
public sealed class Policy : IEquatable<Policy>
{
    public const string Float32 = "float32", MixedBfloat16 = "mixed_bfloat16";

    public Policy(string name)
    {
        Name = name switch
        {
            Float32 or MixedBfloat16 => name,
            "mixed_float16" or "float16" or "bfloat16" or "float64" => throw new CultureNetException(
                $"dtype policy '{name}' is not supported: the engine computes with '{Float32}' or '{MixedBfloat16}' (bfloat16 matmuls, float32 variables)"),
            _ => throw new CultureNetException($"dtype policy '{name}' is unknown (expected '{Float32}' or '{MixedBfloat16}')"),
        };
    }

    /// <summary>Keras' policy.name.</summary>
    public string Name { get; }
    /// <summary>Keras' policy.compute_dtype: "bfloat16" under mixed_bfloat16, else "float32".</summary>
    public string ComputeDtype => Name == MixedBfloat16 ? "bfloat16" : "float32";
    /// <summary>Keras' policy.variable_dtype: always "float32".</summary>
    public string VariableDtype => "float32";

    internal NativePrecision Precision => Name == MixedBfloat16 ? NativePrecision.MixedBfloat16 : NativePrecision.Float32;

    public static implicit operator Policy(string name) => new(name);

    public bool Equals(Policy? other) => other is not null && other.Name == Name;
    public override bool Equals(object? obj) => obj is Policy p && Equals(p);
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => $"<Policy \"{Name}\">";
}
