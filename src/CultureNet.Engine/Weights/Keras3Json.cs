using System.Text.Json.Nodes;
using CultureNet.Engine.Nn.Layers;

namespace CultureNet.Engine.Weights;

/// <summary>
/// The JSON of a Keras 3 .keras archive: config.json as serialization_lib.serialize_keras_object writes a Sequential
/// (module/class_name/config/registered_name/build_config; the layers list starts with the InputLayer, as
/// Sequential.get_config includes it) and metadata.json. The model is described uncompiled (no compile_config), and
/// metadata.json carries no date_saved so that identical models give identical archives.
/// </summary>
internal static class Keras3Json
{
    /// <summary>The Keras release whose saving_lib layout these files follow.</summary>
    public const string KerasVersion = "3.8.0";

    public static string Config(KerasModelSpec spec)
    {
        var batchShape = () => new JsonArray(null, spec.InputDim);
        // A layer's dtype is its DTypePolicy, serialized (the model's policy: the engine has one per model); the
        // InputLayer's is its tensors' dtype.
        string policy = spec.DtypePolicy ?? Nn.Policy.Float32;
        var dtype = () => Serialized("keras", "DTypePolicy", new JsonObject { ["name"] = policy });
        var layers = new JsonArray(Serialized("keras.layers", "InputLayer", new JsonObject
        {
            ["batch_shape"] = batchShape(),
            ["dtype"] = "float32",
            ["sparse"] = false,
            ["name"] = "input_layer",
        }));
        int? width = spec.InputDim;
        foreach (var layer in spec.Layers)
        {
            var dense = Serialized("keras.layers", "Dense", new JsonObject
            {
                ["name"] = layer.Name,
                ["trainable"] = layer.Trainable,
                ["dtype"] = dtype(),
                ["units"] = layer.Units,
                ["activation"] = layer.Activation.ToKerasName(),
                ["use_bias"] = layer.UseBias,
                ["kernel_initializer"] = Serialized("keras.initializers", "GlorotUniform", new JsonObject { ["seed"] = null }),
                ["bias_initializer"] = Serialized("keras.initializers", "Zeros", new JsonObject()),
                ["kernel_regularizer"] = null,
                ["bias_regularizer"] = null,
                ["kernel_constraint"] = null,
                ["bias_constraint"] = null,
            });
            dense["build_config"] = new JsonObject { ["input_shape"] = new JsonArray(null, width) };
            layers.Add(dense);
            width = layer.Units;
        }
        var model = Serialized("keras", "Sequential", new JsonObject
        {
            ["name"] = spec.Name,
            ["trainable"] = true,
            ["dtype"] = dtype(),
            ["layers"] = layers,
            ["build_input_shape"] = batchShape(),
        });
        model["build_config"] = new JsonObject { ["input_shape"] = batchShape() };
        return model.ToJsonString();
    }

    public static string Metadata() => new JsonObject { ["keras_version"] = KerasVersion, ["saved_by"] = "CultureNet.Engine" }.ToJsonString();

    private static JsonObject Serialized(string module, string className, JsonObject config) => new()
    {
        ["module"] = module,
        ["class_name"] = className,
        ["config"] = config,
        ["registered_name"] = null,
    };
}
