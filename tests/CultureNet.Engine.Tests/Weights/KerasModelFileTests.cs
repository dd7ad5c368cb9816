using System.Text.Json.Nodes;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Tests.Weights;

public class KerasModelFileTests(KerasFilesFixture keras) : IClassFixture<KerasFilesFixture>
{
    // The oracle's network: Dense 7→6 relu, 6→5 linear without bias (frozen), 5→4 relu, 4→1 linear.
    private static readonly (int Units, string Activation, bool UseBias, bool Trainable)[] Network =
        [(6, "relu", true, true), (5, "linear", false, false), (4, "relu", true, true), (1, "linear", true, true)];

    private void AssertPredicts(Sequential model, double tolerance = 1e-5)
    {
        var predicted = model.Predict(keras.X);
        Assert.Equal(keras.Expected.Length, predicted.Length);
        for (int i = 0; i < predicted.Length; i++)
            Assert.True(Math.Abs(keras.Expected[i] - predicted[i]) <= tolerance, $"row {i}: {predicted[i]} vs {keras.Expected[i]}");
    }

    private static Sequential HandBuilt()
    {
        var model = new Sequential(seed: 3);
        for (int i = 0; i < Network.Length; i++)
            model.Add(new Dense(Network[i].Units, Network[i].Activation, inputDim: i == 0 ? 7 : null, useBias: Network[i].UseBias));
        return model;
    }

    [Theory]
    [InlineData("k2_model_list.h5", "dense_6")]   // Keras <= 2.2.2: model_config's config is the list of layers
    [InlineData("k2_model_dict.h5", "dense_1")]   // Keras 2.2.3+/tf.keras: {"name", "layers"}, InputLayer first
    [InlineData("m.keras", "dense")]              // Keras 3 archive
    public void A_model_file_gives_the_network_its_config_describes(string file, string firstName)
    {
        using var model = KerasModels.LoadModel(keras.File(file), compile: false);
        Assert.Equal(7, model.InputDim);
        Assert.Equal(Network.Select(n => (n.Units, n.Activation, n.UseBias, n.Trainable)),
            model.Layers.Select(l => (l.Units, l.Activation.ToKerasName(), l.UseBias, l.Trainable)));
        Assert.Equal(firstName, model.Layers[0].Name);
        Assert.False(model.IsCompiled);
        AssertPredicts(model);
    }

    [Theory]
    [InlineData("k2_save_weights.h5")]
    [InlineData("k2_model_list.h5")]
    [InlineData("k2_model_dict.h5")]
    [InlineData("k3.weights.h5")]
    [InlineData("m.keras")]
    public void Every_layout_loads_into_a_model_by_layer_order(string file)
    {
        using var model = HandBuilt();
        model.Load(keras.File(file));
        AssertPredicts(model);
    }

    [Theory]
    [InlineData("k2_save_weights.h5")]
    [InlineData("k3.weights.h5")]
    public void A_weights_only_file_gives_its_kernels_shape_with_GenNet_activations(string file)
    {
        using var model = KerasModels.LoadModel(keras.File(file));
        Assert.Equal([6, 5, 4, 1], model.Layers.Select(l => l.Units));
        Assert.Equal([true, false, true, true], model.Layers.Select(l => l.UseBias));
        Assert.Equal([Activation.Relu, Activation.Relu, Activation.Relu, Activation.Linear], model.Layers.Select(l => l.Activation));
    }

    [Theory]
    [InlineData("k2_model_list.h5", 0.5, 0.9, 1e-6)]  // training_config: Adadelta(lr=0.5, rho=0.9, epsilon=1e-6)
    [InlineData("m.keras", 0.25, 0.9, 1e-7)]          // compile_config: Adadelta(learning_rate=0.25, rho=0.9)
    public void Load_model_compiles_as_the_file_says(string file, double lr, double rho, double epsilon)
    {
        using var model = KerasModels.LoadModel(keras.File(file));
        Assert.True(model.IsCompiled);
        Assert.Equal((lr, rho, epsilon), (model.Optimizer!.Lr, model.Optimizer.Rho, model.Optimizer.Epsilon));
        AssertPredicts(model);
    }

    private JsonObject ReadBack(string path, string predictionsPath)
    {
        var output = Python.Run(KerasFilesFixture.Oracle, "read", path, keras.File("x.npy"), predictionsPath);
        return JsonNode.Parse(output)!.AsObject();
    }

