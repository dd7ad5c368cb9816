using System.Text;
using CultureNet.Engine.Data;

namespace CultureNet.Engine.IO;

/// <summary>
/// Writes whole files so that readers (and a restarted process) see either the old content or the complete new
/// content, never a partial file: a temporary file in the same folder, fsync, then a rename and a directory fsync
/// (<see cref="DurableFiles"/>).
/// </summary>
public static class AtomicFile
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
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            DurableFiles.RemoveStaleTemps(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileName(path));
            temporary = DurableFiles.TempPathFor(path);
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
            DurableFiles.CommitRename(temporary, path);
        }
        catch (Exception e) when (FileSystemFault(e) is { } fault)
        {
            throw new CultureNetException($"{path}: cannot write: {fault.Message}", fault);
        }
        finally
        {
            DurableFiles.DeleteQuietly(temporary);
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
}
