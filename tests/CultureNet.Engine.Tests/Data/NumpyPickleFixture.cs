using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Data;

/// <summary>Pickles written by Debian's numpy (tests/oracles/numpy_pickles.py), once for the class.</summary>
public sealed class NumpyPickleFixture : IDisposable
{
    public NumpyPickleFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "cn-pickles-" + Guid.NewGuid().ToString("N")[..8]);
        Marker = Path.Combine(Dir, "MARKER");
        Python.Run(Python.Oracle("numpy_pickles.py"), Dir, Marker);
    }

    public string Dir { get; }
    /// <summary>The file the evil pickles' os.system call would create; it must never appear.</summary>
    public string Marker { get; }
    public string File(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
