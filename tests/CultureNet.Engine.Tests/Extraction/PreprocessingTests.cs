using CultureNet.Engine.Extraction;

namespace CultureNet.Engine.Tests.Extraction;

/// <summary>Decoding + resize/crop + normalisation against PIL/numpy on real photographs (colour and grey, PNG and JPEG).</summary>
[Collection("extraction")]
public sealed class PreprocessingTests(OracleFixture fx)
{
    public static TheoryData<string, int> Cases()
    {
        var d = new TheoryData<string, int>();
        foreach (var name in new[] { "astronaut.png", "camera.png", "chelsea.png", "coffee.png", "rocket.jpg", "retina.jpg", "grey.jpg", "small.png", "rgba.png" })
            foreach (int size in new[] { 256, 224, 300 })
                d.Add(name, size);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ResizeAndCropMatchPilWithinOneGreyLevel(string name, int size)
    {
        var (path, w, h) = fx.Images[name];
        var img = ImageDecoder.Decode(path);
        Assert.Equal((w, h), (img.Width, img.Height));
        var pre = new ImagePreprocessor(size, 224, 224, PixelNormalization.Torch, TensorLayout.Nchw, allowUpscale: true);
        byte[] ours = pre.ResizeCrop(img, path);
        byte[] pil = fx.PilCrop(name, size);
        Assert.Equal(pil.Length, ours.Length);
        int maxDiff = 0;
        long sumDiff = 0;
        for (int i = 0; i < pil.Length; i++)
        {
            int d = Math.Abs(ours[i] - pil[i]);
            maxDiff = Math.Max(maxDiff, d);
            sumDiff += d;
        }
        Assert.True(maxDiff <= 1, $"{name} size {size}: max difference {maxDiff}/255 from PIL (allowed 1)");
        Assert.True(sumDiff / (double)pil.Length < 0.05, $"{name} size {size}: mean difference {sumDiff / (double)pil.Length:F4}/255 from PIL");
    }

    [Theory]
    [InlineData("coffee.png", "torch", TensorLayout.Nchw)]
    [InlineData("rocket.jpg", "caffe", TensorLayout.Nhwc)]
    [InlineData("chelsea.png", "tf", TensorLayout.Nhwc)]
    [InlineData("camera.png", "torch", TensorLayout.Nhwc)]
    public void NormalisedTensorMatchesTextbookFormulaOnPilPixels(string name, string preset, TensorLayout layout)
    {
        var (path, _, _) = fx.Images[name];
        var n = PixelNormalization.FromPreset(preset);
        var pre = new ImagePreprocessor(256, 224, 224, n, layout);
        var ours = new float[pre.SampleLength];
        pre.Preprocess(ImageDecoder.Decode(path), ours, path);

        // Independent formula on PIL's pixels: channel c of the model reads RGB channel (BGR: 2 − c).
        byte[] pil = fx.PilCrop(name, 256);
        (float[] mean, float[] std, float scale, bool bgr) = preset switch
        {
            "torch" => (new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f }, 1 / 255f, false),
            "caffe" => (new[] { 103.939f, 116.779f, 123.68f }, new[] { 1f, 1f, 1f }, 1f, true),
            _ => (new[] { 1f, 1f, 1f }, new[] { 1f, 1f, 1f }, 1 / 127.5f, false),
        };
        for (int y = 0; y < 224; y++)
            for (int x = 0; x < 224; x++)
                for (int c = 0; c < 3; c++)
                {
                    int src = bgr ? 2 - c : c;
                    double expected = (pil[(y * 224 + x) * 3 + src] * (double)scale - mean[c]) / std[c];
                    int at = layout == TensorLayout.Nchw ? c * 224 * 224 + y * 224 + x : (y * 224 + x) * 3 + c;
                    double tol = scale / std[c] * 1.0 + 1e-4; // one grey level
                    Assert.True(Math.Abs(ours[at] - expected) <= tol,
                        $"{name} {preset} {layout} at (c{c}, y{y}, x{x}): {ours[at]} vs {expected}");
                }
    }

    [Fact]
    public void BuiltInNormalisationIsBgrMinusTheMlnetMeanImage()
    {
        var n = BuiltInBackbone.Normalization;
        Assert.Equal(ChannelOrder.Bgr, n.Order);
        Assert.Equal(1f, n.Scale);
        Assert.Equal(fx.PythonMeanImage(), n.MeanImage);
        // Channel means of the image (B, G, R) are the ImageNet means in 0–255.
        var m = n.MeanImage!;
        double b = m.AsSpan(0, 224 * 224).ToArray().Average();
        double r = m.AsSpan(2 * 224 * 224, 224 * 224).ToArray().Average();
        Assert.InRange(b, 102, 104);
        Assert.InRange(r, 122, 124);

        var (path, _, _) = fx.Images["astronaut.png"];
        var pre = new ImagePreprocessor(256, 224, 224, n, TensorLayout.Nchw);
        var t = new float[pre.SampleLength];
        pre.Preprocess(ImageDecoder.Decode(path), t, path);
        byte[] pil = fx.PilCrop("astronaut.png", 256);
        // Model channel 0 is blue: pixel B − mean image[0].
        int y = 100, x = 37, i = y * 224 + x;
        Assert.Equal(pil[i * 3 + 2] - m[i], t[i], 1e-3);
        Assert.Equal(pil[i * 3 + 0] - m[2 * 224 * 224 + i], t[2 * 224 * 224 + i], 1e-3);
    }

    [Theory]
    [InlineData("camera.png", ImageFormat.Png)]
    [InlineData("grey.jpg", ImageFormat.Jpeg)]
    public void GreyScaleIsConvertedToEqualRgbChannelsAndFlagged(string name, ImageFormat format)
    {
        var img = ImageDecoder.Decode(fx.Images[name].Path);
        Assert.Equal(format, img.Format);
        Assert.Equal(SourceColorModel.Grey, img.Source);
        Assert.True(img.WasGrey);
        for (int i = 0; i < img.Width * img.Height; i++)
        {
            Assert.Equal(img.Rgb[3 * i], img.Rgb[3 * i + 1]);
            Assert.Equal(img.Rgb[3 * i], img.Rgb[3 * i + 2]);
        }
        Assert.NotEqual(img.Rgb.Min(), img.Rgb.Max());
    }

    [Fact]
    public void ColourImagesAreNotFlaggedGrey()
    {
        Assert.Equal(SourceColorModel.Rgb, ImageDecoder.Decode(fx.Images["rocket.jpg"].Path).Source);
        Assert.Equal(SourceColorModel.RgbAlpha, ImageDecoder.Decode(fx.Images["rgba.png"].Path).Source);
    }

    [Fact]
    public void GeometryFollowsTorchvision()
    {
        Assert.Equal((256, 384), Resampler.ResizedSize(400, 600, 256));
        Assert.Equal((384, 256), Resampler.ResizedSize(451, 300, 256)); // 256·451/300 = 384.85, truncated as int()
        Assert.Equal((224, 224), Resampler.ResizedSize(100, 100, 224));
        Assert.Equal((80, 16), Resampler.CenterCropOffset(384, 256, 224, 224));
        Assert.Equal((0, 2), Resampler.CenterCropOffset(225, 227, 224, 224)); // Python round(): 0.5 → 0, 1.5 → 2
    }
}
