using System.Text.Json.Nodes;
using CultureNet.Engine.IO;
using CultureNet.Engine.Models;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Nn.Optimizers;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Tests.Weights;

/// <summary>Keras files written by h5py following Keras' saving code (tests/oracles/keras_files.py), once for the class.</summary>
public sealed class KerasFilesFixture : IDisposable
{
    public KerasFilesFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "cn-keras-" + Guid.NewGuid().ToString("N")[..8]);
        Python.Run(Oracle, "write", Dir);
        X = NpyMatrix.Load(File("x.npy"));
        using var reader = Engine.Data.NpyArrayReader.Open(File("expected.npy"));
        Expected = new double[reader.Rows * reader.Columns];
        reader.ReadRows(Expected, (int)reader.Rows);
    }

    public static string Oracle => Python.Oracle("keras_files.py");
    public string Dir { get; }
    public Matrix X { get; }
    /// <summary>The oracle's float64 forward pass of x through its network.</summary>
    public double[] Expected { get; }
    public string File(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

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

    private void AssertPredictionsFile(string path, float[] expected)
    {
        using var reader = Engine.Data.NpyArrayReader.Open(path);
        var values = new double[reader.Rows * reader.Columns];
        reader.ReadRows(values, (int)reader.Rows);
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++) Assert.True(Math.Abs(values[i] - expected[i]) <= 1e-5, $"row {i}: {values[i]} vs {expected[i]}");
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
        AssertPredictionsFile(tmp.File("p.npy"), model.Predict(keras.X));
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
        AssertPredictionsFile(tmp.File("p.npy"), model.Predict(keras.X));

        var weights = ReadBack(tmp.File("w.weights.h5"), tmp.File("q.npy"));
        Assert.Equal("""["layers","vars"]""", weights["groups"]!.ToJsonString());
        AssertPredictionsFile(tmp.File("q.npy"), model.Predict(keras.X));

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
    public void Predict_and_fit_take_keras_model_files()
    {
        using var tmp = new TempDir();
        var predict = CliProcess.Run("predict", "--weights", keras.File("m.keras"), "--x", keras.File("x.npy"), "--out", tmp.File("p.npy"));
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        AssertPredictionsFile(tmp.File("p.npy"), keras.Expected.Select(v => (float)v).ToArray());

        NpyMatrix.Save(tmp.File("y.npy"), keras.Expected.Select(v => (float)v).ToArray(), keras.X.Rows, 1);
        var fit = CliProcess.Run("fit", "--x", keras.File("x.npy"), "--y", tmp.File("y.npy"), "--init-weights", keras.File("k2_model_dict.h5"),
            "--epochs", "2", "--save-model", tmp.File("out.keras"));
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        using var trained = KerasModels.LoadModel(tmp.File("out.keras"));
        Assert.Equal(Network.Select(n => (n.Units, n.Activation, n.UseBias, n.Trainable)),
            trained.Layers.Select(l => (l.Units, l.Activation.ToKerasName(), l.UseBias, l.Trainable)));
        using var initial = KerasModels.LoadModel(keras.File("k2_model_dict.h5"), compile: false);
        Assert.Equal(initial.Layers[1].GetWeights()[0], trained.Layers[1].GetWeights()[0]); // frozen: unchanged
        Assert.NotEqual(initial.Layers[0].GetWeights()[0], trained.Layers[0].GetWeights()[0]);

        var mismatch = CliProcess.Run("fit", "--x", keras.File("x.npy"), "--y", tmp.File("y.npy"), "--init-weights", keras.File("m.keras"), "--hidden", "500,200");
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("--hidden 500,200 differs from the file's hidden layers 6,5,4", mismatch.Stderr);
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

    private string Hostile(TempDir tmp, string name, string python)
    {
        var path = tmp.File(name);
        Python.Run("-c", "import h5py, json, zipfile, numpy as np\npath = '" + path + "'\n" + python);
        return path;
    }

    private const string Keras2Config = """
def config(layers):
    return json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": layers}}).encode()
def dense(name, units, activation="relu", **extra):
    return {"class_name": "Dense", "config": dict(name=name, units=units, activation=activation, use_bias=True, **extra)}
""";

    public static TheoryData<string, string, string> HostileFiles => new()
    {
        {
            "bomb.weights.h5",
            "f = h5py.File(path, 'w'); f.create_dataset('layers/dense/vars/0', shape=(8, 2_000_000_000), dtype='f4', chunks=(8, 1024), compression='gzip'); f.create_dataset('layers/dense/vars/1', data=np.zeros(2_000_000_000 // 1_000_000_000, 'f4')); f.close()",
            "dataset 'vars/0' declares shape (8, 2000000000) of 4-byte floats = 64000000000 bytes, more than the whole file's"
        },
        {
            "nan.h5",
            "f = h5py.File(path, 'w'); f.attrs['layer_names'] = [b'dense_1']; g = f.create_group('dense_1'); g.attrs['weight_names'] = [b'dense_1/kernel:0', b'dense_1/bias:0']; k = np.ones((3, 2), 'f4'); k[1, 1] = np.nan; g['dense_1/kernel:0'] = k; g['dense_1/bias:0'] = np.zeros(2, 'f4'); f.close()",
            "layer 'dense_1' holds NaN or infinite weights"
        },
        {
            "dropout.h5",
            Keras2Config + "\nf = h5py.File(path, 'w'); f.attrs['model_config'] = config([dense('dense_1', 2, batch_input_shape=[None, 3]), {'class_name': 'Dropout', 'config': {'name': 'dropout_1', 'rate': 0.5}}]); f.create_group('model_weights').attrs['layer_names'] = [b'dense_1']; f.close()",
            "layer 'dropout_1' is a Dropout; supported: Sequential models of Dense layers"
        },
        {
            "tanh.h5",
            Keras2Config + "\nf = h5py.File(path, 'w'); f.attrs['model_config'] = config([dense('dense_1', 2, 'tanh', batch_input_shape=[None, 3])]); f.create_group('model_weights').attrs['layer_names'] = [b'dense_1']; f.close()",
            "layer 'dense_1' has activation 'tanh'; supported: Sequential models of Dense layers (an InputLayer may come first), activations 'relu' and 'linear'"
        },
        {
            "functional.h5",
            "f = h5py.File(path, 'w'); f.attrs['model_config'] = json.dumps({'class_name': 'Model', 'config': {'layers': []}}).encode(); f.close()",
            "the model is a 'Model'; supported: Sequential models"
        },
        {
            "external.weights.h5",
            "other = h5py.File(path + '.other', 'w'); other['k'] = np.zeros((3, 2), 'f4'); other['b'] = np.zeros(2, 'f4'); other.close(); f = h5py.File(path, 'w'); f.create_group('layers/dense/vars'); f['layers/dense/vars/0'] = h5py.ExternalLink(path + '.other', '/k'); f['layers/dense/vars/1'] = h5py.ExternalLink(path + '.other', '/b'); f.close()",
            "'layers/dense/vars' holds []; expected a Dense kernel '0' and bias '1' (links to other files are not followed)"
        },
        {
            "external.h5",
            "other = h5py.File(path + '.other', 'w'); other['k'] = np.zeros((3, 2), 'f4'); other.close(); f = h5py.File(path, 'w'); f.attrs['layer_names'] = [b'dense_1']; g = f.create_group('dense_1'); g.attrs['weight_names'] = [b'k']; g['k'] = h5py.ExternalLink(path + '.other', '/k'); f.close()",
            "dataset 'dense_1/k' is missing from the file (links to other files are not followed)"
        },
        {
            "truncated.h5",
            "f = h5py.File(path + '.whole', 'w'); f.attrs['layer_names'] = [b'dense_1']; g = f.create_group('dense_1'); g.attrs['weight_names'] = [b'k']; g['k'] = np.ones((300, 200), 'f4'); f.close(); data = open(path + '.whole', 'rb').read(); open(path, 'wb').write(data[: len(data) // 2])",
            "truncated.h5: "
        },
        {
            "notzip.keras",
            "open(path, 'w').write('not a zip')",
            "not a .keras archive"
        },
        {
            "noweights.keras",
            "z = zipfile.ZipFile(path, 'w'); z.writestr('config.json', json.dumps({'class_name': 'Sequential', 'config': {'name': 's', 'layers': [{'class_name': 'Dense', 'config': {'name': 'd', 'units': 1, 'batch_input_shape': [None, 2]}}]}})); z.close()",
            "no model.weights.h5 in the archive"
        },
        {
            "plain.h5",
            "f = h5py.File(path, 'w'); f['x'] = [1, 2]; f.close()",
            "not a Keras file"
        },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Hostile_and_unsupported_files_get_one_clear_error_naming_the_file(string name, string python, string expected)
    {
        using var tmp = new TempDir();
        var path = Hostile(tmp, name, python);
        var e = Assert.Throws<CultureNetException>(() => KerasModels.LoadModel(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);

        var cli = CliProcess.Run("predict", "--weights", path, "--x", keras.File("x.npy"), "--out", tmp.File("p.npy"));
        Assert.Equal(1, cli.ExitCode);
        Assert.StartsWith("error: ", cli.Stderr);
        Assert.Single(cli.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(tmp.File("p.npy")));
    }
}
