using System.Globalization;
using CultureNet.Engine.Data;
using CultureNet.Engine.Extraction.Video;
using CultureNet.Engine.IO;

namespace CultureNet.Engine.Extraction.Faces;

/// <summary>
/// The crops of a faces.csv cut again in memory (<c>extract --faces</c>): each row's source is decoded — a video through
/// the streaming ffmpeg reader (<see cref="VideoFrameReader"/>, with the <c>--fps</c> the faces run used), an image
/// through <see cref="ImageDecoder"/>, as <c>faces</c> read them — and its recorded box cut by <see cref="FaceCrop"/>,
/// so the pixels equal the PNG that <c>faces</c> wrote for the row (PNG is lossless on 8-bit RGB) and the features equal
/// <c>extract --manifest faces.csv</c>'s. One video is open at a time and read forward only: rows in scan order (as
/// <c>faces</c> writes them) decode each video once; a row whose frame lies behind the current one restarts the video.
/// Each decoded frame is checked against the row's <c>time_s</c>, so frames counted at another rate are caught.
/// </summary>
public sealed class FaceCropImages : IEntryImages, IDisposable
{
    private readonly FacesCsvFile _file;
    private readonly Dictionary<FrameKey, FaceRow> _rows;
    private readonly string? _keepCrops;
    private readonly Dictionary<string, VideoInfo> _probed = new(StringComparer.Ordinal);
    private string? _videoPath;
    private IEnumerator<VideoFrame>? _frames;
    private VideoFrame? _frame;
    private int _delivered; // frames the open video has given so far
    private string? _imagePath;
    private DecodedImage? _image;
    private string? _imageError;

    /// <param name="keepCrops">Also write each crop cut as a PNG at its faces.csv <c>path</c> under this folder, with copies
    /// of faces.csv and its faces.state (the folder is then a manifest for <c>extract --manifest</c>); null: no files.</param>
    public FaceCropImages(FacesCsvFile file, string? keepCrops = null)
    {
        _file = file;
        _rows = file.Rows.ToDictionary(r => r.Entry.Key);
        if (keepCrops is not null)
        {
            string full = Path.GetFullPath(keepCrops), csvDir = Path.GetDirectoryName(Path.GetFullPath(file.Path))!;
            if (string.Equals(full.TrimEnd('/'), csvDir.TrimEnd('/'), StringComparison.Ordinal))
                throw new CultureNetException($"--keep-crops {keepCrops}: is the folder of {file.Path}, whose crops it would overwrite; choose another folder");
            foreach (var r in file.Rows)
                if (Path.IsPathRooted(r.CropPath) || r.CropPath.Split('/', '\\').Contains(".."))
                    throw new CultureNetException($"{file.Path} line {r.Line}: path {r.CropPath} leaves its folder; --keep-crops writes each crop at its path under {keepCrops}, so paths must be relative and inside");
            Directory.CreateDirectory(full);
            AtomicFile.Write(Path.Combine(full, FacesCsv.FileName), s => s.Write(File.ReadAllBytes(file.Path)));
            // With its faces.state the copy is cut again by the same settings when it is itself given to --faces.
            string state = Path.Combine(csvDir, FacesFolder.StateFileName);
            if (File.Exists(state)) AtomicFile.Write(Path.Combine(full, FacesFolder.StateFileName), s => s.Write(File.ReadAllBytes(state)));
            _keepCrops = full;
        }
    }

    public int CropSize => _file.Crops.Size;

    public void Load(ManifestEntry[] chunk, DecodedImage?[] images, string?[] errors, CancellationToken cancel)
    {
        int size = _file.Crops.Size;
        for (int i = 0; i < chunk.Length; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var row = _rows[chunk[i].Key];
            var crop = new byte[size * size * 3];
            if (row.IsVideo)
            {
                var frame = Seek(row, cancel);
                FaceCrop.Draw(frame.Rgb, frame.Width, frame.Height, row.Box, _file.Crops.Margin, size, crop);
            }
            else
            {
                var image = Image(row);
                if (image is null) { errors[i] = _imageError; continue; }
                FaceCrop.Draw(image.Rgb, image.Width, image.Height, row.Box, _file.Crops.Margin, size, crop);
            }
            if (_keepCrops is not null)
            {
                var png = CropPng.Encode(crop, size, size);
                AtomicFile.Write(Path.Combine(_keepCrops, row.CropPath), s => s.Write(png));
            }
            images[i] = new DecodedImage(size, size, crop, ImageFormat.Png, SourceColorModel.Rgb);
        }
    }

    /// <summary>The image of <paramref name="row"/>, decoded once for all its faces; null (and why) when it does not decode.</summary>
    private DecodedImage? Image(FaceRow row)
    {
        if (_imagePath == row.Source) return _image;
        (_imagePath, _image, _imageError) = (row.Source, null, null);
        try { _image = ImageDecoder.Decode(row.Source); }
        catch (ImageDecodeException e) { _imageError = e.Reason; }
        return _image;
    }

    private VideoFrame Seek(FaceRow row, CancellationToken cancel)
    {
        string where = $"{_file.Path} line {row.Line}";
        if (_videoPath != row.Source || _frame is { } f && f.Index > row.SourceFrame) Open(row.Source, where, cancel);
        while (_frame is null || _frame.Index < row.SourceFrame)
        {
            _frame?.Dispose();
            _frame = null;
            bool more;
            try { more = _frames!.MoveNext(); }
            catch (CultureNetException e) { throw new CultureNetException($"{where}: {e.Message}", e); }
            if (!more)
                throw new CultureNetException(string.Create(CultureInfo.InvariantCulture,
                    $"{where}: source_frame {row.SourceFrame} is beyond the end of {row.Source}, which gives {_delivered} frame(s) ({FrameSource.FpsSettingOf(_file.Crops.Fps)})"));
            _frame = _frames.Current;
            _delivered = _frame.Index + 1;
        }
        string time = _frame.TimeSeconds is { } t ? t.ToString("0.######", CultureInfo.InvariantCulture) : "";
        if (row.Time is not null && time != row.Time)
            throw new CultureNetException(
                $"{where}: frame {row.SourceFrame} of {row.Source} is at {(time.Length == 0 ? "an unknown time" : time + " s")}, the row says {row.Time} s: its frames were counted at another rate than {FrameSource.FpsSettingOf(_file.Crops.Fps)} (give the --fps the faces run used)");
        return _frame;
    }

    private void Open(string path, string where, CancellationToken cancel)
    {
        Close();
        if (!_probed.TryGetValue(path, out var info))
        {
            try { info = VideoInfo.Probe(path); }
            catch (CultureNetException e) { throw new CultureNetException($"{where}: {e.Message}", e); }
            _probed[path] = info;
        }
        _frames = new VideoFrameReader(info, _file.Crops.Fps).Frames(cancel).GetEnumerator();
        _videoPath = path;
        _delivered = 0;
    }

    /// <summary>Stops the video being read (ffmpeg) and frees its frame; a later <see cref="Load"/> reopens it.</summary>
    public void Close()
    {
        _frame?.Dispose();
        _frame = null;
        _frames?.Dispose();
        _frames = null;
        _videoPath = null;
    }

    public void Dispose() => Close();
}
