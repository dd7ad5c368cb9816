using CultureNet.Engine.Data;

namespace CultureNet.Engine.Sessions;

/// <summary>What <c>culturenet extract</c> was asked to do (docs/extraction.md); null means "not given".</summary>
public sealed record ExtractionSessionOptions
{
    /// <summary>Feature store to write; a rerun resumes from its journal.</summary>
    public required string Store { get; init; }
    /// <summary>Folder of images named c{culture}/child{id}/{frame}.jpg|jpeg|png (needs <see cref="Labels"/>).</summary>
    public string? Images { get; init; }
    /// <summary>CSV with columns path, culture, child, frame, label.</summary>
    public string? Manifest { get; init; }
    /// <summary>With <see cref="Images"/>: CSV with columns culture, child, frame, label.</summary>
    public string? Labels { get; init; }
    /// <summary>ONNX model; null for the built-in ResNet-18.</summary>
    public string? Backbone { get; init; }
    public int Batch { get; init; } = 64;
    /// <summary>Shorter side before the centre crop.</summary>
    public int ResizeShorterSide { get; init; } = 256;
    public string? Preset { get; init; }
    public string? Mean { get; init; }
    public string? Std { get; init; }
    public float? Scale { get; init; }
    public string? ChannelOrder { get; init; }
    public string? Layout { get; init; }
    public string? OutputName { get; init; }
    public int? InputSize { get; init; }
    public bool AllowUpscale { get; init; }
    public int DecodeThreads { get; init; }
    public int OrtThreads { get; init; }
    public bool UseGpu { get; init; }
    public int GpuDevice { get; init; }
    /// <summary>Feature precision of a new store.</summary>
    public FeatureDType DType { get; init; } = FeatureDType.Float32;
}
