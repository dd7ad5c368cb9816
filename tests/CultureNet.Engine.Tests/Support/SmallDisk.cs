using System.Diagnostics;

namespace CultureNet.Engine.Tests.Support;

/// <summary>
/// A real, tiny file system for fault tests: a tmpfs of <paramref name="bytes"/> mounted (as root, which CI and this
/// project's machines are) on a fresh folder, optionally read-only; unmounted on dispose. Fails loudly when it cannot
/// be mounted rather than skipping: a fault test that did not run proves nothing.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    public string Path { get; }

    public SmallDisk(long bytes, bool readOnly = false)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "culturenet-disk", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0777{(readOnly ? ",ro" : "")}", "tmpfs", Path);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Fills the disk with one file so that only about <paramref name="free"/> bytes stay free.</summary>
    public void LeaveFree(long free)
    {
        long available = new DriveInfo(Path).AvailableFreeSpace;
        if (available <= free) return;
        using var filler = new FileStream(File("filler.bin"), FileMode.Create);
        var block = new byte[4096];
        for (long left = available - free; left > 0; left -= block.Length) filler.Write(block, 0, (int)Math.Min(block.Length, left));
    }

    /// <summary>Every file under the disk except the filler, relative to it.</summary>
    public string[] Files() => Directory.Exists(Path)
        ? Directory.GetFiles(Path, "*", SearchOption.AllDirectories).Select(f => System.IO.Path.GetRelativePath(Path, f))
            .Where(f => f != "filler.bin").Order().ToArray()
        : [];

    private static void Run(params string[] command)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardError = true };
        foreach (var a in command[1..]) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', command)} failed ({p.ExitCode}): {err} — fault tests need root to mount a tmpfs");
    }

    public void Dispose()
    {
        try { Run("umount", "-l", Path); Directory.Delete(Path); } catch (Exception) { }
    }
}
