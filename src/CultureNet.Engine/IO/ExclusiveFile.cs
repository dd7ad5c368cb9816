using System.Runtime.InteropServices;

namespace CultureNet.Engine.IO;

/// <summary>
/// Creates a file only if no file of that name exists, with its whole content appearing at once: the content is
/// written and fsynced under a temporary name, then hard-linked to the final name. link(2) fails with EEXIST when the
/// name is taken, atomically — also between hosts on NFS, Lustre, GPFS or BeeGFS — so of several processes creating
/// the same file at the same moment exactly one succeeds, and nobody ever sees it empty or half written.
/// </summary>
public static partial class ExclusiveFile
{
    private const int EEXIST = 17;

    /// <summary>True when this call created <paramref name="path"/>; false when it already existed (nothing is changed).</summary>
    /// <param name="durable">fsync the content and the folder, so the file survives a crash of the machine; a claim
    /// that only matters while its owner runs skips both (two disk flushes per fit).</param>
    public static bool TryCreate(string path, ReadOnlySpan<byte> contents, bool durable = true)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = AtomicFile.TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: durable);
            }
            if (link(temporary, path) == 0)
            {
                if (durable) AtomicFile.FsyncDirectory(directory);
                return true;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EEXIST) return false;
            throw new CultureNetException(
                $"{path}: could not create it exclusively (link: {Marshal.GetPInvokeErrorMessage(errno)}); the results folder must be on a file system with hard links (local, NFS, Lustre, GPFS, BeeGFS)");
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int link(string existing, string created);
}
