using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace CultureNet.Engine.Native;

/// <summary>
/// OPENBLAS_CORETYPE before OpenBLAS loads. Debian's OpenBLAS 0.3.21 picks its kernels from the CPU model, and on CPUs
/// newer than it knows (e.g. Sapphire Rapids) it falls back to its Prescott (SSE3) kernels: 3–6× slower GEMMs. On a CPU
/// with AVX-512F/BW/DQ/VL this sets its Haswell (AVX2 + FMA) kernels, with which this engine trains correctly on any
/// thread count. Not SkylakeX, its AVX-512 kernels, although they are faster again: with them the engine's openblas
/// backend on 2 threads computes wrong weights (2 epochs from fixed weights: dense_1 off by up to 1.9× relative against
/// the float64 reference, which Haswell, Prescott, SkylakeX on 1 thread and oneDNN all match to 1e-5; the same
/// cblas_sgemm calls on the same operands outside the engine are exact), so until that is understood SkylakeX stays
/// an explicit user choice (docs/native-backends.md). OpenBLAS reads the variable once, in its load-time constructor,
/// so it has to be in the C environment before libculturenet.so (which links libblas.so.3) or anything else opens
/// libblas.so.3. A value the user set is never replaced.
/// </summary>
public static partial class OpenBlasCoreType
{
    public const string Variable = "OPENBLAS_CORETYPE";

    /// <summary>The core type set on AVX-512 CPUs: OpenBLAS's AVX2 + FMA kernels (the class remarks say why not SkylakeX).</summary>
    public const string Default = "Haswell";

    private static readonly Lazy<string> Decision = new(Decide, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>What was decided, for benchmark headers: "Haswell (set by culturenet: AVX-512F/BW/DQ/VL CPU)",
    /// "SkylakeX (from the environment)", or "not set (...)". Applies the default on first use.</summary>
    public static string Description => Decision.Value;

    /// <summary>Sets OPENBLAS_CORETYPE=Haswell when it is unset and the CPU has AVX-512F/BW/DQ/VL; idempotent.
    /// Called before the native engine loads.</summary>
    public static void Apply() => _ = Decision.Value;

    private static string Decide()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } user) return $"{user} (from the environment)";
        if (!HasAvx512Skx()) return "not set (the CPU lacks AVX-512F/BW/DQ/VL: OpenBLAS chooses)";
        // The C environment is what OpenBLAS's getenv sees (.NET keeps its own copy, which Process.Start hands to
        // children: set both, so a PyTorch peer the benchmarks start gets the same kernels). overwrite 0: a value
        // in the C environment that .NET did not see still wins.
        if (SetEnv(Variable, Default, 0) != 0) return $"not set (setenv failed: errno {Marshal.GetLastPInvokeError()})";
        Environment.SetEnvironmentVariable(Variable, Environment.GetEnvironmentVariable(Variable) ?? Default);
        return $"{Default} (set by culturenet: AVX-512F/BW/DQ/VL CPU)";
    }

    /// <summary>AVX-512 F, BW, DQ and VL, as the kernel reports them in /proc/cpuinfo (the hardware, whatever .NET's
    /// own AVX-512 switches say); the runtime's intrinsics where /proc/cpuinfo cannot be read.</summary>
    internal static bool HasAvx512Skx()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return false;
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
                var flags = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                return flags.Contains("avx512f") && flags.Contains("avx512bw") && flags.Contains("avx512dq") && flags.Contains("avx512vl");
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
