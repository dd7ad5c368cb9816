using System.Runtime.InteropServices;

namespace CultureNet.Engine.Native;

/// <summary>
/// The native engine's backends (culturenet.h's cn_backend) by the names CULTURENET_BACKEND takes: "onednn" (oneDNN
/// matmul primitives; float32 and mixed_bfloat16) and "openblas" (cblas_sgemm; float32). The default is onednn where
/// libdnnl.so.2 loads, openblas otherwise, unless the environment variable CULTURENET_BACKEND names one.
/// </summary>
public static class NativeBackends
{
    public const string OneDnn = "onednn", OpenBlas = "openblas";

    /// <summary>Every backend name, in the order the engine prefers them.</summary>
    public static IReadOnlyList<string> Names { get; } = [OneDnn, OpenBlas];

    /// <summary>What a backend runs on (<paramref name="name"/> null: the default), e.g. "onednn 2.6.3 (cpu isa
    /// avx512_core_amx)", or why it is unavailable.</summary>
    public static string Describe(string? name)
    {
        NativeEngine.EnsureLoaded();
        return Marshal.PtrToStringUTF8(NativeMethods.BackendInfo(Id(name))) ?? "";
    }

    /// <summary>The backend a network asking for <paramref name="name"/> (null: the default) at
    /// <paramref name="precision"/> gets; a <see cref="CultureNetException"/> saying what is missing when none can.</summary>
    internal static string Resolve(string? name, NativePrecision precision)
    {
        NativeEngine.EnsureLoaded();
        NativeEngine.Check(NativeMethods.BackendProbe(Id(name), (int)precision, out int resolved));
        return NameOf(resolved);
    }

    /// <summary>Whether <paramref name="name"/> (null: the default) can run <paramref name="precision"/> here.</summary>
    internal static bool IsAvailable(string? name, NativePrecision precision)
    {
        NativeEngine.EnsureLoaded();
        return NativeMethods.BackendProbe(Id(name), (int)precision, out _) == NativeStatus.Ok;
    }

    /// <summary>Wall seconds of <paramref name="repetitions"/> float32-output GEMMs (m × k)·(k × n) through a backend at
    /// a precision, on the backend's own operands in its preferred layout (cn_backend_time_gemm): the benchmarks' limit.</summary>
    internal static double TimeGemm(string? name, NativePrecision precision, int m, int n, int k, int repetitions)
    {
        NativeEngine.EnsureLoaded();
        NativeEngine.Check(NativeMethods.BackendTimeGemm(Id(name), (int)precision, m, n, k, repetitions, out double seconds));
        return seconds;
    }

    /// <summary>Wall seconds of <paramref name="repetitions"/> passes that make an Adadelta step's loads and stores over
    /// <paramref name="parameters"/> parameters without its arithmetic (cn_time_update_traffic): the memory limit of an
    /// optimizer step on this machine, at the engine's threads.</summary>
    internal static double TimeUpdateTraffic(long parameters, int repetitions)
    {
        NativeEngine.EnsureLoaded();
        NativeEngine.Check(NativeMethods.TimeUpdateTraffic(parameters, repetitions, out double seconds));
        return seconds;
    }

    internal static int Id(string? name) => name switch
    {
        null => 0,
        OpenBlas => 1,
        OneDnn => 2,
        _ => throw new CultureNetException($"backend '{name}' is unknown (expected {OneDnn} or {OpenBlas}, or none for the default)"),
    };

    internal static string NameOf(int id) => Marshal.PtrToStringUTF8(NativeMethods.BackendName(id))
        ?? throw new CultureNetException($"the native engine reported backend id {id}, which this assembly does not know");
}

/// <summary>culturenet.h's cn_precision.</summary>
internal enum NativePrecision
{
    Float32 = 0,
    MixedBfloat16 = 1,
}
