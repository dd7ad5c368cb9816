using System.Runtime.InteropServices;
using System.Text;

namespace CultureNet.Engine.IO;

/// <summary>
/// Writes whole files so that readers (and a restarted process) see either the old content or the complete new
/// content, never a partial file: a temporary file in the same folder, fsync, then a rename (rename(2) is atomic within a
/// file system) and a directory fsync, so the rename itself survives a crash. .NET has no directory fsync, hence the two
/// libc calls. Writers that stream a file themselves (the feature store, .npy) use <see cref="TempPathFor"/> and
/// <see cref="CommitRename"/> directly.
/// </summary>
public static partial class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="write">Gets a readable, writable, seekable stream (some writers, e.g. PureHDF, need all three).</param>
    /// <remarks>
    /// A failure of the file system (full disk, read-only folder, permissions) becomes one <see cref="CultureNetException"/>
    /// naming the file — also when a writer reports it wrapped (PureHDF writes through reflection, so a full disk reaches
    /// us as a TargetInvocationException) — and the temporary file is removed. Temporary files of writers that were
    /// killed (their process is gone) are removed first.
    /// </remarks>
    public static void Write(string path, Action<Stream> write)
    {
        string temporary;
        try
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(folder);
            RemoveStaleTemps(folder, Path.GetFileName(path));
            temporary = TempPathFor(path);
        }
        catch (Exception e) when (FileSystemFault(e) is { } fault)
        {
            throw new CultureNetException($"{path}: cannot write: {fault.Message}", fault);
        }
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                try
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }
                catch
                {
                    // Nothing buffered may reach a disk that is full anyway (disposing would try, and throw again).
                    try { stream.SetLength(0); } catch (IOException) { }
                    throw;
                }
            }
            CommitRename(temporary, path);
        }
        catch (Exception e) when (FileSystemFault(e) is { } fault)
        {
            throw new CultureNetException($"{path}: cannot write: {fault.Message}", fault);
        }
        finally
        {
            DeleteQuietly(temporary);
        }
    }

    /// <summary>The file-system error behind <paramref name="e"/> (unwrapping reflection and task wrappers), or null.</summary>
    public static Exception? FileSystemFault(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is CultureNetException) return null;
            if (x is IOException or UnauthorizedAccessException) return x;
            if (x is not (System.Reflection.TargetInvocationException or AggregateException or TypeInitializationException)) return null;
        }
        return null;
    }

    /// <summary>UTF-8 without BOM, "\n" line ends.</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, Utf8NoBom, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        write(writer);
    });

    public static void WriteAllText(string path, string contents) => WriteText(path, w => w.Write(contents));

    internal static string TempPathFor(string finalPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(finalPath))!,
            $".{Path.GetFileName(finalPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    internal static void CommitRename(string tempPath, string finalPath)
    {
        File.Move(tempPath, finalPath, overwrite: true);
        FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(finalPath))!);
    }

    /// <summary>Deletes a temporary file if it is there; a failure to delete is not worth hiding the original error for.</summary>
    internal static void DeleteQuietly(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Removes temporary files left by writers that were killed (their process id is no longer running).</summary>
    internal static void RemoveStaleTemps(string dir, string finalName)
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

    internal static void FsyncDirectory(string dir)
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
