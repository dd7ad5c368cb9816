using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction.Faces;

namespace CultureNet.Engine.Sessions;

/// <summary>What <c>culturenet extract</c> was asked to do (docs/extraction.md); null means "not given".</summary>
public sealed record ExtractionSessionOptions
{
    /// <summary>Feature store to write; a rerun resumes from its journal.</summary>
    public required string Store { get; init; }
    /// <summary>With <see cref="Labels"/>: folder of images named c{culture}/child{id}/{frame}.jpg|jpeg|png; without: a flat
    /// folder of unlabelled images (frames by sorted name) of <see cref="Culture"/>/<see cref="Child"/>.</summary>
    public string? Images { get; init; }
    /// <summary>A video: faces are detected, cropped and extracted in one pass; rows unlabelled, of <see cref="Culture"/>/<see cref="Child"/>.</summary>
    public string? Video { get; init; }
    /// <summary>A faces.csv written by <c>culturenet faces</c>: its crops are cut again in memory from the sources it
    /// lists (<see cref="FaceCropImages"/>), rows keyed and labelled as <see cref="Manifest"/> would read them.</summary>
    public string? FacesCsv { get; init; }
    /// <summary>With <see cref="Video"/>: frames sampled per second (null: every frame); with <see cref="FacesCsv"/>, the
    /// rate its frames were counted at when no faces.state records it.</summary>
    public double? Fps { get; init; }
    /// <summary>With <see cref="Video"/> or <see cref="FacesCsv"/>: also write the face crops and faces.csv into this folder.</summary>
    public string? KeepCrops { get; init; }
    /// <summary>With <see cref="Video"/> or unlabelled <see cref="Images"/>: the rows' culture code and child id.</summary>
    public int Culture { get; init; }
    public int Child { get; init; }
    /// <summary>With <see cref="Video"/>: how faces are found and cut (the crop size is <see cref="ResizeShorterSide"/>).</summary>
    public FaceOptions Faces { get; init; } = new();
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
