using System.Globalization;
using System.Threading.Channels;
using FFMpegCore;
using FFMpegCore.Exceptions;
using FFMpegCore.Pipes;

namespace CultureNet.Engine.Extraction.Video;

/// <summary>
/// Streams the frames of a video as RGB through ffmpeg (FFMpegCore over the system ffmpeg): ffmpeg writes raw rgb24
/// frames into a pipe, which is read one frame at a time into pooled buffers and handed on through a small bounded
/// queue — the video is never held in memory (a buffered 8 s 720p clip took 4.4 GB).
///
/// Every decoded frame comes out once: <c>-fps_mode passthrough</c> (ffmpeg's default for raw output duplicates frames to
/// keep a constant rate: 46 frames from a 41-frame clip). With <see cref="SampleFps"/> the <c>fps</c> filter picks frames
/// at that rate instead. Times come from the <c>showinfo</c> filter (<see cref="FrameClock"/>). <c>-xerror</c> makes a
/// decoding error (a truncated or damaged file) fail the read instead of ending it early as if the video were shorter.
/// </summary>
public sealed class VideoFrameReader
{
    public VideoFrameReader(VideoInfo video, double? sampleFps = null)
    {
        if (sampleFps is { } f && !(f > 0 && double.IsFinite(f)))
            throw new CultureNetException($"--fps {f}: expected a positive number of frames per second");
        Video = video;
        SampleFps = sampleFps;
    }

    public VideoInfo Video { get; }

    /// <summary>Frames per second to sample (ffmpeg's fps filter), or null for every frame.</summary>
    public double? SampleFps { get; }

    /// <summary>Frames queued between ffmpeg's pipe and the consumer.</summary>
    public int QueueDepth { get; init; } = 4;

    /// <summary>The ffmpeg filter chain applied before conversion to rgb24. showinfo only for the times: its default
    /// per-frame Adler-32 checksums of every plane took about a third of ffmpeg's CPU time on 720p H.264.</summary>
    internal string Filters => SampleFps is { } f
        ? string.Create(CultureInfo.InvariantCulture, $"fps={f:R},{TimeFilter}")
        : TimeFilter;

    private const string TimeFilter = "showinfo=checksum=0";

    /// <summary>
    /// The frames in order. Stopping early (break, dispose, cancellation) stops ffmpeg. A decoding failure is a
    /// <see cref="CultureNetException"/> naming the file, raised where the frames run out.
    /// </summary>
    public IEnumerable<VideoFrame> Frames(CancellationToken cancel = default)
    {
        var options = FfmpegTools.Options;
        int w = Video.Width, h = Video.Height, frameBytes = checked(w * h * 3);
        var queue = Channel.CreateBounded<VideoFrame>(new BoundedChannelOptions(Math.Max(1, QueueDepth)) { SingleReader = true, SingleWriter = true });
        var clock = new FrameClock();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        int delivered = 0;

        // FFMpegCore cancels the pipe's own token as soon as ffmpeg exits, while frames may still wait in the pipe and
        // the queue: reading and queueing obey only this reader's token, so the last frames are never dropped.
        async Task ReadPipe(Stream pipe, CancellationToken ignored)
        {
            var token = stop.Token;
            while (true)
            {
                var buffer = VideoFrame.Rent(w, h);
                int got;
                try { got = await ReadFull(pipe, buffer, frameBytes, token); }
                catch { VideoFrame.ReturnUnused(buffer); throw; }
                if (got == 0) { VideoFrame.ReturnUnused(buffer); return; }
                if (got < frameBytes)
                {
                    VideoFrame.ReturnUnused(buffer);
                    throw new CultureNetException($"{Video.Path}: ffmpeg's output ended inside frame {delivered} ({got} of {frameBytes} bytes)");
                }
                var frame = new VideoFrame(delivered, clock.TimeOf(delivered, token), w, h, buffer);
                try { await queue.Writer.WriteAsync(frame, token); }
                catch { frame.Dispose(); throw; }
                delivered++;
            }
        }

        var processor = FFMpegArguments
            .FromFileInput(Video.Path)
            .OutputToPipe(new StreamPipeSink(ReadPipe), o => o
                .ForceFormat("rawvideo")
                .WithCustomArgument($"-map 0:v:0 -an -sn -dn -vf {Filters} -pix_fmt rgb24 -fps_mode passthrough -nostats -xerror"))
            .NotifyOnStandardError(clock.Observe)
            .CancellableThrough(stop.Token);
        var run = Task.Run(async () =>
        {
            try
            {
                var result = await processor.ProcessAsynchronously(throwOnError: false, options);
                clock.End();
                if (stop.IsCancellationRequested) queue.Writer.TryComplete(new OperationCanceledException(stop.Token));
                else if (result is not { Success: true })
                    queue.Writer.TryComplete(new CultureNetException(
                        $"{Video.Path}: ffmpeg could not decode the video (exit code {result?.ExitCode}): {VideoInfo.LastLine(result?.StandardError ?? [], Video.Path)}"));
                else queue.Writer.TryComplete();
            }
            catch (Exception e)
            {
                clock.End();
                queue.Writer.TryComplete(e is CultureNetException or OperationCanceledException ? e
                    : new CultureNetException($"{Video.Path}: ffmpeg failed: {e.Message}", e));
            }
        });

        try
        {
            // A decoding failure recorded by the producer is thrown where the frames run out.
            foreach (var frame in BlockingChannel.ReadAll(queue.Reader, cancel)) yield return frame;
        }
        finally
        {
            stop.Cancel();
            try { run.Wait(); } catch (AggregateException) { }
            while (queue.Reader.TryRead(out var left)) left.Dispose();
        }
    }

    private static async Task<int> ReadFull(Stream stream, byte[] buffer, int count, CancellationToken token)
    {
        int total = 0;
        while (total < count)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(total, count - total), token);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
