using System.Reflection;
using System.Runtime.InteropServices;

namespace CultureNet.Engine.Native;

/// <summary>
/// Loads libculturenet.so once, checks its API version, and turns native failures into exceptions carrying
/// cn_last_error(). A missing library or BLAS becomes a <see cref="CultureNetException"/> that says what to install.
/// </summary>
public static class NativeEngine
{
    private static readonly Lazy<string> Loaded = new(LoadAndCheck, LazyThreadSafetyMode.ExecutionAndPublication);

    static NativeEngine()
    {
        // Before libculturenet.so pulls in libblas.so.3: OpenBLAS reads its core type only at load.
        OpenBlasCoreType.Apply();
        NativeLibrary.SetDllImportResolver(typeof(NativeEngine).Assembly, Resolve);
    }

    /// <summary>What the default backend runs on, e.g. "onednn 2.6.3 (cpu isa avx512_core_amx)" or "openblas (OpenBLAS
    /// 0.3.21 ...)". Loads the library on first use.</summary>
    public static string BlasInfo => Loaded.Value;

    /// <summary>Threads used by BLAS and the engine's own loops; values &lt;= 0 mean all cores.</summary>
    public static int NumThreads
    {
        get { EnsureLoaded(); return NativeMethods.GetNumThreads(); }
        set { EnsureLoaded(); NativeMethods.SetNumThreads(value); }
    }

    /// <summary>Threads for the engine calls made on the calling thread only, until the scope is disposed (then
    /// <see cref="NumThreads"/> applies again there): several networks then train at once, one per thread, each on its
    /// share of the cores. <paramref name="threads"/> &lt;= 0: no change. OpenBLAS's own GEMM threads stay
    /// process-wide.</summary>
    public static ThreadScope ThreadsOnThisThread(int threads)
    {
        if (threads <= 0) return default;
        SetThreadsOnThisThread(threads);
        return new ThreadScope(true);
    }

    /// <summary>The calling thread's own thread count, changed in place (&lt;= 0: <see cref="NumThreads"/> again), e.g.
    /// between the epochs of a fit inside a <see cref="ThreadsOnThisThread"/> scope.</summary>
    public static void SetThreadsOnThisThread(int threads)
    {
        EnsureLoaded();
        NativeMethods.SetThreadNumThreads(threads);
    }

    /// <summary>Ends a <see cref="ThreadsOnThisThread"/> setting on the thread that made it.</summary>
    public readonly struct ThreadScope(bool active) : IDisposable
    {
        public void Dispose()
        {
            if (active) NativeMethods.SetThreadNumThreads(0);
        }
    }

    internal static void EnsureLoaded() => _ = Loaded.Value;

    internal static void Check(NativeStatus status)
    {
        if (status == NativeStatus.Ok) return;
        var message = Marshal.PtrToStringUTF8(NativeMethods.LastError()) ?? "";
        throw status switch
        {
            NativeStatus.OutOfMemory => new OutOfMemoryException($"native engine: {message}"),
            NativeStatus.InvalidArgument or NativeStatus.Shape or NativeStatus.Backend => new CultureNetException($"native engine: {message}"),
            _ => new InvalidOperationException($"native engine ({status}): {message}"),
        };
    }

    private static string LoadAndCheck()
    {
        int version;
        try
        {
            version = NativeMethods.ApiVersion();
        }
        catch (DllNotFoundException e)
        {
            throw new CultureNetException(DescribeLoadFailure(e));
        }
        if (version != NativeMethods.ExpectedApiVersion)
            throw new CultureNetException(
                $"libculturenet.so has API version {version}, this assembly expects {NativeMethods.ExpectedApiVersion}; rebuild the native engine (cmake --build build/native-cmake).");
        return Marshal.PtrToStringUTF8(NativeMethods.BackendInfo(0)) ?? "unknown backend";
    }

    private static string DescribeLoadFailure(DllNotFoundException e)
    {
        var here = Path.Combine(AppContext.BaseDirectory, "libculturenet.so");
        if (!File.Exists(here))
            return $"the native engine libculturenet.so is missing (looked in {AppContext.BaseDirectory}); build it with `cmake -S . -B build/native-cmake && cmake --build build/native-cmake` or simply `dotnet build` (needs cmake, g++ and libopenblas-dev: apt-get install cmake g++ libopenblas-dev).";
        if (e.Message.Contains("libblas", StringComparison.Ordinal) || e.Message.Contains("cblas", StringComparison.Ordinal))
            return $"libculturenet.so found but its BLAS is missing: install OpenBLAS (apt-get install libopenblas0) or the reference BLAS (apt-get install libblas3). Loader said: {e.Message}";
        return $"libculturenet.so could not be loaded: {e.Message}. It needs a BLAS (apt-get install libopenblas0) and the OpenMP runtime (libgomp1).";
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Library) return nint.Zero;
        var candidate = Path.Combine(AppContext.BaseDirectory, "libculturenet.so");
        // Load throws with the loader's own message (e.g. libblas.so.3 missing), which DescribeLoadFailure turns into
        // what to install.
        return File.Exists(candidate) ? NativeLibrary.Load(candidate) : nint.Zero;
    }
}
