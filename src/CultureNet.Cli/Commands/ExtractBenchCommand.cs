using CultureNet.Benchmarking;
using System.CommandLine;
using System.Globalization;
using CultureNet.Engine;
using CultureNet.Engine.Extraction;

namespace CultureNet.Cli.Commands;

/// <summary>
/// `culturenet extract-bench`: extraction pipeline images/s against bare ONNX Runtime inference on the same images,
/// measured in alternating rounds of the same run; key=value lines a script can read.
/// </summary>
public static class ExtractBenchCommand
{
    public const string DefaultImages = "/usr/lib/python3/dist-packages/skimage/data";

    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "folder of JPEG/PNG images (default: skimage's sample photographs)", DefaultValueFactory = _ => DefaultImages };
        var count = new Option<int>("--count") { Description = "images per pipeline run (the folder's images repeated)", DefaultValueFactory = _ => 256 };
        var batch = new Option<int>("--batch") { Description = "images per inference call", DefaultValueFactory = _ => 64 };
        var rounds = new Option<int>("--rounds") { Description = "alternating bare/pipeline rounds (medians reported)", DefaultValueFactory = _ => 5 };
        var backbone = new Option<string?>("--backbone") { Description = "ONNX model (default: the built-in ResNet-18, with its own normalisation)" };
        var spin = new Option<bool>("--no-spin") { Description = "ONNX Runtime threads do not spin-wait (leaves cycles to decoding)" };
        var command = new Command("extract-bench", "Measure feature-extraction images/s against bare ONNX Runtime inference (same run)")
        {
            dir, count, batch, rounds, backbone, spin,
        };
        command.SetAction(r => CliRunner.Guard(() =>
        {
            var inv = CultureInfo.InvariantCulture;
            string folder = r.GetValue(dir)!;
            if (!Directory.Exists(folder)) throw new CultureNetException($"{folder}: folder not found (install python3-skimage, or pass --dir)");
            var files = Directory.EnumerateFiles(folder)
                .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Where(f => { try { var i = ImageDecoder.Decode(f); return i.Width >= 224 && i.Height >= 224 && i.Width * i.Height <= 1_500_000; } catch (ImageDecodeException) { return false; } })
                .ToList();
            if (files.Count == 0) throw new CultureNetException($"{folder}: no decodable JPEG/PNG images of at least 224×224");
            int n = r.GetValue(count);
            var entries = Enumerable.Range(0, n).Select(i => new ManifestEntry(files[i % files.Count], new FrameKey(0, 0, i), 0f, files[i % files.Count])).ToList();
            string? b = r.GetValue(backbone);
            string model = BuiltInBackbone.Resolve(b);
            var norm = BuiltInBackbone.IsBuiltIn(b) ? BuiltInBackbone.Normalization : PixelNormalization.Torch;
            Console.WriteLine($"images={n} ({files.Count} distinct files from {folder})");
            Console.WriteLine($"backbone={model}");
            Console.WriteLine($"cores={Environment.ProcessorCount}");
            var result = ExtractionThroughput.Measure(entries, model, new BackboneOptions { AllowSpinning = !r.GetValue(spin) },
                m => new ImagePreprocessor(256, m.InputWidth, m.InputHeight, norm, m.Layout, allowUpscale: true),
                r.GetValue(batch), r.GetValue(rounds),
                round => Console.WriteLine(string.Create(inv, $"round bare_images_per_s={round.BareImagesPerSecond:F1} pipeline_images_per_s={round.PipelineImagesPerSecond:F1} ratio={round.Ratio:F3}")));
            Console.WriteLine(string.Create(inv, $"bare_images_per_s={result.MedianBare:F1}"));
            Console.WriteLine(string.Create(inv, $"pipeline_images_per_s={result.MedianPipeline:F1}"));
            Console.WriteLine(string.Create(inv, $"ratio={result.MedianRatio:F3}"));
            Console.WriteLine(string.Create(inv, $"best_bare_images_per_s={result.BestBare:F1}"));
            Console.WriteLine(string.Create(inv, $"best_pipeline_images_per_s={result.BestPipeline:F1}"));
            Console.WriteLine(string.Create(inv, $"ratio_of_best={result.RatioOfBest:F3}"));
            return 0;
        }));
        return command;
    }
}
