using CultureNet.Engine.Cohort;
using CultureNet.Engine.Nn;
using CultureNet.Engine.Weights;

namespace CultureNet.Engine.Models;

/// <summary>
/// CultureNet for inference: one GenNet body (layers 1–4 of the jointly trained model) shared by every culture and
/// child, with a last layer per culture (culturalisation) and per child (personalisation), and optionally the joint
/// model's own last layer. <see cref="Predict"/> uses the child's layer when the child has one, otherwise its culture's,
/// otherwise the joint model's: culture-specific inference for new children, child-specific inference for personalised
/// ones.
/// </summary>
public sealed class CultureNetModel : IDisposable
{
    private readonly Sequential _network;
    private readonly float[][] _bodyWeights;
    private readonly Dictionary<byte, float[][]> _cultures = new();
    private readonly Dictionary<ChildId, float[][]> _children = new();
    private float[][]? _joint;

    /// <summary>File name (without extension) of the joint model in a saved folder.</summary>
    public const string JointFileName = "joint";

    /// <summary>Takes ownership of <paramref name="network"/>; its layers before the last are the shared body.</summary>
    public CultureNetModel(Sequential network)
    {
        _network = network;
        _bodyWeights = network.GetWeights()[..^2];
    }

    public IReadOnlyCollection<byte> Cultures => _cultures.Keys;
    public IReadOnlyCollection<ChildId> Children => _children.Keys;
    public bool HasJoint => _joint is not null;

    /// <summary>Width of the feature rows the model takes.</summary>
    public int InputDim => _network.Layers[0].InputDim ?? throw new InvalidOperationException("the body's input width is unknown");

    /// <summary>The joint model's last layer (the model trained on every culture before culturalisation).</summary>
    public void SetJointLayer(Sequential model) => _joint = LastLayerOf(model, "joint");

    /// <summary>Which last layer <see cref="Predict"/> uses for these rows: "child C0-7", "culture C0" or "joint".</summary>
    public string LayerFor(byte? culture, int? child) => Head(culture, child).Name;

    private (float[][] Weights, string Name) Head(byte? culture, int? child)
    {
        if (culture is byte cu && child is int c && _children.TryGetValue(new ChildId(cu, c), out var own)) return (own, $"child {new ChildId(cu, c).Token}");
        if (culture is byte k && _cultures.TryGetValue(k, out var shared)) return (shared, $"culture {CultureLabels.Code(k)}");
        if (_joint is not null) return (_joint, "joint");
        throw new CultureNetException(
            $"CultureNet has no last layer for {(culture is byte q ? $"culture {CultureLabels.Code(q)}" : "rows of unknown culture")}{(child is int n && culture is byte r ? $" or child {new ChildId(r, n)}" : "")} and no joint model; it has cultures {string.Join(", ", _cultures.Keys.Order().Select(c => CultureLabels.Code(c)))}");
    }

    /// <summary>The last layer of the culture's model; the model's body must be this model's body.</summary>
    public void SetCultureLayer(byte culture, Sequential model) => _cultures[culture] = LastLayerOf(model, $"culture {CultureLabels.Code(culture)}");

    /// <summary>The last layer of the child's personalised model; the model's body must be this model's body.</summary>
    public void SetChildLayer(ChildId child, Sequential model) => _children[child] = LastLayerOf(model, $"child {child}");

    /// <summary>Engagement estimates for the rows of <paramref name="x"/> (one child's frames), with the child's last layer
    /// if it has one, else the culture's.</summary>
    public float[] Predict(Matrix x, byte? culture, int? child = null)
    {
        if (x.Cols != InputDim)
            throw new CultureNetException($"features are {x.Cols}-D, the model takes {InputDim}-D rows");
        var head = Head(culture, child).Weights;
        var layers = _network.Layers;
        int hidden = layers[^2].Units;
        var activations = _network.Activations(layers.Count - 2, x);
        var (kernel, bias) = (head[0], head[1][0]);
        var result = new float[x.Rows];
        for (long i = 0; i < x.Rows; i++)
        {
            var row = activations.AsSpan(checked((int)(i * hidden)), hidden);
            result[i] = System.Numerics.Tensors.TensorPrimitives.Dot(row, kernel) + bias;
        }
        return result;
    }

    /// <summary>Writes one complete GenNet weight file per culture and per child (culture_C0.npz, child_C0-7.npz, …), each
    /// loadable on its own by <c>culturenet predict --weights</c> or Keras' load_weights (with .h5).</summary>
    public void Save(string folder, string extension = ".npz")
    {
        Directory.CreateDirectory(folder);
        void Write(string name, float[][] head)
        {
            _network.SetWeights([.. _bodyWeights, .. head]);
            _network.Save(Path.Combine(folder, name + extension));
        }
        foreach (var (culture, head) in _cultures) Write($"culture_{CultureLabels.Code(culture)}", head);
        foreach (var (child, head) in _children) Write($"child_{child.Token}", head);
        if (_joint is not null) Write(JointFileName, _joint);
    }

    /// <summary>Reads a folder written by <see cref="Save"/> (or by the protocol's models/ folder): every
    /// culture_C*.npz / child_C*-*.npz file (or .h5) becomes a culture's or a child's last layer over the shared body.</summary>
    public static CultureNetModel Load(string folder)
    {
        var files = Directory.Exists(folder)
            ? Directory.GetFiles(folder).Where(f => Path.GetExtension(f) is ".npz" or ".h5").Order(StringComparer.Ordinal).ToArray()
            : [];
        var heads = files.Select(f => (File: f, Id: ParseName(Path.GetFileNameWithoutExtension(f)))).Where(h => h.Id is not null).ToArray();
        if (heads.Length == 0)
            throw new CultureNetException($"{folder}: no CultureNet weight files (joint.npz, culture_C0.npz, child_C0-7.npz, …; the protocol saves them in RESULTS/models)");
        var model = new CultureNetModel(GenNet.FromWeightFile(heads[0].File));
        try
        {
            foreach (var (file, id) in heads)
            {
                using var network = GenNet.FromWeightFile(file);
                var (culture, child) = id!.Value;
                if (culture is null) model.SetJointLayer(network);
                else if (child is int c) model.SetChildLayer(new ChildId(culture.Value, c), network);
                else model.SetCultureLayer(culture.Value, network);
            }
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>"culture_C0" → (0, null); "child_C1-7" → (1, 7); "joint" → (null, null); anything else → null.</summary>
    private static (byte? Culture, int? Child)? ParseName(string name)
    {
        if (name == JointFileName) return (null, null);
        var m = System.Text.RegularExpressions.Regex.Match(name, @"^(?:culture_C(\d{1,3})|child_C(\d{1,3})-(-?\d+))$");
        if (!m.Success) return null;
        return m.Groups[1].Success
            ? (byte.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), null)
            : (byte.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private float[][] LastLayerOf(Sequential model, string what)
    {
        var weights = model.GetWeights();
        if (weights.Length != _bodyWeights.Length + 2 || !weights[..^2].Zip(_bodyWeights).All(p => p.First.AsSpan().SequenceEqual(p.Second)))
            throw new CultureNetException($"the {what} model does not share CultureNet's layers 1–{_bodyWeights.Length / 2}; its last layer must be tuned on the same frozen body");
        if (weights[^1].Length != 1) throw new CultureNetException($"the {what} model has {weights[^1].Length} outputs; CultureNet estimates one engagement value");
        return weights[^2..];
    }

    public void Dispose() => _network.Dispose();
}
