using System.Globalization;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;
using CultureNet.Engine.IO;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Faces;

/// <summary>The built-in detectors on real photos, and their decoding + NMS against an independent numpy decoding.</summary>
[Collection("faces")]
public sealed class DetectorTests
{
    /// <summary>The astronaut's face, marked by hand on the 512×512 image (hairline to chin, cheek to cheek).</summary>
    private static readonly FaceBox AstronautFace = new(172, 72, 274, 178, 1);

    private static FaceDetector Load(string name)
    {
        var (path, format, _) = BuiltInDetectors.Resolve(name, null);
        return FaceDetector.Load(path, format);
    }

    [Theory]
    [InlineData("ultraface")]
    [InlineData("blazeface")]
    [InlineData("blazeface-back")]
    public void TheAstronautHasOneFaceWhereMarkedByHand(string detector)
    {
        using var d = Load(detector);
        var img = ImageDecoder.Decode(TestMedia.Astronaut);
        var faces = d.Detect(img.Rgb, img.Width, img.Height, d.DefaultThreshold);
        var face = Assert.Single(faces);
        Assert.True(face.IoU(AstronautFace) >= 0.5f, $"{detector}: IoU {face.IoU(AstronautFace):F2} with the marked box, box {face}");
    }

    [Theory]
    [InlineData("sunset.jpg")]
    [InlineData("skagen.jpg")]
    [InlineData("snow.jpg")]
    public void PhotosWithoutPeopleHaveNoFace(string photo)
    {
        using var d = Load("ultraface");
        var img = ImageDecoder.Decode(TestMedia.Photo(photo));
        Assert.Empty(d.Detect(img.Rgb, img.Width, img.Height, d.DefaultThreshold));
    }

    [Fact]
    public void AGroupPhotoHasSeveralFaces()
    {
        using var d = Load("ultraface");
        var img = ImageDecoder.Decode(TestMedia.Photo("bar55.jpg"));
        var faces = d.Detect(img.Rgb, img.Width, img.Height, d.DefaultThreshold);
        Assert.True(faces.Count >= 3, $"{faces.Count} faces");
        // After NMS no two kept boxes overlap by more than the limit.
        for (int i = 0; i < faces.Count; i++)
            for (int j = i + 1; j < faces.Count; j++) Assert.True(faces[i].IoU(faces[j]) <= d.Options.NmsIou);
    }

