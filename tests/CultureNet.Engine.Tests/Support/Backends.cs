using CultureNet.Engine.Native;

namespace CultureNet.Engine.Tests.Support;

/// <summary>Theory data: every native backend, so a test runs once on each (a backend missing here fails the test with
/// the engine's message, it is not skipped).</summary>
public static class Backends
{
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in NativeBackends.Names) data.Add(name);
        return data;
    }

    /// <summary>Every backend, with false and with true.</summary>
    public static TheoryData<string, bool> WithFlag()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in NativeBackends.Names)
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }
}
