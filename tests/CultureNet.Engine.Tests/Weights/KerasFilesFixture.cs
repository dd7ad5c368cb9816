using CultureNet.Engine.IO;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Weights;

/// <summary>Keras files written by h5py following Keras' saving code (tests/oracles/keras_files.py), once for the class.</summary>
public sealed class KerasFilesFixture : IDisposable
{
    public KerasFilesFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "cn-keras-" + Guid.NewGuid().ToString("N")[..8]);
        Python.Run(Oracle, "write", Dir);
        X = NpyMatrix.Load(File("x.npy"));
        using var reader = NpyArrayReader.Open(File("expected.npy"));
        Expected = new double[reader.Rows * reader.Columns];
        reader.ReadRows(Expected, (int)reader.Rows);
    }

    public static string Oracle => Python.Oracle("keras_files.py");
    public string Dir { get; }
    public Matrix X { get; }
    /// <summary>The oracle's float64 forward pass of x through its network.</summary>
    public double[] Expected { get; }
    public string File(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>The .npy predictions file holds <paramref name="expected"/> to 1e-5.</summary>
    public static void AssertPredictionsFile(string path, float[] expected)
    {
        using var reader = NpyArrayReader.Open(path);
        var values = new double[reader.Rows * reader.Columns];
        reader.ReadRows(values, (int)reader.Rows);
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++) Assert.True(Math.Abs(values[i] - expected[i]) <= 1e-5, $"row {i}: {values[i]} vs {expected[i]}");
    }
}
