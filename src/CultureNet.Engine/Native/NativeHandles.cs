using System.Runtime.InteropServices;

namespace CultureNet.Engine.Native;

/// <summary>A handle the native library created; released with the library's matching *_free.</summary>
internal abstract class NativeHandle : SafeHandle
{
    protected NativeHandle() : base(nint.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == nint.Zero;
    protected override bool ReleaseHandle()
    {
        Free(handle);
        return true;
    }
    protected abstract void Free(nint pointer);
}

/// <summary>Owns a native cn_mlp.</summary>
internal sealed class MlpHandle : NativeHandle
{
    protected override void Free(nint pointer) => NativeMethods.MlpFree(pointer);
}

/// <summary>Owns a native cn_adadelta.</summary>
internal sealed class AdadeltaHandle : NativeHandle
{
    protected override void Free(nint pointer) => NativeMethods.AdadeltaFree(pointer);
}

/// <summary>Owns a native cn_dataset. The CPU backends read the arrays it was created over in place, so whoever
/// creates one keeps those arrays pinned until it is disposed.</summary>
internal sealed class DatasetHandle : NativeHandle
{
    protected override void Free(nint pointer) => NativeMethods.DatasetFree(pointer);
}
