using System.IO.Compression;
using System.Text.Json.Nodes;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Tests.Nn;
using CultureNet.Engine.Tests.Support;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Tests.Weights;

/// <summary>A model's dtype policy in Keras files: Keras 3 writes every layer's (and the model's) dtype as a serialized
/// DTypePolicy, and load_model builds the layers under the policy their config names.</summary>
[Collection(GlobalPolicyCollection.Name)]
public class KerasDtypePolicyTests
{
    private static Sequential Small(string policy)
    {
        var model = new Sequential(seed: 3, backend: "onednn", dtypePolicy: policy);
        model.Add(new Dense(8, "relu", inputDim: 16));
        model.Add(new Dense(1, "linear"));
        model.Build();
        return model;
    }

    private static Matrix Inputs()
    {
        var rng = new Random(11);
        return new Matrix(Enumerable.Range(0, 40 * 16).Select(_ => (float)rng.NextDouble() * 2 - 1).ToArray(), 40, 16);
    }

    private static JsonNode Config(string keras)
    {
        using var zip = ZipFile.OpenRead(keras);
        using var reader = new StreamReader(zip.GetEntry("config.json")!.Open());
        return JsonNode.Parse(reader.ReadToEnd())!;
    }

    private static string Serialized(string name) =>
        $$"""{"module":"keras","class_name":"DTypePolicy","config":{"name":"{{name}}"},"registered_name":null}""";

    [Theory]
    [InlineData("mixed_bfloat16")]
    [InlineData("float32")]
    public void A_saved_model_names_its_policy_as_keras_3_does_and_loads_back_under_it(string policy)
    {
        using var tmp = new TempDir();
        using var model = Small(policy);
        var x = Inputs();
        var expected = model.Predict(x);
        model.SaveModel(tmp.File("m.keras"));

        var config = Config(tmp.File("m.keras"));
        Assert.Equal(Serialized(policy), config["config"]!["dtype"]!.ToJsonString());
        var layers = config["config"]!["layers"]!.AsArray();
        Assert.Equal("\"float32\"", layers[0]!["config"]!["dtype"]!.ToJsonString()); // the InputLayer: its tensors' dtype
        Assert.All(layers.Skip(1), l => Assert.Equal(Serialized(policy), l!["config"]!["dtype"]!.ToJsonString()));

        using var loaded = KerasModels.LoadModel(tmp.File("m.keras"), backend: "onednn");
        Assert.Equal(policy, loaded.DtypePolicy.Name);
        Assert.Equal(expected, loaded.Predict(x)); // same weights, same policy: the same products
        using var asked = KerasModels.LoadModel(tmp.File("m.keras"), backend: "onednn", dtypePolicy: "float32");
        Assert.Equal("float32", asked.DtypePolicy.Name);
    }

    private static string Keras2Config(params string?[] dtypes)
    {
        var layers = new JsonArray();
        for (int i = 0; i < dtypes.Length; i++)
        {
            var config = new JsonObject { ["name"] = $"dense_{i + 1}", ["units"] = 4, ["activation"] = "relu" };
            if (i == 0) config["batch_input_shape"] = new JsonArray(null, 3);
            if (dtypes[i] is { } d) config["dtype"] = d.StartsWith('{') ? JsonNode.Parse(d) : d;
            layers.Add(new JsonObject { ["class_name"] = "Dense", ["config"] = config });
        }
        return new JsonObject { ["class_name"] = "Sequential", ["config"] = new JsonObject { ["name"] = "s", ["layers"] = layers } }.ToJsonString();
    }

    [Fact]
    public void Configs_name_their_policy_in_each_keras_spelling()
    {
        // Keras 2: a dtype string on the first layer only; tf.keras' mixed precision: a Policy object on every layer.
        Assert.Equal("float32", KerasConfigReader.Parse(Keras2Config("float32", null), "k2.h5").DtypePolicy);
        const string tfPolicy = """{"class_name":"Policy","config":{"name":"mixed_bfloat16"}}""";
        Assert.Equal("mixed_bfloat16", KerasConfigReader.Parse(Keras2Config(tfPolicy, tfPolicy), "tf.h5").DtypePolicy);
        Assert.Null(KerasConfigReader.Parse(Keras2Config(null, null), "plain.h5").DtypePolicy);

        var mixed = Assert.Throws<CultureNetException>(() => KerasConfigReader.Parse(Keras2Config("float32", tfPolicy), "two.h5"));
        Assert.Contains("two.h5: layer 'dense_1' computes under dtype policy 'float32' and layer 'dense_2' under 'mixed_bfloat16'", mixed.Message);
        var odd = Assert.Throws<CultureNetException>(() => KerasConfigReader.Parse(Keras2Config("[1]", null).Replace("\"[1]\"", "[1]"), "odd.h5"));
        Assert.Contains("odd.h5: layer 'dense_1' has dtype [1]", odd.Message);

        // A policy the engine cannot compute under: the file and the way out are named.
        var half = KerasConfigReader.Parse(Keras2Config("""{"class_name":"Policy","config":{"name":"mixed_float16"}}"""), "half.h5");
        var refused = Assert.Throws<CultureNetException>(() => half.PolicyFor(null, "half.h5"));
        Assert.StartsWith("half.h5: the model's layers compute under dtype policy 'mixed_float16' (", refused.Message);
        Assert.Contains("dtypePolicy: \"float32\"", refused.Message);
        Assert.Equal("float32", half.PolicyFor("float32", "half.h5")!.Name);
    }
}
