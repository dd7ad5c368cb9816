using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Callbacks;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Tests.Nn;

/// <summary>Keras' functional API (Input, layer(x), Model(inputs, outputs)) for the chain the released genNet builds.</summary>
public class FunctionalModelTests
{
    /// <summary>The released genNet.__init__'s layers (<see cref="GenNetPort.Graph"/>) in a plain Model.</summary>
    private static Model ReleasedGenNet(int inputDim, bool[] trainable, int seed)
    {
        var (inp, l5) = GenNetPort.Graph(inputDim, trainable);
        var model = new Model(inputs: inp, outputs: l5, seed: seed);
        model.Compile(optimizer: "adadelta", loss: "mean_squared_error", metrics: ["mae"]);
        return model;
    }

    [Fact]
    public void The_released_genNet_written_functionally_trains_bit_for_bit_as_its_Sequential()
    {
        var (x, y) = Support.Data.Regression(300, 12, seed: 1);
        using var functional = ReleasedGenNet(12, [true, true, true, true, true], seed: 7);
        using var sequential = GenNet.Create(12, [16, 8, 6, 4], seed: 7);
        sequential.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        Assert.Equal(sequential.GetWeights(), functional.GetWeights());
        Assert.Equal(["dense_1", "dense_2", "dense_3", "dense_4", "dense_5"], functional.Layers.Select(l => l.Name));
        Assert.Equal([12, 16, 8, 6, 4], functional.Layers.Select(l => l.InputDim!.Value));

        var a = functional.Fit(x, y, epochs: 3, batchSize: 32, seed: 5);
        var b = sequential.Fit(x, y, epochs: 3, batchSize: 32, seed: 5);
        Assert.Equal(b["loss"], a["loss"]);
        Assert.Equal(sequential.GetWeights(), functional.GetWeights());
        Assert.Equal(sequential.Predict(x), functional.Predict(x));
    }

    [Fact]
    public void Trainable_flags_given_to_the_layers_freeze_them_as_in_the_released_code()
    {
        var (x, y) = Support.Data.Regression(200, 12, seed: 2);
        using var model = ReleasedGenNet(12, [false, false, false, false, true], seed: 3);
        var before = model.GetWeights();
        model.Fit(x, y, epochs: 2, batchSize: 32, seed: 1);
        var after = model.GetWeights();
        for (int i = 0; i < 8; i++) Assert.Equal(before[i], after[i]);
        Assert.NotEqual(before[8], after[8]);
    }

    [Fact]
    public void Its_h5_weights_list_the_input_layer_first_as_a_functional_Keras_model_saves_them()
    {
        using var tmp = new TempDir();
        var (x, _) = Support.Data.Regression(20, 12, seed: 4);
        using var model = ReleasedGenNet(12, [true, true, true, true, true], seed: 9);
        model.SaveWeights(tmp.File("m.h5"));
        using var sequential = GenNet.Create(12, [16, 8, 6, 4], seed: 1);
        sequential.SaveWeights(tmp.File("s.h5"));
        // Keras 2's load_weights reads layer_names and each layer's weight_names (h5py, Debian's, as the oracle).
        string Layout(string file) => Python.Run("-c", $$"""
import h5py
f = h5py.File('{{tmp.File(file)}}', 'r')
print(';'.join(n.decode('utf8') + ':' + str(len(f[n.decode('utf8')].attrs['weight_names'])) for n in f.attrs['layer_names']))
""").Trim();
        Assert.Equal("input_1:0;dense_1:2;dense_2:2;dense_3:2;dense_4:2;dense_5:2", Layout("m.h5"));
        Assert.Equal("dense_1:2;dense_2:2;dense_3:2;dense_4:2;dense_5:2", Layout("s.h5"));
        // Loaded by layer order into a Sequential (the input layer has no weights), it predicts the same.
        sequential.LoadWeights(tmp.File("m.h5"));
        Assert.Equal(model.Predict(x), sequential.Predict(x));
        // Whole-model files describe it as the Sequential of its layers, and load back to the same predictions.
        foreach (var name in new[] { "whole.h5", "whole.keras" })
        {
            model.SaveModel(tmp.File(name));
            using var loaded = KerasModels.LoadModel(tmp.File(name));
            Assert.Equal(model.Layers.Select(l => (l.Units, l.Trainable)), loaded.Layers.Select(l => (l.Units, l.Trainable)));
            Assert.Equal(model.Predict(x), loaded.Predict(x));
        }
    }

    /// <summary>The released <c>class genNet(Model)</c> as a C# class: C# runs the base constructor first, so the layers
    /// are built in a static method; the rest reads as the Python does.</summary>
    private sealed class GenNetPort : Model
    {
        private readonly int _epochs, _batchSize;

        public GenNetPort(int inputDim, bool[] trainable, int epochs = 20, int batchSize = 128)
            : this(Graph(inputDim, trainable), epochs, batchSize) { }

