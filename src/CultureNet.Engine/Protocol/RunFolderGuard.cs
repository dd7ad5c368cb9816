using System.Runtime.InteropServices;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.Protocol;

/// <summary>
/// One results folder, one set of arguments at a time, and a folder that says when it is not finished.
/// <list type="bullet">
/// <item>Lock: every process running on the folder holds a shared flock(2) on <c>.protocol.running</c>, whose content
///   names the arguments. A process whose arguments differ from those of the live holders is refused, naming theirs;
///   processes with the same arguments (cooperating shards) share the folder. Checking and joining happen under an
///   exclusive flock on <c>.protocol.lock</c>, so two processes starting together cannot both think they are first.
///   The kernel drops the locks of a killed process, so a stale file never blocks a rerun.</item>
/// <item>Marker: <c>UNFINISHED</c> is written (atomically) before anything else and removed by <see cref="Complete"/>
///   as the last step, by the last process still on the folder, so a folder whose run was killed while writing its
///   reports says so.</item>
/// </list>
/// </summary>
public sealed class RunFolderGuard : IDisposable
{
    public const string MarkerFile = "UNFINISHED";
    public const string LockFile = ".protocol.lock";
    public const string RunningFile = ".protocol.running";

    private readonly string _folder;
    private FlockFile? _running;

    private RunFolderGuard(string folder, FlockFile running)
    {
        _folder = folder;
        _running = running;
    }

    /// <summary>Joins the folder for a run with <paramref name="arguments"/> (a canonical one-line description).</summary>
    public static RunFolderGuard Acquire(string folder, string arguments)
    {
        try
        {
            Directory.CreateDirectory(folder);
            using var mutex = FlockFile.Open(Path.Combine(folder, LockFile));
            mutex.Lock(FlockFile.Exclusive);
            var running = FlockFile.Open(Path.Combine(folder, RunningFile));
            try
            {
                if (running.TryLock(FlockFile.Exclusive))
                {
                    // Nobody is running here: our arguments become the folder's; then share the lock with cooperators.
                    running.Replace($"{arguments}\npid {Environment.ProcessId}\n");
                    running.Lock(FlockFile.Shared);
                }
                else
                {
                    string theirs = running.ReadAll().Split('\n')[0];
                    if (theirs != arguments)
                        throw new CultureNetException(
                            $"{folder}: another `culturenet protocol` is running on this results folder with other arguments ({theirs}; now {arguments}); wait for it to finish or choose another --out");
                    running.Lock(FlockFile.Shared);
                }
                string marker = Path.Combine(folder, MarkerFile);
                if (!File.Exists(marker))
                    AtomicFile.WriteAllText(marker,
                        $"This results folder is unfinished: `culturenet protocol` ({arguments}) started writing it at {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC and has not completed.\n" +
                        "Its reports may be missing or partial. Run the same command again to finish it; this file is removed when the run completes.\n");
                return new RunFolderGuard(folder, running);
            }
            catch
            {
                running.Dispose();
                throw;
            }
        }
        catch (Exception e) when (AtomicFile.FileSystemFault(e) is { } fault)
        {
            throw new CultureNetException($"{folder}: cannot use the results folder: {fault.Message}", fault);
        }
    }

    /// <summary>The run wrote everything: removes the marker, unless other cooperating processes are still running.</summary>
    public void Complete()
    {
        if (_running is null) throw new InvalidOperationException("the guard was released");
        using var mutex = FlockFile.Open(Path.Combine(_folder, LockFile));
        mutex.Lock(FlockFile.Exclusive);
        // Converting our shared lock to an exclusive one succeeds only when no other process holds it.
        if (_running.TryLock(FlockFile.Exclusive))
        {
            File.Delete(Path.Combine(_folder, MarkerFile));
            _running.Lock(FlockFile.Shared);
        }
    }

    public void Dispose()
    {
        _running?.Dispose(); // closing the descriptor drops the lock
        _running = null;
    }

    /// <summary>
    /// A file opened with open(2) for flock(2). Not a FileStream: .NET takes its own flock on the files it opens,
    /// which would turn our blocking locks into sharing violations.
    /// </summary>
    private sealed class FlockFile : IDisposable
    {
        public const int Shared = 1, Exclusive = 2;
        private const int NonBlocking = 4, O_RDWR = 2, O_CREAT = 0x40, O_CLOEXEC = 0x80000;
        private readonly string _path;
        private int _fd;

        private FlockFile(string path, int fd) { _path = path; _fd = fd; }

        public static FlockFile Open(string path)
        {
            int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0x1B6 /* 0666 */);
            if (fd < 0) throw new IOException($"{Marshal.GetLastPInvokeErrorMessage()} : '{path}'");
            return new FlockFile(path, fd);
        }

        public void Lock(int operation)
        {
            while (flock(_fd, operation) != 0)
                if (Marshal.GetLastPInvokeError() != 4 /* EINTR */) throw new IOException($"cannot lock: {Marshal.GetLastPInvokeErrorMessage()} : '{_path}'");
        }

        public bool TryLock(int operation) => flock(_fd, operation | NonBlocking) == 0;

        public unsafe string ReadAll()
        {
            var buffer = new byte[4096];
            nint n;
            fixed (byte* p = buffer) n = pread(_fd, p, buffer.Length, 0);
            return n > 0 ? System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n) : "";
        }

        public unsafe void Replace(string text)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            if (ftruncate(_fd, 0) != 0) throw new IOException($"{Marshal.GetLastPInvokeErrorMessage()} : '{_path}'");
            nint n;
            fixed (byte* p = bytes) n = pwrite(_fd, p, bytes.Length, 0);
            if (n != bytes.Length) throw new IOException($"{Marshal.GetLastPInvokeErrorMessage()} : '{_path}'");
        }

        public void Dispose()
        {
            if (_fd >= 0) close(_fd);
            _fd = -1;
        }

        [DllImport("libc", SetLastError = true)] private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);
        [DllImport("libc", SetLastError = true)] private static extern int flock(int fd, int operation);
        [DllImport("libc", SetLastError = true)] private static extern unsafe nint pread(int fd, byte* buffer, nint count, long offset);
        [DllImport("libc", SetLastError = true)] private static extern unsafe nint pwrite(int fd, byte* buffer, nint count, long offset);
        [DllImport("libc", SetLastError = true)] private static extern int ftruncate(int fd, long length);
        [DllImport("libc")] private static extern int close(int fd);
    }
}
