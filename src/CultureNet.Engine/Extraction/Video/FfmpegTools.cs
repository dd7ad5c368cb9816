using FFMpegCore;

namespace CultureNet.Engine.Extraction.Video;

/// <summary>
/// Finds the system's <c>ffmpeg</c> and <c>ffprobe</c> (Debian package <c>ffmpeg</c>) on the PATH and hands their folder
/// to FFMpegCore, so a missing install is one clear error naming the package instead of a process-start exception.
/// </summary>
public static class FfmpegTools
{
    public const string DebianPackage = "ffmpeg";

    private static readonly object Gate = new();
    private static FFOptions? _options;

    /// <summary>FFMpegCore options whose binary folder holds both ffmpeg and ffprobe.</summary>
    public static FFOptions Options
    {
        get
        {
            lock (Gate)
            {
                if (_options is not null) return _options;
                string? folder = FindFolder();
                if (folder is null)
                    throw new CultureNetException(
                        $"ffmpeg/ffprobe not found on the PATH ({Environment.GetEnvironmentVariable("PATH")}); video input needs them: install Debian's package '{DebianPackage}' (apt-get install {DebianPackage})");
                _options = new FFOptions { BinaryFolder = folder };
                return _options;
            }
        }
    }

    private static string? FindFolder()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (IsExecutable(Path.Combine(dir, "ffmpeg")) && IsExecutable(Path.Combine(dir, "ffprobe"))) return dir;
        }
        return null;
    }

    private static bool IsExecutable(string file) =>
        File.Exists(file) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
