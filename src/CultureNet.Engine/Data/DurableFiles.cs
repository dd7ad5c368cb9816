using System.Runtime.InteropServices;

namespace CultureNet.Engine.Data;

/// <summary>
/// Atomic, durable replacement of a file: the content is fsynced under a temporary name, renamed over the
/// target (rename(2) is atomic within a file system), then the directory is fsynced so the rename itself
/// survives a crash. .NET has no directory fsync, hence the two libc calls.
/// </summary>
internal static partial class DurableFiles
{
    public static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(finalPath))!,
            $".{Path.GetFileName(finalPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    public static void CommitRename(string tempPath, string finalPath)
    {
        File.Move(tempPath, finalPath, overwrite: true);
        FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(finalPath))!);
    }

    /// <summary>Deletes a temporary file if it is there; a failure to delete is not worth hiding the original error for.</summary>
    public static void DeleteQuietly(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Removes temporary files left by writers that were killed (their process id is no longer running).</summary>
    public static void RemoveStaleTemps(string dir, string finalName)
    {
        if (!Directory.Exists(dir)) return;
        foreach (var path in Directory.EnumerateFiles(dir, $".{finalName}.*.tmp"))
        {
            var parts = Path.GetFileName(path).Split('.');
            // ".{name}.{pid}.{guid}.tmp" splits into ["", name parts..., pid, guid, "tmp"].
            if (parts.Length >= 4 && int.TryParse(parts[^3], out int pid) && !ProcessIsAlive(pid))
            {
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    private static bool ProcessIsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void FsyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        int fd = open(dir, 0 /* O_RDONLY */);
        if (fd < 0) return; // best effort: the rename already happened
        fsync(fd);
        close(fd);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
