using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Cohort;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Protocol.Planning;
using CultureNet.Engine.Protocol.Running;
using CultureNet.Engine.Weights;
using SkiaSharp;

namespace CultureNet.Fuzz;

/// <summary>
/// The seed corpus the tool makes itself: small valid inputs of every target written by the engine's own writers
/// (tools/fuzz/make_seeds.py adds NumPy's, h5py's and PIL's). Written to DIR/TARGET/NAME.
/// </summary>
public static class Seeds
{
    public static int Write(string dir)
    {
        int count = 0;
        string work = Path.Combine(dir, ".work");
        Directory.CreateDirectory(work);
        void Save(string target, string name, byte[] bytes)
        {
            Directory.CreateDirectory(Path.Combine(dir, target));
            File.WriteAllBytes(Path.Combine(dir, target, name), bytes);
            count++;
        }
        byte[] Via(string file, Action<string> write)
        {
            string path = Path.Combine(work, file);
            write(path);
            var bytes = File.ReadAllBytes(path);
            File.Delete(path);
            return bytes;
        }

        var rng = new Random(1);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        foreach (var (rows, cols) in new[] { (3, 4), (1, 1), (8, 2), (5, 1) })
        {
            var npy = Via("a.npy", p => NpyMatrix.Save(p, Values(rows * cols), rows, cols));
            Save("npy", $"tool_{rows}x{cols}.npy", npy);
            Save("npy-stream", $"tool_{rows}x{cols}.npy", npy);
        }
        foreach (var element in new[] { NpyElement.Float16, NpyElement.Float64 })
            Save("npy-stream", $"tool_{element}.npy", Via("b.npy", p =>
            {
                using var w = new NpyArrayWriter(p, element, 4, 3);
                w.WriteRows(Values(12));
                w.Finish();
            }));

        var reference = new double[6 * 7];
        for (int r = 0; r < 6; r++)
        {
            reference[r * 7] = r % 2; reference[r * 7 + 1] = 3; reference[r * 7 + 2] = r; reference[r * 7 + 6] = 0.5;
            for (int c = 3; c < 6; c++) reference[r * 7 + c] = rng.NextDouble();
        }
        Save("npz-array", "tool_reference.npz", Via("c.npz", p => AtomicFile.Write(p, s => NpzWriter.Write(s,
            [new NpzWriter.Array("data_0", NpyElement.Float64, [6, 7], System.Runtime.InteropServices.MemoryMarshal.AsBytes(reference.AsSpan()).ToArray())]))));

        foreach (var (ext, target) in new[] { (".npz", "npz-weights"), (".h5", "h5-weights") })
            foreach (var hidden in new[] { new[] { 3 }, new[] { 5, 4 } })
                Save(target, $"tool_{hidden.Length}hidden{ext}", Via("w" + ext, p =>
                {
                    using var model = GenNet.Create(4, hidden, seed: 2);
                    model.Save(p);
                }));

        // Keras files as the engine writes them: Keras 2 model.save .h5 (compiled: with training_config), Keras 3
        // .weights.h5 and .keras; and the released code's save_weights layout (functional genNet, InputLayer first).
        foreach (var hidden in new[] { new[] { 3 }, new[] { 5, 4 } })
        {
            using var model = GenNet.Create(4, hidden, seed: 3);
            model.Compile(new Adadelta(), "mse", ["mae"]);
            Save("keras-h5-model", $"tool_{hidden.Length}hidden.h5", Via("m.h5", p => model.SaveModel(p)));
            Save("keras-archive", $"tool_{hidden.Length}hidden.keras", Via("m.keras", p => model.SaveModel(p)));
            Save("keras3-weights", $"tool_{hidden.Length}hidden.weights.h5", Via("w.weights.h5", p => model.Save(p)));
            Save("h5-weights", $"tool_{hidden.Length}hidden_released.h5", Via("r.h5", p =>
                WeightFile.WriteKerasHdf5(p, WeightFile.Snapshot(model).Select((l, i) => l with { Name = $"dense_{i + 1}" }).ToArray(),
                    KerasHdf5Layout.ReleasedGenNet)));
        }

        // Store version 3 as written now, and versions 1 and 2 as earlier engines wrote them (same layout; their header
        // checksum covers bytes 0…47 only), so the reader's path for old stores is fuzzed too.
        foreach (var dtype in new[] { FeatureDType.Float32, FeatureDType.Float16 })
        {
            string store = Path.Combine(work, "store");
            using (var writer = FeatureStoreWriter.Create(store, 4, dtype))
            {
                foreach (var (culture, child) in new[] { ((byte)0, 1), ((byte)1, 4) })
                    for (int frame = 0; frame < 3; frame++) writer.Append(culture, child, frame * 2, 0.5f - frame * 0.25f, Values(4));
                writer.Finish();
            }
            var bytes = File.ReadAllBytes(Path.Combine(store, "features.cnstore"));
            Save("store", $"tool_{dtype}.cnstore", bytes);
            if (dtype == FeatureDType.Float32)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(StoreLayout.VersionOffset), StoreLayout.LabelledVersion1);
                StoreLayout.Reseal(bytes);
                Save("store", "tool_version1.cnstore", bytes);
            }
            Directory.Delete(store, recursive: true);
        }

        Save("manifest", "tool.csv", "path,culture,child,frame,label\na.jpg,0,1,0,0.5\n\"b c.png\",C1,2,3,-0.25\n"u8.ToArray());
        Save("labels", "tool.csv", "culture,child,frame,label\n0,1,0,0.5\nC1,2,3,-1\n"u8.ToArray());
        Save("meta-csv", "tool.csv", "culture,child,frame,label,extra\n0,1,0,0.5,7\n1,2,3,-0.25,8\n"u8.ToArray());

        using (var bitmap = new SKBitmap(24, 16))
        {
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 24; x++) bitmap.SetPixel(x, y, new SKColor((byte)(x * 10), (byte)(y * 15), (byte)rng.Next(256)));
            Save("image", "tool.jpg", bitmap.Encode(SKEncodedImageFormat.Jpeg, 85).ToArray());
            Save("image", "tool.png", bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray());
        }

        Save("journal", "tool.journal", Via("j.journal", p =>
        {
            using var j = ExtractionJournal.OpenOrCreate(p, Target.JournalWidth, Target.JournalSettings);
            for (int f = 0; f < 3; f++) j.Write(new FrameKey(0, 1, f), 0.25f, Values(Target.JournalWidth));
        }));

        var evaluation = new EvaluationResult(SettingVariant.Parse("M1"), 1, new ChildId(0, 3), [0, 1, 2], [0.5f, -0.5f, 0f], [0.4f, -0.3f, 0.1f]);
        Save("fit-result", "tool.fit", Via("r.fit", p =>
            FitResultFile.Write(p, new FitResult("run01/M1/C0-3", 1, 42, new FitSummary(3, 0.1, 0.2), [evaluation]))));

        Directory.Delete(work, recursive: true);
        return count;
    }
}
