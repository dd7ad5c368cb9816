using System.Text.Json;
using System.Text.Json.Nodes;
using CultureNet.Engine.Nn.Layers;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Reads the model a Keras config describes: Keras ≤ 2.2.2's <c>model_config</c> (config is the list of layers),
/// Keras 2.2.3+ / tf.keras (<c>{"name": …, "layers": […]}</c>), and Keras 3's config.json (the same with "module"
/// and "build_config" keys). Only Sequential models of Dense layers (optionally after an InputLayer) are supported;
/// anything else is an error naming the layer and listing what is supported.
/// </summary>
internal static class KerasConfigReader
{
    private const string Supported = "supported: Sequential models of Dense layers (an InputLayer may come first), activations 'relu' and 'linear'";

    public static KerasModelSpec Parse(string json, string source)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new CultureNetException($"{source}: the model config is not valid JSON ({e.Message})"); }
        if (root is not JsonObject model) throw new CultureNetException($"{source}: the model config is not a JSON object");

        string className = Text(model, "class_name", source, "model config") ?? "";
        if (className != "Sequential")
            throw new CultureNetException($"{source}: the model is a '{className}'; {Supported}");
        int? inputDim = InputShape(model["build_config"]?["input_shape"], source, "the model's build_config");

        JsonArray layers;
        string name = "sequential";
        switch (model["config"])
        {
            case JsonArray list: // Keras <= 2.2.2
                layers = list;
                break;
            case JsonObject config:
                layers = config["layers"] as JsonArray ?? throw new CultureNetException($"{source}: the Sequential config has no 'layers' list");
                name = Text(config, "name", source, "Sequential config") ?? name;
                inputDim ??= InputShape(config["build_input_shape"], source, "build_input_shape");
                break;
            default:
                throw new CultureNetException($"{source}: the Sequential model has no 'config'");
        }

        var dense = new List<KerasDenseSpec>();
        string? policy = null, policyLayer = null;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is not JsonObject layer) throw new CultureNetException($"{source}: layer {i} of the config is not an object");
            var config = layer["config"] as JsonObject ?? new JsonObject();
            string kind = Text(layer, "class_name", source, $"layer {i}") ?? "(no class_name)";
            string layerName = Text(config, "name", source, $"layer {i}") ?? $"layer {i}";
            int? given = InputShape(config["batch_input_shape"] ?? config["batch_shape"], source, $"layer '{layerName}'")
                         ?? Width(config["input_shape"], source, $"layer '{layerName}' input_shape")
                         ?? (config["input_dim"] is JsonNode d ? Int(d, source, $"layer '{layerName}' input_dim") : (int?)null)
                         ?? InputShape(layer["build_config"]?["input_shape"], source, $"layer '{layerName}' build_config");
            if (dense.Count == 0 && given is int g) inputDim ??= g;

            switch (kind)
            {
                case "InputLayer" when dense.Count == 0:
                    break;
                case "Dense":
                {
                    int units = config["units"] is JsonNode u ? Int(u, source, $"layer '{layerName}' units")
                        : throw new CultureNetException($"{source}: Dense layer '{layerName}' has no 'units'");
                    if (units <= 0) throw new CultureNetException($"{source}: Dense layer '{layerName}' has units {units}");
                    string? activationName = config["activation"] switch
                    {
                        null => null,
                        JsonValue v when v.TryGetValue(out string? text) => text,
                        var other => throw new CultureNetException($"{source}: layer '{layerName}' has activation {other.ToJsonString()}; {Supported}"),
                    };
                    Activation activation;
                    try { activation = Activations.Parse(activationName); }
                    catch (CultureNetException) { throw new CultureNetException($"{source}: layer '{layerName}' has activation '{activationName}'; {Supported}"); }
                    if (PolicyName(config["dtype"], source, layerName) is { } named)
                    {
                        if (policy is not null && named != policy)
                            throw new CultureNetException($"{source}: layer '{policyLayer}' computes under dtype policy '{policy}' and layer '{layerName}' under '{named}'; the engine applies one policy to a whole model");
                        policy ??= named;
                        policyLayer ??= layerName;
                    }
                    dense.Add(new KerasDenseSpec(layerName, units, activation,
                        UseBias: Bool(config["use_bias"], true, source, layerName), Trainable: Bool(config["trainable"], true, source, layerName)));
                    break;
                }
                default:
                    throw new CultureNetException($"{source}: layer '{layerName}' is a {kind}{(kind == "InputLayer" ? " after other layers" : "")}; {Supported}");
            }
        }
        if (dense.Count == 0) throw new CultureNetException($"{source}: the model has no Dense layers; {Supported}");
        return new KerasModelSpec(name, inputDim, dense, policy);
    }

    /// <summary>A layer's dtype as a policy name: Keras 2's string ("float32"), tf.keras' {"class_name": "Policy",
    /// "config": {"name": …}} or Keras 3's serialized DTypePolicy; null when the layer does not say.</summary>
    private static string? PolicyName(JsonNode? dtype, string source, string layer) => dtype switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? text) => text,
        JsonObject o when o["config"]?["name"] is JsonValue n && n.TryGetValue(out string? text) => text,
        var other => throw new CultureNetException($"{source}: layer '{layer}' has dtype {other.ToJsonString()}; expected a dtype name or a dtype policy with a name"),
    };

    /// <summary>[null, D] → D; null → null; any other shape is an error (the engine takes feature vectors).</summary>
    private static int? InputShape(JsonNode? shape, string source, string where)
    {
        if (shape is null) return null;
        if (shape is not JsonArray dims || dims.Count != 2 || dims[1] is null)
            throw new CultureNetException($"{source}: {where} has input shape {shape.ToJsonString()}; only [batch, features] vectors are supported");
        int d = Int(dims[1]!, source, where);
        return d > 0 ? d : throw new CultureNetException($"{source}: {where} has input width {d}");
    }

    /// <summary>[D] (a shape without the batch axis) → D.</summary>
    private static int? Width(JsonNode? shape, string source, string where) => shape switch
    {
        null => null,
        JsonArray { Count: 1 } dims when dims[0] is JsonNode d => Int(d, source, where),
        _ => throw new CultureNetException($"{source}: {where} is {shape.ToJsonString()}; only [features] vectors are supported"),
    };

    private static int Int(JsonNode node, string source, string where) =>
        node is JsonValue v && v.TryGetValue(out double d) && d == Math.Floor(d) && d is >= 1 and <= int.MaxValue
            ? (int)d
            : throw new CultureNetException($"{source}: {where} is {node.ToJsonString()}; expected a positive whole number");

    private static bool Bool(JsonNode? node, bool missing, string source, string layer) => node switch
    {
        null => missing,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw new CultureNetException($"{source}: layer '{layer}' has {node.ToJsonString()} where true/false was expected"),
    };

    internal static string? Text(JsonObject node, string key, string source, string where) => node[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? text) => text,
        var other => throw new CultureNetException($"{source}: {where} '{key}' is {other.ToJsonString()}; expected a string"),
    };
}
