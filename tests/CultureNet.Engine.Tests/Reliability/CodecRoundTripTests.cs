using CsCheck;
using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Tests.Reliability;

/// <summary>Property tests (CsCheck): every codec the tool writes reads back exactly what was written.</summary>
public class CodecRoundTripTests
{
    private const int Iterations = 25;
    private static readonly Gen<float> Finite = Gen.Float[-1e6f, 1e6f];

    [Fact]
    public void NpyMatrices()
    {
        using var dir = new TempDir();
        Gen.Int[1, 30].SelectMany(rows => Gen.Int[1, 30].SelectMany(cols => Finite.Array[rows * cols].Select(v => (rows, cols, v))))
            .Sample(t =>
            {
                string path = dir.File("m.npy");
                NpyMatrix.Save(path, t.v, t.rows, t.cols);
                var back = NpyMatrix.Load(path, allowVector: true);
                return back.Rows == t.rows && back.Cols == t.cols && back.ToArray().AsSpan().SequenceEqual(t.v);
            }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void NpzMembersOfEveryElementType()
    {
        using var dir = new TempDir();
        Gen.Int[1, 12].SelectMany(rows => Gen.Int[1, 9].SelectMany(cols => Gen.Double[-1e9, 1e9].Array[rows * cols].Select(v => (rows, cols, v))))
            .Sample(t =>
            {
                string path = dir.File("a.npz");
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.v.AsSpan()).ToArray();
                AtomicFile.Write(path, s => NpzWriter.Write(s, [new NpzWriter.Array("x", NpyElement.Float64, [t.rows, t.cols], bytes),
                    new NpzWriter.Array("y", NpyElement.Float64, [t.rows * t.cols], bytes)]));
                foreach (var key in new[] { "x", "y" })
                {
                    using var r = NpyArrayReader.Open(path, key);
                    var back = new double[t.rows * t.cols];
                    r.ReadRows(back, (int)r.Rows);
                    if (!back.AsSpan().SequenceEqual(t.v)) return false;
                }
                return true;
            }, iter: Iterations, threads: 1);
    }

    [Theory]
    [InlineData(".npz")]
    [InlineData(".h5")]
    public void WeightFiles(string extension)
    {
        using var dir = new TempDir();
        Gen.Int[1, 12].SelectMany(input => Gen.Int[1, 8].Array[1, 3].SelectMany(hidden => Gen.Int[0, 1000].Select(seed => (input, hidden, seed))))
            .Sample(t =>
            {
                string path = dir.File("w" + extension);
                using var model = GenNet.Create(t.input, t.hidden, seed: t.seed);
                model.Save(path);
                var written = model.GetWeights();
                var read = WeightFile.Read(path);
                return read.Count == written.Length / 2
                    && read.Select((l, i) => l.Kernel.AsSpan().SequenceEqual(written[2 * i]) && l.Bias.AsSpan().SequenceEqual(written[2 * i + 1])).All(x => x);
            }, iter: 12, threads: 1);
    }

    [Fact]
    public void FeatureStores()
    {
        using var dir = new TempDir();
        var row = Gen.Select(Gen.Byte[0, 1], Gen.Int[0, 5], Gen.Int[0, 40], Gen.Float[-1f, 1f]);
        Gen.Int[1, 6].SelectMany(d => row.Array[1, 40].SelectMany(rows => Finite.Array[rows.Length * d].Select(f => (d, rows, f))))
            .Sample(t =>
            {
                var unique = t.rows.DistinctBy(r => (r.Item1, r.Item2, r.Item3)).ToArray();
                string store = dir.File("s");
                using (var w = FeatureStoreWriter.Create(store, t.d))
                {
                    for (int i = 0; i < unique.Length; i++) w.Append(unique[i].Item1, unique[i].Item2, unique[i].Item3, unique[i].Item4, t.f.AsSpan(i * t.d, t.d));
                    w.Finish();
                }
                using var s = FeatureStore.Open(store, verifyChecksums: true);
                var expected = unique.Select((r, i) => (r.Item1, r.Item2, r.Item3, r.Item4, i)).OrderBy(r => (r.Item1, r.Item2, r.Item3)).ToArray();
                if (s.RowCount != expected.Length) return false;
                for (int k = 0; k < expected.Length; k++)
                {
                    var e = expected[k];
                    if (s.Cultures[k] != e.Item1 || s.Children[k] != e.Item2 || s.Frames[k] != e.Item3 || s.Labels[k] != e.Item4) return false;
                    if (!s.Features(k, 1).SequenceEqual(t.f.AsSpan(e.i * t.d, t.d))) return false;
                }
                return true;
            }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void ExtractionJournals()
    {
        using var dir = new TempDir();
        Gen.Int[1, 5].SelectMany(width => Gen.Int[0, 30].SelectMany(n => Finite.Array[n * width].Select(f => (width, n, f))))
            .Sample(t =>
            {
                string path = dir.File($"j{Guid.NewGuid():N}.journal");
                using (var j = ExtractionJournal.OpenOrCreate(path, t.width, "settings"))
                    for (int i = 0; i < t.n; i++) j.Write(new FrameKey(i % 2, i / 2, i), i / 100f, t.f.AsSpan(i * t.width, t.width));
                using var back = ExtractionJournal.OpenOrCreate(path, t.width, "settings");
                var rows = back.ReadAll().ToArray();
                return back.Resumed == t.n && rows.Length == t.n
                    && rows.Select((r, i) => r.Key == new FrameKey(i % 2, i / 2, i) && r.Label == i / 100f && r.Features.AsSpan().SequenceEqual(t.f.AsSpan(i * t.width, t.width))).All(x => x);
            }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void FitResults()
    {
        using var dir = new TempDir();
        Gen.Int[0, 20].SelectMany(n => Gen.Float[-1f, 1f].Array[2 * n].Select(v => (n, v)))
            .Sample(t =>
            {
                var frames = Enumerable.Range(0, t.n).ToArray();
                var e = new EvaluationResult(SettingVariant.Parse("M3"), 2, new ChildId(1, 7), frames, t.v[..t.n], t.v[t.n..]);
                var result = new FitResult("run02/M3/C1", 2, 99, new FitSummary(4, 0.25, 0.5), [e]);
                string path = dir.File("r.fit");
                FitResultFile.Write(path, result);
                var back = FitResultFile.TryRead(path);
                return back is not null && back.Key == result.Key && back.Fingerprint == 99 && back.Summary == result.Summary
                    && back.Evaluations[0].Predictions.AsSpan().SequenceEqual(e.Predictions) && back.Evaluations[0].Labels.AsSpan().SequenceEqual(e.Labels);
            }, iter: Iterations, threads: 1);
    }
}
