using System.Runtime.InteropServices;

namespace CultureNet.Engine.Native;

/// <summary>Owns a native cn_mlp.</summary>
internal sealed class MlpHandle : SafeHandle
{
    public MlpHandle() : base(nint.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == nint.Zero;
    protected override bool ReleaseHandle()
    {
        NativeMethods.MlpFree(handle);
        return true;
    }
}

/// <summary>Owns a native cn_adadelta.</summary>
internal sealed class AdadeltaHandle : SafeHandle
{
    public AdadeltaHandle() : base(nint.Zero, ownsHandle: true) { }
    public override bool IsInvalid => handle == nint.Zero;
    protected override bool ReleaseHandle()
    {
        NativeMethods.AdadeltaFree(handle);
        return true;
    }
}
