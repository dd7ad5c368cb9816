using System.Globalization;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.Extraction.Faces;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Faces;

/// <summary>The crop rule against an independent numpy implementation (tests/oracles/face_crop_oracle.py).</summary>
[Collection("faces")]
public sealed class CropTests
{
    [Fact]
    public void CropsEqualTheNumpyImplementationOfTheRule()
    {
        var boxes = new FaceBox[]
        {
            new(180.3f, 62.7f, 268.1f, 174.4f, 1),   // the face: a downscale-free, sub-pixel box
            new(-40.5f, -20.25f, 60.5f, 90.75f, 1),  // off the top-left corner: black fill
            new(450, 400, 530, 520, 1),               // off the bottom-right corner
            new(10, 10, 500, 300, 1),                 // large: 256 from ~610 px
            new(250, 250, 262, 259, 1),               // tiny: enlarged
        };
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("boxes.txt"), boxes.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.X1:R} {b.Y1:R} {b.X2:R} {b.Y2:R}")));
        Python.Run(Python.Oracle("face_crop_oracle.py"), TestMedia.Astronaut, dir.File("boxes.txt"), "1.25", "256", dir.File("crop"));
        var img = ImageDecoder.Decode(TestMedia.Astronaut);
        for (int k = 0; k < boxes.Length; k++)
        {
            var ours = new byte[256 * 256 * 3];
            FaceCrop.Draw(img.Rgb, img.Width, img.Height, boxes[k], 1.25, 256, ours);
            var theirs = File.ReadAllBytes(dir.File($"crop.{k}.rgb"));
            Assert.Equal(theirs.Length, ours.Length);
            int differ = 0, worst = 0;
            for (int i = 0; i < ours.Length; i++)
            {
                int d = Math.Abs(ours[i] - theirs[i]);
                if (d > 0) differ++;
                worst = Math.Max(worst, d);
            }
            // float64 on both sides: only a value within rounding of x.5 may land on the other integer.
            Assert.True(worst <= 1 && differ <= ours.Length / 10000, $"box {k}: {differ} bytes differ, worst by {worst}");
        }
    }

    [Fact]
    public void TheSquareIsCentredOnTheBoxWithTheMarginOnTheLongerSide()
    {
        var (cx, cy, side) = FaceCrop.Square(new FaceBox(10, 20, 50, 100, 1), 1.25);
        Assert.Equal((30.0, 60.0, 100.0), (cx, cy, side));
    }

    [Fact]
    public void OutsideTheFrameIsBlack()
    {
        var rgb = Enumerable.Repeat((byte)200, 8 * 8 * 3).ToArray();
        var crop = new byte[16 * 16 * 3];
        // The square [−8, 8) × [−8, 8) puts the frame in the bottom-right quarter.
        FaceCrop.Draw(rgb, 8, 8, new FaceBox(-6.4f, -6.4f, 6.4f, 6.4f, 1), 1.25, 16, crop);
        Assert.Equal(0, crop[(2 * 16 + 2) * 3]);      // top-left: outside
        Assert.Equal(200, crop[(12 * 16 + 12) * 3]);  // bottom-right: inside
    }
}

/// <summary>The face tests decode videos and run detectors on every core; one at a time keeps the shared machine usable
/// for the tests beside them.</summary>
[CollectionDefinition("faces")]
public sealed class FacesCollection { }