        private GenNetPort((Input Inp, KerasTensor L5) graph, int epochs, int batchSize)
            : base(inputs: [graph.Inp], outputs: [graph.L5], seed: 7)
        {
            _epochs = epochs;
            _batchSize = batchSize;
        }

        /// <summary>genNet.__init__'s layers, line for line (lsize0..3 = 16, 8, 6, 4 to keep it small).</summary>
        internal static (Input Inp, KerasTensor L5) Graph(int inputDim, bool[] trainable)
        {
            var inp = new Input(shape: [inputDim]);
            var l1 = new Dense(16, activation: "relu", trainable: trainable[0]).Call(inp);
            var l2 = new Dense(8, activation: "relu", trainable: trainable[1]).Call(l1);
            var l3 = new Dense(6, activation: "relu", trainable: trainable[2]).Call(l2);
            var l4 = new Dense(4, activation: "relu", trainable: trainable[3]).Call(l3);
            var l5 = new Dense(1, activation: "linear", trainable: trainable[4]).Call(l4);
            return (inp, l5);
        }

        public void TrainModel(Matrix xTrain, Matrix yTrain, Matrix xVal, Matrix yVal, string weightsPath)
        {
            Compile(optimizer: "adadelta", loss: "mean_squared_error", metrics: ["mae"]);
            var stopper = new EarlyStopping(monitor: "val_loss", minDelta: 0.01, patience: 4, mode: "auto");
            Fit(xTrain, yTrain, epochs: _epochs, batchSize: _batchSize, callbacks: [stopper], validationData: (xVal, yVal), seed: 5);
            this.SaveWeights(weightsPath);
        }
    }

    [Fact]
    public void The_released_genNet_class_ports_as_a_subclass_of_Model()
    {
        using var tmp = new TempDir();
        var (x, y) = Support.Data.Regression(300, 12, seed: 1);
        var (vx, vy) = Support.Data.Regression(100, 12, seed: 2);
        using var port = new GenNetPort(12, [true, true, true, true, true], epochs: 3, batchSize: 32);
        port.TrainModel(x, y, vx, vy, tmp.File("m1_weights.h5"));
        // The same training through the Sequential API.
        using var sequential = GenNet.Create(12, [16, 8, 6, 4], seed: 7);
        sequential.Compile(optimizer: new Adadelta(), loss: "mse", metrics: ["mae"]);
        sequential.Fit(x, y, epochs: 3, batchSize: 32, validationData: (vx, vy), seed: 5,
            callbacks: [new EarlyStopping(monitor: "val_loss", minDelta: 0.01, patience: 4)]);
        Assert.Equal(sequential.GetWeights(), port.GetWeights());
        using var loaded = GenNet.Create(12, [16, 8, 6, 4]);
        loaded.LoadWeights(tmp.File("m1_weights.h5"));
        Assert.Equal(port.Predict(vx), loaded.Predict(vx));
        Assert.Contains("expected one", Assert.Throws<CultureNetException>(() =>
            new Model(inputs: [new Input(shape: [3]), new Input(shape: [3])], outputs: [])).Message);
    }

    [Fact]
    public void What_is_not_a_chain_of_layers_from_its_input_is_refused_with_what_was_expected()
    {
        Assert.Contains("expected one positive width", Assert.Throws<CultureNetException>(() => new Input(shape: [8, 8])).Message);
        Assert.Contains("expected one positive width", Assert.Throws<CultureNetException>(() => new Input(shape: [0])).Message);

        var inp = new Input(shape: [8]);
        var dense = new Dense(4);
        var h = dense.Call(inp);
        Assert.Contains("already applied", Assert.Throws<CultureNetException>(() => dense.Call(inp)).Message);
        Assert.Contains("inputDim 5 does not match its input's 4 units",
            Assert.Throws<CultureNetException>(() => new Dense(2, inputDim: 5).Call(h)).Message);

        var other = new Input(shape: [8], name: "input_2");
        var fromOther = new Dense(1).Call(other);
        Assert.Contains("starts at another Input (input_2)", Assert.Throws<CultureNetException>(() => new Model(inputs: inp, outputs: fromOther)).Message);
        Assert.Contains("at least one layer", Assert.Throws<CultureNetException>(() => new Model(inputs: inp, outputs: inp)).Message);

        using var model = new Model(inputs: inp, outputs: new Dense(1).Call(h));
        Assert.Contains("'sgd' is not supported", Assert.Throws<CultureNetException>(() => model.Compile(optimizer: "sgd")).Message);
        model.Compile(optimizer: "Adadelta");
        Assert.Equal(1.0, model.Optimizer!.Lr);
        Assert.Equal(0.95, model.Optimizer.Rho);
        Assert.Equal(1e-7, model.Optimizer.Epsilon);
    }
}
