using System.CommandLine;
using CultureNet.Engine;
using CultureNet.Engine.Native;
using CultureNet.Engine.Nn;

namespace CultureNet.Cli.Commands;

/// <summary><c>--backend onednn|openblas</c> and <c>--precision float32|mixed_bfloat16</c>, as fit, bench, protocol,
/// demo and slurm take them (docs/native-backends.md).</summary>
public sealed class EngineOptions
{
    public Option<string?> Backend { get; } = new("--backend")
    {
        Description = "native backend: onednn or openblas (default: onednn where libdnnl2 is installed, else openblas; CULTURENET_BACKEND replaces the default)",
    };

    public Option<string> Precision { get; } = new("--precision")
    {
        Description = "float32, or mixed_bfloat16 (Keras' policy: bfloat16 matmul inputs, float32 variables and accumulation; onednn on a CPU with avx512_bf16 or amx_bf16)",
        DefaultValueFactory = _ => Policy.Float32,
    };

    /// <summary>The backend asked for (null: the default).</summary>
    public string? BackendOf(ParseResult r) => ParseBackend(r.GetValue(Backend));

    public Policy PolicyOf(ParseResult r) => ParsePrecision(r.GetValue(Precision)!);

    public static string? ParseBackend(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        NativeBackends.OneDnn => NativeBackends.OneDnn,
        NativeBackends.OpenBlas => NativeBackends.OpenBlas,
        _ => throw new CultureNetException($"--backend '{text}': expected {NativeBackends.OneDnn} or {NativeBackends.OpenBlas}"),
    };

    public static Policy ParsePrecision(string text) => text.Trim().ToLowerInvariant() switch
    {
        Policy.Float32 => new Policy(Policy.Float32),
        Policy.MixedBfloat16 => new Policy(Policy.MixedBfloat16),
        _ => throw new CultureNetException($"--precision '{text}': expected {Policy.Float32} or {Policy.MixedBfloat16}"),
    };
}
