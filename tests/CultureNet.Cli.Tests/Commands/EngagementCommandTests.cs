using System.Globalization;
using CultureNet.Engine.Data;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Cli.Tests.Support;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Cli.Tests.Commands;

/// <summary>From video to engagement with the real commands: faces → extract → fit → engagement / predict.</summary>
[Collection("faces")]
public sealed class EngagementCommandTests
{
    private static CliProcess.Result Ok(params string[] args)
    {
        var r = CliProcess.Run(args);
        Assert.True(r.ExitCode == 0, $"culturenet {string.Join(' ', args)}: {r.Stderr}");
        return r;
    }

    private static List<string[]> Csv(string path) => File.ReadAllLines(path).Skip(1).Select(l => l.Split(',')).ToList();

    [Fact]
    public void EngagementOnTheWebcamClipGivesOneFiniteValuePerDetectedFrameAndAPlot()
    {
        using var dir = new TempDir();
        // 512-D features of the clip's faces through the two-step route (PNG crops, then extract).
        Ok("faces", "--video", TestMedia.WebcamClip, "--out", dir.File("faces"));
        Ok("extract", "--manifest", Path.Combine(dir.File("faces"), "faces.csv"), "--out", dir.File("store"));
        Ok("export", dir.File("store"), "--out", dir.File("export"), "--layout", "npy");
        var x = NpyMatrix.Load(Path.Combine(dir.File("export"), "X.npy"));
        Assert.Equal(512, x.Cols);
        // Labels for the test only: a fixed direction of the features squashed to (−1, 1).
        var y = new float[x.Rows];
        for (int i = 0; i < x.Rows; i++)
        {
            var row = x.Row(i);
            double s = 0;
            for (int j = 0; j < row.Length; j++) s += row[j] * Math.Sin(j);
            y[i] = (float)Math.Tanh(s / 50);
        }
        NpyMatrix.Save(dir.File("y.npy"), y, y.Length, 1);
        Directory.CreateDirectory(dir.File("model"));
        Ok("fit", "--x", Path.Combine(dir.File("export"), "X.npy"), "--y", dir.File("y.npy"), "--epochs", "3",
            "--save-weights", Path.Combine(dir.File("model"), "culture_C0.npz"));

        var r = Ok("engagement", "--video", TestMedia.WebcamClip, "--model", dir.File("model"), "--culture", "C0", "--out", dir.File("out"));
        Assert.Contains("culture C0 layer", r.Stdout);
        var rows = Csv(Path.Combine(dir.File("out"), "engagement.csv"));
        var detected = Csv(Path.Combine(dir.File("faces"), "faces.csv")).Select(f => f[6]).ToArray();
        Assert.Equal(detected, rows.Select(e => e[2]).ToArray());
        Assert.All(rows, e => Assert.True(float.IsFinite(float.Parse(e[4], CultureInfo.InvariantCulture))));
        Assert.All(rows, e => Assert.Equal("C0", e[0]));
        var png = File.ReadAllBytes(Path.Combine(dir.File("out"), "engagement.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        // The one-pass pipeline (crops never written) gives the features the PNG route gave: predict on the store agrees.
        Ok("predict", "--model", dir.File("model"), "--store", dir.File("store"), "--out", dir.File("p.csv"));
        var viaStore = Csv(dir.File("p.csv"));
        Assert.Equal(rows.Count, viaStore.Count);
        for (int i = 0; i < rows.Count; i++)
            Assert.Equal(float.Parse(viaStore[i][4], CultureInfo.InvariantCulture), float.Parse(rows[i][4], CultureInfo.InvariantCulture), 4);
    }

    [Fact]
    public void AModelForAnotherFeatureWidthIsRefusedNamingBothWidths()
    {
        using var dir = new TempDir();
        var rng = new Random(3);
        var x = Enumerable.Range(0, 16 * 2048).Select(_ => (float)rng.NextDouble()).ToArray();
        NpyMatrix.Save(dir.File("x.npy"), x, 16, 2048);
        NpyMatrix.Save(dir.File("y.npy"), Enumerable.Range(0, 16).Select(i => i / 16f).ToArray(), 16, 1);
        Directory.CreateDirectory(dir.File("model"));
        Ok("fit", "--x", dir.File("x.npy"), "--y", dir.File("y.npy"), "--epochs", "1", "--save-weights", Path.Combine(dir.File("model"), "culture_C0.npz"));
        var r = CliProcess.Run("engagement", "--video", TestMedia.WebcamClip, "--model", dir.File("model"), "--culture", "0", "--out", dir.File("out"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("2048-D", r.Stderr);
        Assert.Contains("512-D", r.Stderr);
        Assert.False(File.Exists(Path.Combine(dir.File("out"), "engagement.csv")));
    }

    [Fact]
    public void PredictWithAModelFolderUsesTheChildsLayerElseTheCulturesElseTheJointModel()
    {
        using var dir = new TempDir();
        const int dim = 6;
        using var joint = GenNet.Create(dim, [5, 3], seed: 11);
        var body = joint.GetWeights()[..^2];
        Sequential Head(int seed)
        {
            var m = GenNet.Create(dim, [5, 3], seed: seed);
            m.SetWeights([.. body, .. m.GetWeights()[^2..]]);
            return m;
        }
        using var cultureC0 = Head(12);
        using var childC0_3 = Head(13);
        using (var model = new CultureNetModel(GenNet.Create(dim, [5, 3], seed: 11)))
        {
            model.SetJointLayer(joint);
            model.SetCultureLayer(0, cultureC0);
            model.SetChildLayer(new CultureNet.Engine.Cohort.ChildId(0, 3), childC0_3);
            model.Save(dir.File("model"));
        }
        // Rows of child C0-3 (own layer), C0-9 (culture layer), C1-5 (no C1 layer: joint).
        var rng = new Random(5);
        var w = FeatureStoreWriter.Create(dir.File("store"), dim);
        var expected = new List<(string Key, float Value)>();
        foreach (var (culture, child, net) in new[] { (0, 3, childC0_3), (0, 9, cultureC0), (1, 5, joint) })
            for (int f = 0; f < 4; f++)
            {
                var row = Enumerable.Range(0, dim).Select(_ => (float)rng.NextDouble()).ToArray();
                w.Append((byte)culture, child, f, float.NaN, row);
                expected.Add(($"C{culture},{child},{f}", net.Predict(new Matrix(row, 1, dim))[0]));
            }
        w.Finish();
        w.Dispose();
        var r = Ok("predict", "--model", dir.File("model"), "--store", dir.File("store"), "--out", dir.File("e.csv"), "--plot", dir.File("e.png"));
        Assert.Contains("C0 child 3: child C0-3 layer", r.Stdout);
        Assert.Contains("C0 child 9: culture C0 layer", r.Stdout);
        Assert.Contains("C1 child 5: joint layer", r.Stdout);
        var rows = Csv(dir.File("e.csv"));
        Assert.Equal(expected.Select(e => e.Key), rows.Select(x => $"{x[0]},{x[1]},{x[2]}"));
        for (int i = 0; i < rows.Count; i++) Assert.Equal(expected[i].Value, float.Parse(rows[i][4], CultureInfo.InvariantCulture), 5);
        Assert.True(new FileInfo(dir.File("e.png")).Length > 1000);
        // --culture forces one layer for every row.
        var forced = Ok("predict", "--model", dir.File("model"), "--store", dir.File("store"), "--culture", "C0", "--out", dir.File("f.npy"));
        Assert.Contains("C1 child 5: culture C0 layer", forced.Stdout);
    }
}
