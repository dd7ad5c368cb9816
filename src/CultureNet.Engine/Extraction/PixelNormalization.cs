using System.Globalization;

namespace CultureNet.Engine.Extraction;

/// <summary>Order of the colour channels the backbone expects.</summary>
public enum ChannelOrder { Rgb, Bgr }

/// <summary>Memory layout of the backbone's image input: channels first (PyTorch, CNTK) or last (Keras/tf2onnx).</summary>
public enum TensorLayout { Nchw, Nhwc }

/// <summary>
/// How 8-bit pixels become the backbone's input values. For model channel c (after reordering to
/// <see cref="Order"/>) at (y, x): <c>value = (pixel · Scale − Mean[c] − MeanImage[c, y, x]) / Std[c]</c>.
/// <see cref="MeanImage"/> (optional, channels-first, in model channel order, the crop's size) serves models trained with
/// a per-pixel mean image such as the built-in ML.NET/CNTK ResNet-18.
/// </summary>
public sealed record PixelNormalization
{
    public ChannelOrder Order { get; init; } = ChannelOrder.Rgb;
    public float Scale { get; init; } = 1f;
    public float[] Mean { get; init; } = [0f, 0f, 0f];
    public float[] Std { get; init; } = [1f, 1f, 1f];
    public float[]? MeanImage { get; init; }

    /// <summary>PyTorch/torchvision ImageNet models: RGB, x/255, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).</summary>
    public static PixelNormalization Torch => new()
    {
        Order = ChannelOrder.Rgb, Scale = 1f / 255f, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f],
    };

    /// <summary>
    /// Keras <c>applications.resnet50.preprocess_input</c> ("caffe" mode; what a Keras ResNet-50 exported with tf2onnx
    /// expects): BGR, 0–255, minus the ImageNet BGR mean (103.939, 116.779, 123.68), no scaling.
    /// </summary>
    public static PixelNormalization Caffe => new()
    {
        Order = ChannelOrder.Bgr, Scale = 1f, Mean = [103.939f, 116.779f, 123.68f], Std = [1f, 1f, 1f],
    };

    /// <summary>Keras "tf" mode (MobileNet, Inception…): RGB scaled to [−1, 1] (x/127.5 − 1).</summary>
    public static PixelNormalization Tf => new()
    {
        Order = ChannelOrder.Rgb, Scale = 1f / 127.5f, Mean = [1f, 1f, 1f], Std = [1f, 1f, 1f],
    };

    /// <summary>Raw 0–255 RGB values.</summary>
    public static PixelNormalization Raw => new();

    /// <summary>Preset by name: torch, caffe (= keras), tf, raw. The built-in backbone's preset is <see cref="Backbones"/>' job.</summary>
    public static PixelNormalization FromPreset(string name) => name.ToLowerInvariant() switch
    {
        "torch" or "pytorch" => Torch,
        "caffe" or "keras" => Caffe,
        "tf" => Tf,
        "raw" => Raw,
        _ => throw new CultureNetException($"--preset: unknown normalisation preset '{name}'; expected torch, caffe (keras), tf, raw or mlnet-resnet18"),
    };

    /// <summary>Parses "a,b,c" (three numbers) for --mean / --std.</summary>
    public static float[] ParseTriple(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var v = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !float.IsFinite(v[i]))
                throw new CultureNetException($"{option}: '{parts[i]}' is not a number; expected three comma-separated numbers, e.g. 0.485,0.456,0.406");
        if (v.Length != 3) throw new CultureNetException($"{option}: expected three comma-separated numbers (one per channel), got {v.Length}");
        return v;
    }

    /// <summary>
    /// The normalisation a run uses: the preset (the built-in backbone's own by default; a custom backbone must name one
    /// or give mean/std), then any of mean, std, scale and channel order given explicitly override it.
    /// </summary>
    public static PixelNormalization Resolve(bool builtInBackbone, string? preset, string? mean, string? std, float? scale, string? order)
    {
        PixelNormalization n;
        if (preset is null || preset.Equals("mlnet-resnet18", StringComparison.OrdinalIgnoreCase))
        {
            if (preset is null && !builtInBackbone && mean is null && std is null)
                throw new CultureNetException(
                    "--backbone is a custom model: say how it expects its pixels with --preset torch|caffe|keras|tf|raw (a Keras ResNet-50 exported with tf2onnx: caffe; a torchvision export: torch) or --mean/--std/--scale/--channel-order");
            n = preset is null && !builtInBackbone ? Raw : BuiltInBackbone.Normalization;
        }
        else n = FromPreset(preset);
        if (mean is not null) n = n with { Mean = ParseTriple(mean, "--mean"), MeanImage = null };
        if (std is not null) n = n with { Std = ParseTriple(std, "--std") };
        if (scale is { } s) n = n with { Scale = s };
        if (order is not null)
            n = n with
            {
                Order = order.ToLowerInvariant() switch
                {
                    "rgb" => ChannelOrder.Rgb,
                    "bgr" => ChannelOrder.Bgr,
                    _ => throw new CultureNetException($"--channel-order '{order}': expected rgb or bgr"),
                },
            };
        return n;
    }

    /// <summary>"nchw" / "nhwc" (any case) as given to --layout; null when not given (the model's input shape decides).</summary>
    public static TensorLayout? ParseLayout(string? text) => text switch
    {
        null => null,
        var s when s.Equals("nchw", StringComparison.OrdinalIgnoreCase) => TensorLayout.Nchw,
        var s when s.Equals("nhwc", StringComparison.OrdinalIgnoreCase) => TensorLayout.Nhwc,
        var s => throw new CultureNetException($"--layout '{s}': expected nchw or nhwc"),
    };

    /// <summary>Checks the values and that a mean image has <paramref name="height"/> × <paramref name="width"/> × 3 entries.</summary>
    public void Validate(int width, int height)
    {
        if (Mean.Length != 3 || Std.Length != 3) throw new CultureNetException("normalisation: mean and std need three values each (one per channel)");
        foreach (var s in Std)
            if (!(s != 0f && float.IsFinite(s))) throw new CultureNetException($"normalisation: std {s} is not a finite non-zero number");
        if (!float.IsFinite(Scale) || Scale == 0f) throw new CultureNetException($"normalisation: scale {Scale} is not a finite non-zero number");
        if (MeanImage is not null && MeanImage.Length != 3 * width * height)
            throw new CultureNetException($"normalisation: the mean image has {MeanImage.Length} values, expected 3×{height}×{width}");
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Order.ToString().ToUpperInvariant()}, ×{Scale:G6}, mean ({string.Join(", ", Mean)}){(MeanImage is null ? "" : " + per-pixel mean image")}, std ({string.Join(", ", Std)})");
}
