using System.Threading.Channels;
using CultureNet.Engine.Extraction.Video;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>Settings of a face scan.</summary>
public sealed record FaceScanSettings
{
    /// <summary>Minimum detector score, on the detector's own scale (not the paper's Faster R-CNN's).</summary>
    public required float Threshold { get; init; }
    public FaceSelection Selection { get; init; } = new();

    /// <summary>Crop side = max(box width, height) × margin.</summary>
    public double Margin { get; init; } = 1.25;
    public int CropSize { get; init; } = 256;

    /// <summary>Frames detected at once (one detection per worker); 0: one per core.</summary>
    public int Workers { get; init; }

    public void Validate()
    {
        Selection.Validate();
        if (!(Threshold >= 0 && Threshold <= 1)) throw new CultureNetException($"--threshold {Threshold}: expected a score in [0, 1] (the detector's own scale)");
        if (!(Margin > 0 && double.IsFinite(Margin))) throw new CultureNetException($"--margin {Margin}: expected a positive factor (1.25: the box's longer side plus a quarter)");
        if (CropSize is < 16 or > 4096) throw new CultureNetException($"--size {CropSize}: expected a crop size between 16 and 4096 pixels");
    }
}

/// <summary>
/// Frames → faces, overlapped on all cores: the caller's frames (e.g. ffmpeg's, decoded in its own process) are handed
/// to <see cref="FaceScanSettings.Workers"/> workers, each detecting, selecting and cropping one frame, and the results
/// come back in frame order. At most twice as many frames as workers are in flight, so memory stays bounded.
/// </summary>
public sealed class FaceScanner(FaceDetector detector, FaceScanSettings settings)
{
    public FaceDetector Detector { get; } = detector;
    public FaceScanSettings Settings { get; } = settings;

    public IEnumerable<ScannedFrame> Scan(IEnumerable<FrameJob> jobs, CancellationToken cancel = default)
    {
        int workers = Settings.Workers > 0 ? Settings.Workers : Environment.ProcessorCount;
        var inFlight = Channel.CreateBounded<Task<ScannedFrame>>(new BoundedChannelOptions(workers * 2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var slots = new SemaphoreSlim(workers);
        var feeder = Task.Run(async () =>
        {
            try
            {
                foreach (var job in jobs)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    try
                    {
                        await slots.WaitAsync(stop.Token);
                        var work = Task.Run(() =>
                        {
                            try { return ScanOne(job); }
                            finally { slots.Release(); }
                        });
                        await inFlight.Writer.WriteAsync(work, stop.Token);
                    }
                    catch
                    {
                        job.Decoded?.Dispose();
                        throw;
                    }
                }
                inFlight.Writer.Complete();
            }
            catch (Exception e) { inFlight.Writer.TryComplete(e); }
        });

        try
        {
            foreach (var next in BlockingChannel.ReadAll(inFlight.Reader, cancel))
                yield return next.GetAwaiter().GetResult();
        }
        finally
        {
            stop.Cancel();
            try { feeder.Wait(); } catch (AggregateException) { }
            while (inFlight.Reader.TryRead(out var left))
                try { left.Wait(); } catch (AggregateException) { }
        }
    }

    /// <summary>Detects, selects and crops one frame (on a worker thread).</summary>
    public ScannedFrame ScanOne(FrameJob job)
    {
        if (job.Decoded is { } frame)
        {
            using (frame) return Crop(job, frame.TimeSeconds, frame.Rgb, frame.Width, frame.Height);
        }
        DecodedImage image;
        try { image = ImageDecoder.Decode(job.Source); }
        catch (ImageDecodeException e) { return new ScannedFrame(job, null, 0, 0, [], e.Reason); }
        return Crop(job, null, image.Rgb, image.Width, image.Height);
    }

    private ScannedFrame Crop(FrameJob job, double? time, ReadOnlySpan<byte> rgb, int width, int height)
    {
        var boxes = Settings.Selection.Apply(Detector.Detect(rgb, width, height, Settings.Threshold));
        var faces = new FoundFace[boxes.Count];
        int size = Settings.CropSize;
        for (int i = 0; i < boxes.Count; i++)
        {
            var crop = new byte[size * size * 3];
            FaceCrop.Draw(rgb, width, height, boxes[i], Settings.Margin, size, crop);
            faces[i] = new FoundFace(i, boxes[i], crop);
        }
        return new ScannedFrame(job, time, width, height, faces, null);
    }
}