    [Theory]
    [InlineData("ultraface", "bar55.jpg", 0.3f)]
    [InlineData("ultraface", "astronaut", 0.02f)]
    [InlineData("blazeface", "bar55.jpg", 0.2f)]
    [InlineData("blazeface-back", "astronaut", 0.2f)]
    [InlineData("blazeface-back", "bar55.jpg", 0.3f)]
    public void DecodingAndNmsEqualAnIndependentNumpyDecodingOfTheRawOutputs(string detector, string photo, float threshold)
    {
        using var d = Load(detector);
        var img = ImageDecoder.Decode(photo == "astronaut" ? TestMedia.Astronaut : TestMedia.Photo(photo));
        var raw = d.Run(img.Rgb, img.Width, img.Height);
        var ours = NonMaxSuppression.Apply(d.Candidates(raw, threshold), d.Options.NmsIou);

        using var dir = new TempDir();
        var inv = CultureInfo.InvariantCulture;
        string[] args;
        if (d is UltraFaceDetector u)
        {
            NpyMatrix.Save(dir.File("a.npy"), raw.Outputs[u.ScoresName], raw.Outputs[u.ScoresName].Length / 2, 2);
            NpyMatrix.Save(dir.File("b.npy"), raw.Outputs[u.BoxesName], raw.Outputs[u.BoxesName].Length / 4, 4);
            args = ["ultraface", dir.File("a.npy"), dir.File("b.npy"), img.Width.ToString(inv), img.Height.ToString(inv), threshold.ToString("R", inv), d.Options.NmsIou.ToString("R", inv)];
        }
        else
        {
            var b = (BlazeFaceDetector)d;
            // Layers in the anchors' order: the larger (16 × 16 × 2) first.
            var logits = raw.Outputs.Where(o => o.Value.Length is 512 or 384 or 896).OrderByDescending(o => o.Value.Length).SelectMany(o => o.Value).ToArray();
            var regressors = raw.Outputs.Where(o => o.Value.Length is 512 * 16 or 384 * 16 or 896 * 16).OrderByDescending(o => o.Value.Length).SelectMany(o => o.Value).ToArray();
            NpyMatrix.Save(dir.File("a.npy"), logits, logits.Length, 1);
            NpyMatrix.Save(dir.File("b.npy"), regressors, regressors.Length / 16, 16);
            args = ["blazeface", dir.File("a.npy"), dir.File("b.npy"), img.Width.ToString(inv), img.Height.ToString(inv), threshold.ToString("R", inv), d.Options.NmsIou.ToString("R", inv), b.InputSize.ToString(inv)];
        }
        var lines = Python.Run([Python.Oracle("face_decode_oracle.py"), .. args]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var theirs = lines.Select(l => l.Split(' ').Select(t => float.Parse(t, inv)).ToArray()).Select(v => new FaceBox(v[1], v[2], v[3], v[4], v[0])).ToList();
        Assert.True(theirs.Count >= 2, $"the case should keep several boxes; the oracle kept {theirs.Count}");
        Assert.Equal(theirs.Count, ours.Count);
        for (int i = 0; i < ours.Count; i++)
        {
            Assert.True(Math.Abs(theirs[i].Score - ours[i].Score) < 1e-5f, $"score {i}: {ours[i].Score} vs {theirs[i].Score}");
            foreach (var (a, e) in new[] { (ours[i].X1, theirs[i].X1), (ours[i].Y1, theirs[i].Y1), (ours[i].X2, theirs[i].X2), (ours[i].Y2, theirs[i].Y2) })
                Assert.True(Math.Abs(a - e) < 0.01f, $"box {i}: {ours[i]} vs {theirs[i]}");
        }
    }

    [Fact]
    public void AnUnknownFormatIsRefused()
    {
        var e = Assert.Throws<CultureNetException>(() => BuiltInDetectors.Resolve("/tmp/model.onnx", "yolo"));
        Assert.Contains("--detector-format 'yolo': unknown detector format; expected ultraface or blazeface", e.Message);
    }

    [Fact]
    public void AModelWithTheWrongOutputsIsRefusedNamingTheFile()
    {
        var (ultra, _, _) = BuiltInDetectors.Resolve("ultraface", null);
        var (blaze, _, _) = BuiltInDetectors.Resolve("blazeface", null);
        var asBlaze = Assert.Throws<CultureNetException>(() => FaceDetector.Load(ultra, DetectorFormat.BlazeFace));
        Assert.Contains(ultra, asBlaze.Message);
        Assert.Contains("BlazeFace", asBlaze.Message);
        var asUltra = Assert.Throws<CultureNetException>(() => FaceDetector.Load(blaze, DetectorFormat.UltraFace));
        Assert.Contains(blaze, asUltra.Message);
        // The built-in ResNet-18 has an NCHW image input but one 512-D output: not a detector.
        var backbone = BuiltInBackbone.ModelPath;
        var resnet = Assert.Throws<CultureNetException>(() => FaceDetector.Load(backbone, DetectorFormat.UltraFace));
        Assert.Contains(backbone, resnet.Message);
        Assert.Contains("not an UltraFace detector: expected two outputs, scores [1, N, 2] and boxes [1, N, 4]", resnet.Message);
        var text = Path.Combine(Path.GetTempPath(), $"cn-not-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(text, "not a model");
        try
        {
            var e = Assert.Throws<CultureNetException>(() => FaceDetector.Load(text, DetectorFormat.UltraFace));
            Assert.Contains($"{text}: not a loadable ONNX model", e.Message);
        }
        finally { File.Delete(text); }
    }
}
