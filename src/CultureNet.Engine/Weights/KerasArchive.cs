using System.IO.Compression;
using CultureNet.Engine.IO;
using System.Text;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Keras 3's .keras archive (saving_lib.save_model): a zip holding metadata.json, config.json and model.weights.h5
/// (<see cref="Keras3WeightsHdf5"/>), stored uncompressed as Keras stores them. Written with fixed entry times, so
/// identical models give identical bytes.
/// </summary>
internal static class KerasArchive
{
    private const string ConfigName = "config.json", MetadataName = "metadata.json", WeightsName = "model.weights.h5";
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Write(Stream stream, KerasModelSpec spec, IReadOnlyList<LayerWeights> weights)
    {
        var h5 = new MemoryStream();
        Keras3WeightsHdf5.Write(h5, spec, weights);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Add(zip, MetadataName, Encoding.UTF8.GetBytes(Keras3Json.Metadata()));
        Add(zip, ConfigName, Encoding.UTF8.GetBytes(Keras3Json.Config(spec)));
        Add(zip, WeightsName, h5.ToArray());
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        entry.LastWriteTime = EntryTime;
        using var s = entry.Open();
        s.Write(content);
    }

    /// <remarks>Through <see cref="NpzArchive"/>: the zip's structure, each member's size against its compressed bytes,
    /// and every member's CRC-32 are checked, and any damage is one error naming the file (and member).</remarks>
    public static KerasModelFile Read(string path, bool compile)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        using var zip = NpzArchive.Open(path, ".keras");
        var config = Encoding.UTF8.GetString(Member(zip, ConfigName, 64 << 20));
        var spec = KerasConfigReader.Parse(config, path);
        if (!zip.Contains(WeightsName))
            throw new CultureNetException($"{path}: no {WeightsName} in the archive{(zip.Contains("model.weights.npz") ? " (its weights are in the .npz format, which is not supported)" : "")}");
        var weights = Hdf5Reader.Read(new MemoryStream(Member(zip, WeightsName, Array.MaxLength), writable: false),
            $"{path}:{WeightsName}", h5 => Keras3WeightsHdf5.Read(h5, spec));
        var compileConfig = compile ? KerasTrainingConfigOf(config, path) : null;
        return new KerasModelFile(spec, weights, compileConfig);
    }

    private static Nn.Optimizers.Adadelta? KerasTrainingConfigOf(string config, string path)
    {
        var root = KerasTrainingConfig.ParseJson(config, path);
        return root["compile_config"] is { } compileConfig ? KerasTrainingConfig.Parse(compileConfig, path) : null;
    }

    private static byte[] Member(NpzArchive zip, string name, long limit) =>
        zip.Contains(name)
            ? zip.ReadAll(name, limit)
            : throw new CultureNetException($"{zip.Path}: no {name} in the archive; expected a Keras 3 .keras file");
}
