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
    public static void Write(string path, Action<Stream> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = DurableFiles.TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            DurableFiles.CommitRename(temporary, path);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>UTF-8 without BOM, "\n" line ends.</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, Utf8NoBom, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        write(writer);
    });

    public static void WriteAllText(string path, string contents) => WriteText(path, w => w.Write(contents));
}
