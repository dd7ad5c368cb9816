using System.Runtime.InteropServices;

namespace CultureNet.Engine.Native;

/// <summary>
/// The declarations of native/include/culturenet.h the managed API uses, one for one (the header's testing seam is for
/// the native tests and is not declared here). Nothing else calls the native library.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string Library = "culturenet";
    internal const int ExpectedApiVersion = 4;

    [LibraryImport(Library, EntryPoint = "cn_api_version")] internal static partial int ApiVersion();
    [LibraryImport(Library, EntryPoint = "cn_last_error")] internal static partial nint LastError();
    [LibraryImport(Library, EntryPoint = "cn_set_num_threads")] internal static partial void SetNumThreads(int n);
    [LibraryImport(Library, EntryPoint = "cn_get_num_threads")] internal static partial int GetNumThreads();
    [LibraryImport(Library, EntryPoint = "cn_set_thread_num_threads")] internal static partial void SetThreadNumThreads(int n);

    [LibraryImport(Library, EntryPoint = "cn_backend_name")] internal static partial nint BackendName(int backend);
    [LibraryImport(Library, EntryPoint = "cn_backend_probe")]
    internal static partial NativeStatus BackendProbe(int backend, int precision, out int resolved);
    [LibraryImport(Library, EntryPoint = "cn_backend_info")] internal static partial nint BackendInfo(int backend);
    [LibraryImport(Library, EntryPoint = "cn_backend_time_gemm")]
    internal static partial NativeStatus BackendTimeGemm(int backend, int precision, int m, int n, int k, int repetitions, out double seconds);

    [LibraryImport(Library, EntryPoint = "cn_time_update_traffic")]
    internal static partial NativeStatus TimeUpdateTraffic(long parameters, int repetitions, out double seconds);

    [LibraryImport(Library, EntryPoint = "cn_mlp_create_with")]
    internal static partial NativeStatus MlpCreateWith(int nLayers, int* widths, int* activations, MlpOptions* options, out MlpHandle net);
    [LibraryImport(Library, EntryPoint = "cn_mlp_free")] internal static partial void MlpFree(nint net);
    [LibraryImport(Library, EntryPoint = "cn_mlp_backend")] internal static partial int MlpBackend(MlpHandle net);
    [LibraryImport(Library, EntryPoint = "cn_mlp_precision")] internal static partial int MlpPrecision(MlpHandle net);
    [LibraryImport(Library, EntryPoint = "cn_mlp_backend_info")] internal static partial nint MlpBackendInfo(MlpHandle net);
    [LibraryImport(Library, EntryPoint = "cn_mlp_get_weights")]
    internal static partial NativeStatus MlpGetWeights(MlpHandle net, int layer, float* kernel, float* bias);
    [LibraryImport(Library, EntryPoint = "cn_mlp_set_weights")]
    internal static partial NativeStatus MlpSetWeights(MlpHandle net, int layer, float* kernel, float* bias);
    [LibraryImport(Library, EntryPoint = "cn_mlp_set_trainable")]
    internal static partial NativeStatus MlpSetTrainable(MlpHandle net, int layer, int trainable);
    [LibraryImport(Library, EntryPoint = "cn_mlp_predict")]
    internal static partial NativeStatus MlpPredict(MlpHandle net, float* x, long rows, float* y);
    [LibraryImport(Library, EntryPoint = "cn_mlp_activations")]
    internal static partial NativeStatus MlpActivations(MlpHandle net, int layer, float* x, long rows, float* output);
    [LibraryImport(Library, EntryPoint = "cn_mlp_evaluate")]
    internal static partial NativeStatus MlpEvaluate(MlpHandle net, float* x, float* y, long rows, int batch, out double mse, out double mae);

    [LibraryImport(Library, EntryPoint = "cn_adadelta_create")]
    internal static partial NativeStatus AdadeltaCreate(MlpHandle net, float lr, float rho, float epsilon, out AdadeltaHandle opt);
    [LibraryImport(Library, EntryPoint = "cn_adadelta_free")] internal static partial void AdadeltaFree(nint opt);
    [LibraryImport(Library, EntryPoint = "cn_adadelta_get_state")]
    internal static partial NativeStatus AdadeltaGetState(AdadeltaHandle opt, int layer, int which, float* accumGrad, float* accumUpdate);

    [LibraryImport(Library, EntryPoint = "cn_dataset_create")]
    internal static partial NativeStatus DatasetCreate(float* x, float* y, long rows, int xCols, int yCols, out DatasetHandle data);
    [LibraryImport(Library, EntryPoint = "cn_dataset_free")] internal static partial void DatasetFree(nint data);

    [LibraryImport(Library, EntryPoint = "cn_train_epoch")]
    internal static partial NativeStatus TrainEpoch(MlpHandle net, AdadeltaHandle opt, DatasetHandle data, long* order, long rows, int batch, out double loss, out double mae);
}

/// <summary>cn_mlp_options.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MlpOptions
{
    public int Backend;
    public int Precision;
}

internal enum NativeStatus
{
    Ok = 0,
    InvalidArgument = 1,
    Shape = 2,
    OutOfMemory = 3,
    Backend = 4,
}
