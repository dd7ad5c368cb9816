using System.Text.Json.Nodes;
using CultureNet.Engine.Nn.Layers;
using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Engine.Weights;

/// <summary>
/// The JSON Keras 2.2.4 writes into a model.save file: model_config (Sequential.get_config's dict form, each Dense
/// as Dense.get_config gives it, the first with batch_input_shape and dtype) and training_config (Adadelta's
/// get_config: lr, rho, decay, epsilon). Keys are in Keras' order.
/// </summary>
internal static class Keras2Json
{
    public static string ModelConfig(KerasModelSpec spec)
    {
        var layers = new JsonArray();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            var config = new JsonObject { ["name"] = layer.Name, ["trainable"] = layer.Trainable };
            if (i == 0)
            {
                config["batch_input_shape"] = new JsonArray(null, spec.InputDim);
                config["dtype"] = "float32";
            }
            config["units"] = layer.Units;
            config["activation"] = layer.Activation.ToKerasName();
            config["use_bias"] = layer.UseBias;
            config["kernel_initializer"] = new JsonObject
            {
                ["class_name"] = "VarianceScaling",
                ["config"] = new JsonObject { ["scale"] = 1.0, ["mode"] = "fan_avg", ["distribution"] = "uniform", ["seed"] = null },
            };
            config["bias_initializer"] = new JsonObject { ["class_name"] = "Zeros", ["config"] = new JsonObject() };
            foreach (var key in new[] { "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint" })
                config[key] = null;
            layers.Add(new JsonObject { ["class_name"] = "Dense", ["config"] = config });
        }
        return new JsonObject
        {
            ["class_name"] = "Sequential",
            ["config"] = new JsonObject { ["name"] = spec.Name, ["layers"] = layers },
        }.ToJsonString();
    }

    public static string TrainingConfig(Adadelta optimizer) => new JsonObject
    {
        ["optimizer_config"] = new JsonObject
        {
            ["class_name"] = "Adadelta",
            ["config"] = new JsonObject { ["lr"] = optimizer.Lr, ["rho"] = optimizer.Rho, ["decay"] = 0.0, ["epsilon"] = optimizer.Epsilon },
        },
        ["loss"] = "mse",
        ["metrics"] = new JsonArray("mae"),
        ["sample_weight_mode"] = null,
        ["loss_weights"] = null,
    }.ToJsonString();
}
