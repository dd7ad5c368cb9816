using System.IO.Compression;
using System.Text;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Keras 3's .keras archive (saving_lib.save_model): a zip holding metadata.json, config.json and model.weights.h5
/// (<see cref="Keras3WeightsHdf5"/>), stored uncompressed as Keras stores them. Written with fixed entry times, so
/// identical models give identical bytes. Reading bounds every member by what its compressed bytes can expand to.
/// </summary>
internal static class KerasArchive
{
    private const string ConfigName = "config.json", MetadataName = "metadata.json", WeightsName = "model.weights.h5";
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const long MaxDeflateRatio = 1032; // DEFLATE's largest possible expansion

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

    public static KerasModelFile Read(string path, bool compile)
    {
        if (!File.Exists(path)) throw new CultureNetException($"{path}: file not found");
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new CultureNetException($"{path}: not a .keras archive (not a zip file: {e.Message})"); }
        using (zip)
        {
            var spec = KerasConfigReader.Parse(Encoding.UTF8.GetString(Member(zip, path, ConfigName, 64 << 20)), path);
            if (zip.GetEntry(WeightsName) is null)
                throw new CultureNetException($"{path}: no {WeightsName} in the archive{(zip.GetEntry("model.weights.npz") is null ? "" : " (its weights are in the .npz format, which is not supported)")}");
            var weights = Hdf5Reader.Read(new MemoryStream(Member(zip, path, WeightsName, Array.MaxLength), writable: false),
                $"{path}:{WeightsName}", h5 => Keras3WeightsHdf5.Read(h5, spec));
            var compileConfig = compile ? KerasTrainingConfigOf(zip, path) : null;
            return new KerasModelFile(spec, weights, compileConfig);
        }
    }

    private static Nn.Optimizers.Adadelta? KerasTrainingConfigOf(ZipArchive zip, string path)
    {
        var root = KerasTrainingConfig.ParseJson(Encoding.UTF8.GetString(Member(zip, path, ConfigName, 64 << 20)), path);
        return root["compile_config"] is { } compileConfig ? KerasTrainingConfig.Parse(compileConfig, path) : null;
    }

    /// <summary>A member's bytes; its declared size must fit what its compressed bytes can hold and <paramref name="limit"/>.</summary>
    private static byte[] Member(ZipArchive zip, string path, string name, long limit)
    {
        var entry = zip.GetEntry(name) ?? throw new CultureNetException($"{path}: no {name} in the archive; expected a Keras 3 .keras file");
        if (entry.Length > limit || entry.Length > Math.Max(entry.CompressedLength, 1) * MaxDeflateRatio)
            throw new CultureNetException($"{path}: archive member {name} declares {entry.Length} bytes from {entry.CompressedLength} stored; refusing to expand it");
        var bytes = new byte[entry.Length];
        try
        {
            using var s = entry.Open();
            int read = 0, n;
            while (read < bytes.Length && (n = s.Read(bytes, read, bytes.Length - read)) > 0) read += n;
            if (read != bytes.Length || s.ReadByte() != -1)
                throw new CultureNetException($"{path}: archive member {name} does not hold the {entry.Length} bytes it declares");
        }
        catch (InvalidDataException e) { throw new CultureNetException($"{path}: archive member {name} is damaged ({e.Message})"); }
        return bytes;
    }
}
