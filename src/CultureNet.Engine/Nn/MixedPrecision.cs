namespace CultureNet.Engine.Nn;

/// <summary>
/// keras.mixed_precision: the process-wide dtype policy new models take when none is given, as
/// <c>keras.mixed_precision.set_global_policy('mixed_bfloat16')</c> before building a model.
/// </summary>
public static class MixedPrecision
{
    private static volatile Policy _global = new(Policy.Float32);

    /// <summary>keras.mixed_precision.set_global_policy: models created from now on use <paramref name="policy"/>
    /// (a name or a <see cref="Policy"/>).</summary>
    public static void SetGlobalPolicy(Policy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _global = policy;
    }

    /// <summary>keras.mixed_precision.global_policy.</summary>
    public static Policy GlobalPolicy() => _global;
}