    [Fact]
    public void Our_keras2_model_file_reads_back_as_keras_reads_it()
    {
        using var tmp = new TempDir();
        using var model = KerasModels.LoadModel(keras.File("k2_model_dict.h5"), compile: false);
        model.Compile(new Adadelta(lr: 0.5));
        model.SaveModel(tmp.File("m.h5"));
        var summary = ReadBack(tmp.File("m.h5"), tmp.File("p.npy"));
        Assert.Equal("2.2.4", (string?)summary["keras_version"]);
        Assert.Equal("tensorflow", (string?)summary["backend"]);
        Assert.Equal("2.2.4", (string?)summary["model_weights_keras_version"]);
        Assert.Equal("""["dense_1","dense_2","dense_3","dense_4"]""", summary["layer_names"]!.ToJsonString());
        Assert.Equal(
            """{"class_name":"Sequential","layers":[["Dense","dense_1",6,"relu",true,true,[null,7]],["Dense","dense_2",5,"linear",false,false,null],["Dense","dense_3",4,"relu",true,true,null],["Dense","dense_4",1,"linear",true,true,null]],"name":"sequential_1"}""",
            summary["config"]!.ToJsonString());
        Assert.Equal("""{"dense_2/kernel:0":[[6,5],"float32"]}""", summary["weights"]![1]!.ToJsonString());
        Assert.Equal("""{"dense_1/bias:0":[[6],"float32"],"dense_1/kernel:0":[[7,6],"float32"]}""", summary["weights"]![0]!.ToJsonString());
        var training = summary["training_config"]!;
        Assert.Equal("Adadelta", (string?)training["optimizer_config"]!["class_name"]);
        Assert.Equal(0.5, (double)training["optimizer_config"]!["config"]!["lr"]!);
        Assert.Equal("mse", (string?)training["loss"]);
        KerasFilesFixture.AssertPredictionsFile(tmp.File("p.npy"), model.Predict(keras.X));
        AssertPredicts(model);
    }

    [Fact]
    public void Our_keras3_archive_and_weights_read_back_as_keras_reads_them()
    {
        using var tmp = new TempDir();
        using var model = KerasModels.LoadModel(keras.File("k2_model_list.h5"), compile: false);
        model.SaveModel(tmp.File("m.keras"));
        model.Save(tmp.File("w.weights.h5"));

        var archive = ReadBack(tmp.File("m.keras"), tmp.File("p.npy"));
        Assert.Equal("""["metadata.json","config.json","model.weights.h5"]""", archive["members"]!.ToJsonString());
        Assert.True((bool)archive["stored"]!);
        Assert.Equal("3.8.0", (string?)archive["metadata"]!["keras_version"]);
        var config = archive["config"]!;
        Assert.Equal("keras", (string?)config["module"]);
        Assert.Equal("Sequential", (string?)config["class_name"]);
        Assert.Equal("""{"input_shape":[null,7]}""", config["build_config"]!.ToJsonString());
        Assert.Null(config["compile_config"]);
        Assert.Equal(
            """[["keras.layers","InputLayer","input_layer",null,null,null,[null,7],null],""" +
            """["keras.layers","Dense","dense_6",6,"relu",true,null,{"input_shape":[null,7]}],""" +
            """["keras.layers","Dense","dense_7",5,"linear",false,null,{"input_shape":[null,6]}],""" +
            """["keras.layers","Dense","dense_8",4,"relu",true,null,{"input_shape":[null,5]}],""" +
            """["keras.layers","Dense","dense_9",1,"linear",true,null,{"input_shape":[null,4]}]]""",
            config["layers"]!.ToJsonString());
        Assert.Equal("""["dense","dense_1","dense_2","dense_3"]""", archive["layer_groups"]!.ToJsonString());
        Assert.True((bool)archive["root_vars"]!);
        Assert.Equal("""[[[7,6],"float32"],[[6],"float32"]]""", archive["vars"]![0]!.ToJsonString());
        Assert.Equal("""[[[6,5],"float32"]]""", archive["vars"]![1]!.ToJsonString());
        KerasFilesFixture.AssertPredictionsFile(tmp.File("p.npy"), model.Predict(keras.X));

        var weights = ReadBack(tmp.File("w.weights.h5"), tmp.File("q.npy"));
        Assert.Equal("""["layers","vars"]""", weights["groups"]!.ToJsonString());
        KerasFilesFixture.AssertPredictionsFile(tmp.File("q.npy"), model.Predict(keras.X));

        // And back into the engine: the same network and weights.
        using var again = KerasModels.LoadModel(tmp.File("m.keras"));
        Assert.Equal(model.Layers.Select(l => (l.Name, l.Units, l.Activation, l.UseBias, l.Trainable)),
            again.Layers.Select(l => (l.Name, l.Units, l.Activation, l.UseBias, l.Trainable)));
        AssertPredicts(again);
    }

