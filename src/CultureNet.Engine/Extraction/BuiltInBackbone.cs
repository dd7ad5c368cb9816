using Microsoft.ML.OnnxRuntime;

namespace CultureNet.Engine.Extraction;

/// <summary>
/// The backbone that ships with the engine: ML.NET's pretrained ImageNet ResNet-18
/// (NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.23.1, MIT licence; a CNTK model exported to ONNX).
/// The build copies it to <c>DnnImageModels/</c> next to the assemblies, so extraction runs without any download.
///
/// What the files say (inspected with ONNX Runtime and a protobuf dump):
/// <list type="bullet">
/// <item><c>ResNet18Onnx/ResNet18.onnx</c>: input <c>Input247</c> float [1, 3, 224, 224] (NCHW, batch fixed at 1 — the
///   engine relaxes it, see <see cref="OnnxBatchPatcher"/>); output <c>Pooling395_Output_0</c> float [1, 512, 1, 1], the
///   global-average-pooled 512-D feature. Operators: Conv, BatchNormalization, Relu, MaxPool, Add, AveragePool.</item>
/// <item><c>ResNetPrepOnnx/ResNetPreprocess.onnx</c>: ML.NET's preprocessing for it: input <c>OriginalInput</c>
///   [1, 3, 224, 224] RGB in 0–255, Split → Concat as B, G, R → Sub of a per-pixel mean image <c>MeanImage</c>
///   [1, 3, 224, 224] (channel means B 103.06, G 115.90, R 123.15; per-pixel SD ≈ 3–6). No scaling, no std.</item>
/// </list>
/// The engine reproduces that preprocessing itself (<see cref="Normalization"/>: BGR, 0–255, minus the mean image read
/// from the preprocessing model by running it on a zero image) instead of running the second model per batch.
/// ML.NET's own image pipeline resizes straight to 224 (isotropic + centre crop); the engine's default is the ImageNet
/// evaluation transform (shorter side 256, centre crop 224); <c>--size 224</c> gives ML.NET's geometry.
/// </summary>
public static class BuiltInBackbone
{
    public const string Name = "resnet18";
    public const int FeatureWidth = 512;
    public const string InputName = "Input247";
    public const string OutputName = "Pooling395_Output_0";

    public static string ModelDirectory => Path.Combine(AppContext.BaseDirectory, "DnnImageModels");
    public static string ModelPath => Path.Combine(ModelDirectory, "ResNet18Onnx", "ResNet18.onnx");
    public static string PreprocessModelPath => Path.Combine(ModelDirectory, "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>True when <paramref name="backbone"/> names the built-in model (null, empty, "resnet18" or its file).</summary>
    public static bool IsBuiltIn(string? backbone) =>
        string.IsNullOrEmpty(backbone) || backbone.Equals(Name, StringComparison.OrdinalIgnoreCase)
        || Path.GetFullPath(backbone) == Path.GetFullPath(ModelPath);

    /// <summary>Resolves a --backbone value to a model file ("resnet18" or nothing → the shipped ResNet-18).</summary>
    public static string Resolve(string? backbone)
    {
        if (!IsBuiltIn(backbone)) return backbone!;
        if (!File.Exists(ModelPath))
            throw new CultureNetException($"{ModelPath}: the built-in ResNet-18 is missing; the build copies it from the Microsoft.ML.DnnImageFeaturizer.ResNet18 package (rebuild, or pass --backbone MODEL.onnx)");
        return ModelPath;
    }

    private static readonly Lazy<float[]> MeanImage = new(LoadMeanImage);

    /// <summary>ML.NET's preprocessing for the built-in ResNet-18 (see the class remarks).</summary>
    public static PixelNormalization Normalization => new()
    {
        Order = ChannelOrder.Bgr, Scale = 1f, Mean = [0f, 0f, 0f], Std = [1f, 1f, 1f], MeanImage = MeanImage.Value,
    };

    private static float[] LoadMeanImage()
    {
        string path = PreprocessModelPath;
        if (!File.Exists(path))
            throw new CultureNetException($"{path}: the built-in ResNet-18's preprocessing model is missing (rebuild, or pass --preset/--mean/--std)");
        using var session = new InferenceSession(path);
        var zeros = new float[3 * 224 * 224];
        using var input = OrtValue.CreateTensorValueFromMemory(zeros, [1, 3, 224, 224]);
        using var ro = new RunOptions();
        using var results = session.Run(ro, ["OriginalInput"], [input], ["PreprocessedInput"]);
        var minusMean = results[0].GetTensorDataAsSpan<float>();
        var mean = new float[minusMean.Length];
        for (int i = 0; i < mean.Length; i++) mean[i] = -minusMean[i];
        return mean;
    }
}
