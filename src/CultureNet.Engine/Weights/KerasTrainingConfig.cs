using System.Text.Json;
using System.Text.Json.Nodes;
using CultureNet.Engine.Nn.Optimizers;

namespace CultureNet.Engine.Weights;

/// <summary>
/// How a Keras file says the model was compiled — Keras 2's <c>training_config</c> attribute or Keras 3's
/// <c>compile_config</c> — turned into what this engine compiles with: Adadelta and MSE. Anything else is an
/// error that says so (load with compile: false to get the network alone, as keras.models.load_model(compile=False)).
/// </summary>
internal static class KerasTrainingConfig
{
    public static Adadelta Parse(JsonNode node, string source)
    {
        // Keras 2: {"optimizer_config": {"class_name", "config"}, "loss", "metrics", ...}; Keras 3: {"optimizer", "loss", ...}.
        var optimizer = node["optimizer_config"] ?? node["optimizer"]
            ?? throw new CultureNetException($"{source}: the training config names no optimizer");
        string? className = optimizer is JsonValue name && name.TryGetValue(out string? text) ? text : (optimizer["class_name"] as JsonValue)?.ToString();
        if (!string.Equals(className, "Adadelta", StringComparison.OrdinalIgnoreCase))
            throw new CultureNetException($"{source}: the model was compiled with optimizer '{className}'; the engine trains with Adadelta (load with compile: false to use the network alone)");
        CheckLoss(node["loss"], source);

        var config = optimizer["config"] as JsonObject;
        if (config is null) return new Adadelta(lr: 0.001); // Keras 3's "adadelta" string: its default learning_rate
        if (Number(config, "decay") is double decay && decay != 0)
            throw new CultureNetException($"{source}: Adadelta with decay={decay} is not supported (the engine has no learning-rate decay)");
        double lr = Number(config, "lr") ?? Number(config, "learning_rate")
            ?? throw new CultureNetException($"{source}: the Adadelta config has no lr / learning_rate");
        return new Adadelta(lr: lr, rho: Number(config, "rho") ?? 0.95, epsilon: Number(config, "epsilon") ?? 1e-7);
    }

    private static void CheckLoss(JsonNode? loss, string source)
    {
        string? name = loss switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonObject o => (o["class_name"] as JsonValue)?.ToString(),
            _ => null,
        };
        if (name is not ("mse" or "mean_squared_error" or "MeanSquaredError"))
            throw new CultureNetException($"{source}: the model was compiled with loss {loss?.ToJsonString() ?? "none"}; the engine trains with 'mse' (load with compile: false to use the network alone)");
    }

    private static double? Number(JsonObject config, string key) => config[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out double d) => d,
        var other => throw new CultureNetException($"Adadelta '{key}' is {other.ToJsonString()}; expected a number"),
    };

    public static JsonNode ParseJson(string json, string source)
    {
        try { return JsonNode.Parse(json) ?? throw new CultureNetException($"{source}: the training config is null"); }
        catch (JsonException e) { throw new CultureNetException($"{source}: the training config is not valid JSON ({e.Message})"); }
    }
}