    [Fact]
    public void Identical_models_save_to_identical_bytes()
    {
        using var tmp = new TempDir();
        foreach (var (name, save) in new (string, Action<Sequential, string>)[]
                 {
                     ("m.keras", (m, p) => m.SaveModel(p)), ("m.h5", (m, p) => m.SaveModel(p)),
                     ("w.weights.h5", (m, p) => m.Save(p)), ("w.h5", (m, p) => m.Save(p)),
                 })
        {
            using var first = GenNet.Create(12, [8, 4], seed: 21);
            using var second = GenNet.Create(12, [8, 4], seed: 21);
            save(first, tmp.File("a_" + name));
            Thread.Sleep(1100); // a timestamp in the file would now differ
            save(second, tmp.File("b_" + name));
            Assert.Equal(File.ReadAllBytes(tmp.File("a_" + name)), File.ReadAllBytes(tmp.File("b_" + name)));
        }
    }

    [Fact]
    public void A_deep_model_splits_layer_names_as_keras_does_and_one_too_deep_for_hdf5_attributes_is_refused()
    {
        using var tmp = new TempDir();
        var (x, _) = Support.Data.Regression(9, 5, seed: 4);
        using var deep = GenNet.Create(5, Enumerable.Repeat(3, 40).ToArray(), seed: 2);
        deep.SaveModel(tmp.File("deep.h5"));
        // keras.engine.saving.load_attributes_from_hdf5_group: layer_names, else layer_names0, layer_names1, ...
        var names = Python.Run("-c", $$"""
import h5py
g = h5py.File('{{tmp.File("deep.h5")}}', 'r')['model_weights']
assert 'layer_names' not in g.attrs
names, chunk = [], 0
while f'layer_names{chunk}' in g.attrs:
    names += [n.decode('utf8') for n in g.attrs[f'layer_names{chunk}']]
    chunk += 1
print(chunk > 1, ','.join(names))
""").Trim();
        Assert.Equal("True " + string.Join(",", Enumerable.Range(1, 41).Select(i => $"dense_{i}")), names);
        using var back = KerasModels.LoadModel(tmp.File("deep.h5"));
        Assert.Equal(deep.Predict(x), back.Predict(x));

        using var deeper = GenNet.Create(5, Enumerable.Repeat(3, 200).ToArray(), seed: 2);
        var e = Assert.Throws<CultureNetException>(() => deeper.SaveModel(tmp.File("deeper.h5")));
        Assert.Contains(tmp.File("deeper.h5"), e.Message);
        Assert.Contains("save it as .keras", e.Message);
        Assert.False(File.Exists(tmp.File("deeper.h5")));
        deeper.SaveModel(tmp.File("deeper.keras"));
        using var fromArchive = KerasModels.LoadModel(tmp.File("deeper.keras"));
        Assert.Equal(deeper.Predict(x), fromArchive.Predict(x));
    }

    [Fact]
    public void A_bias_free_layer_must_be_frozen_to_train()
    {
        using var model = HandBuilt();
        var e = Assert.Throws<CultureNetException>(() => model.Compile(new Adadelta()));
        Assert.Contains("dense_2 has use_bias=False", e.Message);
        model.Layers[1].Trainable = false;
        model.Compile(new Adadelta());
    }

    [Theory]
    [MemberData(nameof(HostileKerasFiles.All), MemberType = typeof(HostileKerasFiles))]
    public void Hostile_and_unsupported_files_get_one_clear_error_naming_the_file(string name, string python, string expected)
    {
        using var tmp = new TempDir();
        var path = HostileKerasFiles.Write(tmp, name, python);
        var e = Assert.Throws<CultureNetException>(() => KerasModels.LoadModel(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }
}
