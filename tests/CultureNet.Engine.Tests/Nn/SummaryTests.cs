using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Layers;

namespace CultureNet.Engine.Tests.Nn;

/// <summary>Keras 2.2's model.summary(): the expected tables are Keras 2.2.2's print_summary output for these models,
/// written out character for character (columns end at 29, 55 and 65; trailing spaces included).</summary>
[Collection(nameof(ConsoleCollection))]
public class SummaryTests
{
    private static Model StudyGenNet(bool[] trainable)
    {
        var inp = new Input(shape: [2048]);
        var l1 = new Dense(500, activation: "relu", trainable: trainable[0]).Call(inp);
        var l2 = new Dense(200, activation: "relu", trainable: trainable[1]).Call(l1);
        var l3 = new Dense(100, activation: "relu", trainable: trainable[2]).Call(l2);
        var l4 = new Dense(50, activation: "relu", trainable: trainable[3]).Call(l3);
        var l5 = new Dense(1, activation: "linear", trainable: trainable[4]).Call(l4);
        return new Model(inputs: [inp], outputs: [l5], seed: 1);
    }

    private static List<string> Lines(Sequential model, int? lineLength = null, IReadOnlyList<double>? positions = null)
    {
        var lines = new List<string>();
        model.Summary(lineLength, positions, lines.Add);
        return lines;
    }

    private static readonly string[] StudyRows =
    [
        "_________________________________________________________________",
        "Layer (type)                 Output Shape              Param #   ",
        "=================================================================",
        "input_1 (InputLayer)         (None, 2048)              0         ",
        "_________________________________________________________________",
        "dense_1 (Dense)              (None, 500)               1024500   ",
        "_________________________________________________________________",
        "dense_2 (Dense)              (None, 200)               100200    ",
        "_________________________________________________________________",
        "dense_3 (Dense)              (None, 100)               20100     ",
        "_________________________________________________________________",
        "dense_4 (Dense)              (None, 50)                5050      ",
        "_________________________________________________________________",
        "dense_5 (Dense)              (None, 1)                 51        ",
        "=================================================================",
    ];

    [Fact]
    public void The_study_genNet_prints_Keras_table_with_its_InputLayer()
    {
        using var model = StudyGenNet([true, true, true, true, true]);
        Assert.Equal(StudyRows.Concat(
        [
            "Total params: 1,149,901",
            "Trainable params: 1,149,901",
            "Non-trainable params: 0",
            "_________________________________________________________________",
        ]), Lines(model));
        Assert.Equal(1_149_901, model.CountParams());
        Assert.False(model.IsBuilt); // a summary needs only the shapes
    }

    [Fact]
    public void A_Sequential_lists_no_InputLayer()
    {
        using var model = new Sequential(seed: 1);
        model.Add(new Dense(500, activation: "relu", inputDim: 2048));
        model.Add(new Dense(1));
        Assert.Equal(
        [
            "_________________________________________________________________",
            "Layer (type)                 Output Shape              Param #   ",
            "=================================================================",
            "dense_1 (Dense)              (None, 500)               1024500   ",
            "_________________________________________________________________",
            "dense_2 (Dense)              (None, 1)                 501       ",
            "=================================================================",
            "Total params: 1,025,001",
            "Trainable params: 1,025,001",
            "Non-trainable params: 0",
            "_________________________________________________________________",
        ], Lines(model));
    }

    [Fact]
    public void Frozen_layers_count_as_non_trainable_once_compiled()
    {
        using var model = StudyGenNet([false, false, false, false, true]);
        model.Compile(optimizer: "adadelta", loss: "mse", metrics: ["mae"]);
        Assert.Equal(
        [
            "Total params: 1,149,901",
            "Trainable params: 51",
            "Non-trainable params: 1,149,850",
            "_________________________________________________________________",
        ], Lines(model).Skip(StudyRows.Length));
    }

    [Fact]
    public void Freezing_after_Compile_counts_as_Keras_does_and_warns()
    {
        using var model = StudyGenNet([true, true, true, true, true]);
        model.Compile(optimizer: "adadelta");
        foreach (var layer in model.Layers.Take(4)) layer.Trainable = false;
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        List<string> lines;
        try { lines = Lines(model); }
        finally { Console.SetError(original); }
        // Keras 2.2 counts trainable weights as compile collected them and non-trainable ones by the current flags.
        Assert.Equal(
        [
            "Total params: 2,299,751",
            "Trainable params: 1,149,901",
            "Non-trainable params: 1,149,850",
            "_________________________________________________________________",
        ], lines.Skip(StudyRows.Length));
        Assert.Contains("Discrepancy between trainable weights and collected trainable weights", error.ToString());

        model.Compile(optimizer: "adadelta");
        error = new StringWriter();
        Console.SetError(error);
        try { lines = Lines(model); }
        finally { Console.SetError(original); }
        Assert.Equal("Trainable params: 51", lines[StudyRows.Length + 1]);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void Long_names_are_cut_at_their_column_and_positions_may_be_absolute()
    {
        using var model = new Sequential(seed: 1);
        model.Add(new Dense(3, inputDim: 4, name: "a_very_long_layer_name_for_truncation", useBias: false));
        var lines = Lines(model, lineLength: 40, positions: [20, 32, 40]);
        Assert.Equal("Layer (type)        Output Shap Param # ", lines[1]); // "Output Shape" overruns its column by one
        Assert.Equal("a_very_long_layer_n (None, 3)   12      ", lines[3]); // no bias: 4 x 3 weights
        Assert.Equal(new string('_', 40), lines[0]);
        Assert.Equal("Total params: 12", lines[5]);

        var relative = Lines(model, lineLength: 100);
        Assert.Equal(100, relative[1].Length);
        Assert.Equal("Output Shape", relative[1].Substring(45, 12)); // int(100 x .45)
        Assert.Equal("Param #", relative[1].Substring(85, 7));       // int(100 x .85)
    }

    [Fact]
    public void Bad_arguments_name_what_was_expected()
    {
        using var model = StudyGenNet([true, true, true, true, true]);
        var e = Assert.Throws<CultureNetException>(() => model.Summary(positions: [.5, 1.0]));
        Assert.Contains("positions has 2 entries (expected 3", e.Message);
        e = Assert.Throws<CultureNetException>(() => model.Summary(positions: [.9, .5, 1.0]));
        Assert.Contains("expected increasing", e.Message);
        e = Assert.Throws<CultureNetException>(() => model.Summary(lineLength: 0));
        Assert.Contains("lineLength must be positive", e.Message);
        using var empty = new Sequential();
        e = Assert.Throws<CultureNetException>(() => empty.Summary());
        Assert.Contains("no layers", e.Message);
    }
}
