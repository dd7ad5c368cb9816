using CultureNet.Engine.Data;

namespace CultureNet.Engine.IO;

/// <summary>Writes whole files through a temporary file in the same folder, fsync and a rename (see
/// <see cref="DurableFiles"/>), so a reader never sees a half-written file and a crash leaves the old version or nothing.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        writer.Write(contents);
    });

    /// <summary>Streams text into the file: UTF-8 without BOM, "\n" line ends (for reports too large for one string).</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        write(writer);
    });

    /// <param name="write">Gets a readable, writable, seekable stream (some writers, e.g. PureHDF, need all three).</param>
    public static void Write(string path, Action<Stream> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = DurableFiles.TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite))
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
}
