using CultureNet.Engine.Extraction;

namespace CultureNet.Engine.Tests.Extraction;

/// <summary>
/// Shared by the extraction tests: runs the independent Python reference (tests/oracles/extraction_pil_oracle.py: Debian python3-pil,
/// python3-numpy, python3-skimage) once on real sample photographs from skimage's data folder, and loads the built-in
/// backbone once. The oracle needs /usr/bin/python3 with those packages; without them the tests fail saying so.
/// </summary>
public sealed class OracleFixture : IDisposable
{
    public OracleFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "cn-extract-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Dir);
        // Fails loudly (naming the apt packages) when the oracle cannot run: a skipped oracle proves nothing.
        try
        {
            Support.Python.Run(Support.Python.Oracle("extraction_pil_oracle.py"), Dir, BuiltInBackbone.PreprocessModelPath);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"the extraction oracle needs python3-pil python3-numpy python3-skimage for {Support.Python.Interpreter}: {e.Message}", e);
        }
        foreach (var line in File.ReadAllLines(Path.Combine(Dir, "list.txt")))
        {
            var f = line.Split('\t');
            Images[f[0]] = (f[1], int.Parse(f[2]), int.Parse(f[3]));
        }
        SkimageData = Path.GetDirectoryName(Images["astronaut.png"].Path)!;
        Backbone = OnnxBackbone.Load(BuiltInBackbone.ModelPath);
    }

    /// <summary>Temporary folder with the oracle's outputs and fixtures (grey.jpg, cmyk.jpg, small.png, rgba.png).</summary>
    public string Dir { get; }

    /// <summary>skimage's data folder (real public sample photographs).</summary>
    public string SkimageData { get; }

    public Dictionary<string, (string Path, int Width, int Height)> Images { get; } = new();

    public OnnxBackbone Backbone { get; }

    /// <summary>A fresh sub-folder of <see cref="Dir"/>.</summary>
    public string NewDir()
    {
        string d = Path.Combine(Dir, "m-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Writes <paramref name="text"/> to dir/name (creating folders); returns the path.</summary>
    public static string WriteFile(string dir, string name, string text)
    {
        string p = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text);
        return p;
    }

    /// <summary>PIL's Resize(size) + CenterCrop(224) of the named image: 224 × 224 × 3 RGB bytes.</summary>
    public byte[] PilCrop(string name, int size) => File.ReadAllBytes(Path.Combine(Dir, $"{name}.{size}.rgb"));

    public float[] PythonMeanImage()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Dir, "meanimage.f32"));
        var f = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, f, 0, bytes.Length);
        return f;
    }

    public void Dispose()
    {
        Backbone.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition("extraction")]
public sealed class ExtractionCollection : ICollectionFixture<OracleFixture> { }
