using System.Text.RegularExpressions;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Nn;

/// <summary>Fit(verbose: 1 | 2) writes to Console.Out, which is process-wide: these tests run apart.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

[Collection(nameof(ConsoleCollection))]
public class VerboseFitTests
{
    private static string Captured(Action run)
    {
        var previous = Console.Out;
        using var text = new StringWriter();
        Console.SetOut(text);
        try { run(); }
        finally { Console.SetOut(previous); }
        return text.ToString();
    }

    [Fact]
    public void Verbose_prints_what_Keras_2_2_prints_with_its_metric_names_and_the_epochs_values()
    {
        var (x, y) = Support.Data.Regression(300, 12, seed: 1);
        var (vx, vy) = Support.Data.Regression(100, 12, seed: 2);
        using var model = GenNet.Create(12, [16, 8, 6, 4], seed: 7);
        model.Compile(optimizer: "adadelta", loss: "mean_squared_error", metrics: ["mae"]);
        History history = null!;
        var lines = Captured(() => history = model.Fit(x, y, epochs: 2, batchSize: 32, validationData: (vx, vy), verbose: 2))
            .Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Train on 300 samples, validate on 100 samples", lines[0]);
        Assert.Equal("Epoch 1/2", lines[1]);
        Assert.Equal("Epoch 2/2", lines[3]);
        string F(string key, int epoch) => history[key][epoch].ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches(new Regex(@"^ - \d+s - loss: " + Regex.Escape(F("loss", 1)) + " - mean_absolute_error: " + Regex.Escape(F("mae", 1))
            + " - val_loss: " + Regex.Escape(F("val_loss", 1)) + " - val_mean_absolute_error: " + Regex.Escape(F("val_mae", 1)) + "$"), lines[4]);
        Assert.Equal(5, lines.Length);
        // Keras 2.2's history keys read the same values.
        Assert.Equal(history["val_mae"], history["val_mean_absolute_error"]);
        Assert.True(history.Contains("mean_absolute_error"));

        var bar = Captured(() => model.Fit(x, y, epochs: 1, batchSize: 32, verbose: 1)).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Train on 300 samples", bar[0]);
        Assert.Matches(new Regex(@"^300/300 \[={30}\] - \d+s \d+(us|ms|s)/step - loss: \d\.\d{4} - mean_absolute_error: \d\.\d{4}$"), bar[2]);

        // As in Keras, an epoch's line is written before the user's callbacks run for that epoch.
        var order = Captured(() => model.Fit(x, y, epochs: 1, batchSize: 32, verbose: 2,
            callbacks: [new LambdaCallback(onEpochEnd: (_, _) => Console.WriteLine("user callback"))]))
            .Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith(" - ", order[2]);
        Assert.Equal("user callback", order[3]);

        Assert.Equal("", Captured(() => model.Fit(x, y, epochs: 1, batchSize: 32)));
        Assert.Contains("expected 0 = silent", Assert.Throws<CultureNetException>(() => model.Fit(x, y, epochs: 1, verbose: 3)).Message);
    }

    [Fact]
    public void Tiny_values_are_written_in_Keras_exponent_form()
    {
        using var text = new StringWriter();
        var logger = new ProgbarLogger(verbose: 2, epochs: 1, samples: 10, validationSamples: null, output: text);
        logger.OnEpochBegin(0);
        logger.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 0.000123, ["mae"] = 0.5 });
        Assert.EndsWith(" - loss: 1.2300e-04 - mean_absolute_error: 0.5000" + Environment.NewLine, text.ToString());
    }
}
