namespace CultureNet.Engine.Data;

/// <summary>How feature values are stored on disk. Values are always handed to callers as float32.</summary>
public enum FeatureDType
{
    /// <summary>IEEE float32: zero-copy spans and a raw pointer for the native engine.</summary>
    Float32 = 1,

    /// <summary>IEEE float16: half the I/O; widened to float32 when rows are gathered.</summary>
    Float16 = 2,
}

public static class FeatureDTypeExtensions
{
    public static int ElementSize(this FeatureDType dtype) => dtype switch
    {
        FeatureDType.Float32 => 4,
        FeatureDType.Float16 => 2,
        _ => throw new CultureNetException($"unknown feature dtype code {(int)dtype}; expected 1 (float32) or 2 (float16)"),
    };

    public static FeatureDType Parse(string text) => text.ToLowerInvariant() switch
    {
        "float32" or "f32" or "fp32" => FeatureDType.Float32,
        "float16" or "f16" or "fp16" or "half" => FeatureDType.Float16,
        _ => throw new CultureNetException($"unknown feature dtype '{text}'; expected float32 or float16"),
    };

    public static string Name(this FeatureDType dtype) => dtype == FeatureDType.Float16 ? "float16" : "float32";
}
