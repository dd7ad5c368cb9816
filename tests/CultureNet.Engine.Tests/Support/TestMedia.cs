using System.Diagnostics;

namespace CultureNet.Engine.Tests.Support;

/// <summary>
/// Real photos and videos from Debian packages (kphotoalbum, forensics-samples-files, python3-skimage), fetched at test
/// time by tools/fetch-test-media.sh (apt-get download + dpkg -x) into build/test-media; never committed. When they
/// cannot be fetched the tests fail saying why — a skipped real-media test proves nothing.
/// </summary>
public static class TestMedia
{
    private static readonly Lazy<string> Root = new(Fetch);

    /// <summary>kphotoalbum's demo/movie.avi: a webcam talking head, MJPEG 160×120, 68 frames, a face in every frame.</summary>
    public static string WebcamClip => File("kphotoalbum/movie.avi");

    /// <summary>forensics-samples-files' movie2/movie-hello.mp4: H.264 1280×720, 249 frames, a small face inset in most.</summary>
    public static string InsetClip => File("forensics/movie-hello.mp4");

    /// <summary>forensics-samples-files' movie1/VID_20191220_170832.mp4: H.264 1920×1080, 41 frames of a white dog, no people.</summary>
    public static string DogClip => File("forensics/VID_20191220_170832.mp4");

    /// <summary>python3-skimage's astronaut.png (512×512, one face).</summary>
    public static string Astronaut => File("skimage/astronaut.png");

    /// <summary>A kphotoalbum demo photo (e.g. "sunset.jpg", "bar55.jpg").</summary>
    public static string Photo(string name) => File("kphotoalbum/" + name);

    private static string File(string relative)
    {
        string path = Path.Combine(Root.Value, relative);
        if (!System.IO.File.Exists(path)) throw new InvalidOperationException($"{path}: missing from the test media cache (delete {Root.Value} and rerun tools/fetch-test-media.sh)");
        return path;
    }

    private static string Fetch()
    {
        string dir = Path.Combine(Python.RepoRoot, "build", "test-media");
        string script = Path.Combine(Python.RepoRoot, "tools", "fetch-test-media.sh");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(dir);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(true); throw new TimeoutException($"{script} did not finish"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed ({p.ExitCode}): {err.Result}");
        return dir;
    }

    /// <summary>Runs ffmpeg/ffprobe (Debian package ffmpeg, which the tests need) and returns stdout as bytes.</summary>
    public static byte[] RunTool(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(info)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException($"{tool} is missing: apt-get install ffmpeg", e); }
        using (p)
        {
            var err = p.StandardError.ReadToEndAsync();
            using var ms = new MemoryStream();
            p.StandardOutput.BaseStream.CopyTo(ms);
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed: {err.Result}");
            return ms.ToArray();
        }
    }
}
