using System.Diagnostics;
using CultureNet.Engine.Extraction;

namespace CultureNet.Engine.Tests.Extraction;

/// <summary>
/// Shared by the extraction tests: runs the independent Python reference (pil_oracle.py: Debian python3-pil,
/// python3-numpy, python3-skimage) once on real sample photographs from skimage's data folder, and loads the built-in
/// backbone once. The oracle needs /usr/bin/python3 with those packages; without them the tests fail saying so.
/// </summary>
public sealed class OracleFixture : IDisposable
{
    public const string Python = "/usr/bin/python3";

    public OracleFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "cn-extract-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Dir);
        string script = Path.Combine(AppContext.BaseDirectory, "Extraction", "pil_oracle.py");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(Dir);
        psi.ArgumentList.Add(BuiltInBackbone.PreprocessModelPath);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Python}");
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"the Python oracle failed (needs apt packages python3-pil python3-numpy python3-skimage for {Python}):\n{stdout}\n{stderr}");
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
