using System.Diagnostics;
using System.Globalization;

namespace CultureNet.Engine.Nn.Callbacks;

/// <summary>
/// What Keras 2.2's <c>fit(verbose=1)</c> and <c>fit(verbose=2)</c> print, written by <see cref="Sequential.Fit"/> when
/// asked: "Train on N samples, validate on M samples", then per epoch "Epoch e/E" and its line, with the metric names
/// Keras 2.2 logs (mean_absolute_error for 'mae'). verbose=1 prints the line of a finished progress bar (the engine
/// trains an epoch in one native call, so the bar is drawn once, full); verbose=2 the one-line form.
/// </summary>
public sealed class ProgbarLogger : Callback
{
    private readonly TextWriter _out;
    private readonly int _verbose, _epochs;
    private readonly long _samples;
    private readonly long? _validationSamples;
    private readonly Stopwatch _clock = new();

    public ProgbarLogger(int verbose, int epochs, long samples, long? validationSamples, TextWriter? output = null)
    {
        if (verbose is not (1 or 2)) throw new CultureNetException($"ProgbarLogger: verbose is {verbose} (expected 1 = progress bar or 2 = one line per epoch)");
        _verbose = verbose;
        _epochs = epochs;
        _samples = samples;
        _validationSamples = validationSamples;
        _out = output ?? Console.Out;
    }

    public override void OnTrainBegin() =>
        _out.WriteLine(_validationSamples is long v ? $"Train on {_samples} samples, validate on {v} samples" : $"Train on {_samples} samples");

    public override void OnEpochBegin(int epoch)
    {
        _out.WriteLine($"Epoch {epoch + 1}/{_epochs}");
        _clock.Restart();
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        string values = string.Concat(logs.Select(kv => $" - {History.Keras22Name(kv.Key)}: {Format(kv.Value)}"));
        if (_verbose == 2)
        {
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $" - {seconds:0}s{values}"));
            return;
        }
        string width = _samples.ToString(CultureInfo.InvariantCulture);
        _out.WriteLine($"{width}/{width} [{new string('=', 30)}] - {(int)seconds}s {PerStep(seconds / Math.Max(1, _samples))}{values}");
    }

    // Keras' Progbar: %.4f, or %.4e for magnitudes up to 1e-3.
    private static string Format(double value) =>
        Math.Abs(value) > 1e-3 ? value.ToString("0.0000", CultureInfo.InvariantCulture) : value.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    private static string PerStep(double seconds) => seconds switch
    {
        >= 1 => FormattableString.Invariant($"{seconds:0}s/step"),
        >= 1e-3 => FormattableString.Invariant($"{seconds * 1e3:0}ms/step"),
        _ => FormattableString.Invariant($"{seconds * 1e6:0}us/step"),
    };
}
