using System.Text.RegularExpressions;
using PureHDF;

namespace CultureNet.Engine.Weights;

/// <summary>
/// Keras 3's weights layout (saving_lib.H5IOStore): <c>model.save_weights('m.weights.h5')</c> and the
/// model.weights.h5 inside a .keras archive. Every saveable gets a group at its attribute path with a "vars" group
/// holding its variables as datasets "0", "1", … in order: the model's own at /vars, a Sequential's layers under
/// layers/ named by snake-cased class with a counter (dense, dense_1, dense_2, …; Keras 2.13 wrote
/// _layer_checkpoint_dependencies/ instead), a Dense's kernel (in × out) as "0" and bias as "1". Groups for
/// variable-free saveables (InputLayer, metrics) and the optimizer/ group are ignored on load. On save the model
/// is written as an uncompiled Keras 3 model: /vars, layers/dense…/vars, each vars group with attribute "name"
/// (as Keras ≥ 3.8 does), and no optimizer group.
/// </summary>
internal static partial class Keras3WeightsHdf5
{
    public static bool IsWeightsFile(Hdf5Reader h5) => LayersGroupName(h5) is not null;

    /// <summary>Keras' path of the i-th Dense layer of a Sequential of Dense layers.</summary>
    public static string DensePath(int index) => index == 0 ? "dense" : $"dense_{index}";

    public static void Write(Stream stream, KerasModelSpec spec, IReadOnlyList<LayerWeights> weights)
    {
        var file = new H5File { ["vars"] = Vars(spec.Name) };
        var layers = new H5Group();
        for (int i = 0; i < weights.Count; i++)
        {
            var w = weights[i];
            var vars = Vars(spec.Layers[i].Name);
            vars["0"] = new H5Dataset(w.Kernel2D());
            if (w.HasBias) vars["1"] = new H5Dataset(w.Bias);
            layers[DensePath(i)] = new H5Group { ["vars"] = vars };
        }
        file["layers"] = layers;
        file.Write(stream, KerasHdf5Weights.Options(spec.Layers.Select(l => l.Name).Append(spec.Name)));
    }

    private static H5Group Vars(string name)
    {
        var vars = new H5Group();
        vars.Attributes["name"] = name;
        return vars;
    }

    /// <summary>
    /// The Dense layers' weights: those <paramref name="spec"/> names (by Keras' paths), or without a spec every
    /// dense, dense_1, … group there is.
    /// </summary>
    public static List<LayerWeights> Read(Hdf5Reader h5, KerasModelSpec? spec)
    {
        string root = LayersGroupName(h5) ?? throw new CultureNetException($"{h5.Source}: no layers/ group; expected a Keras 3 weights file");
        var layers = h5.Group(h5.Root, root);
        var present = h5.ChildNames(layers);
        int count = spec?.Layers.Count ?? present.Count(n => DenseName().IsMatch(n));
        foreach (var name in present.Where(n => !DenseName().IsMatch(n) && HoldsVariables(h5, layers, n)))
            throw new CultureNetException($"{h5.Source}: layer group '{root}/{name}' holds weights, but only Dense layers are supported");

        var result = new List<LayerWeights>();
        for (int i = 0; i < count; i++)
        {
            string path = DensePath(i);
            string name = spec?.Layers[i].Name ?? path;
            if (!present.Contains(path))
                throw new CultureNetException($"{h5.Source}: no group '{root}/{path}' for Dense layer {i + 1} ('{name}'); the file has [{string.Join(", ", present)}]");
            var layer = h5.Group(layers, path);
            if (!h5.HasLink(layer, "vars")) throw new CultureNetException($"{h5.Source}: '{root}/{path}' has no vars group");
            var vars = h5.Group(layer, "vars");
            var names = h5.ChildNames(vars);
            if (!names.Contains("0") || names.Count > 2 || (names.Count == 2 && !names.Contains("1")))
                throw new CultureNetException($"{h5.Source}: '{root}/{path}/vars' holds [{string.Join(", ", names)}]; expected a Dense kernel '0' and bias '1' ({Hdf5Reader.NotFollowed})");
            var (kernel, dims) = h5.Floats(vars, "0");
            if (dims.Length != 2) throw new CultureNetException($"{h5.Source}: '{root}/{path}/vars/0' has shape ({string.Join(",", dims)}); expected a 2-D kernel");
            float[] bias = new float[dims[1]];
            if (names.Contains("1"))
            {
                (bias, var biasDims) = h5.Floats(vars, "1");
                if (biasDims.Length != 1 || biasDims[0] != dims[1])
                    throw new CultureNetException($"{h5.Source}: '{root}/{path}/vars/1' has shape ({string.Join(",", biasDims)}); expected a bias of {dims[1]}");
            }
            result.Add(new LayerWeights(name, kernel, checked((int)dims[0]), checked((int)dims[1]), bias, HasBias: names.Contains("1")));
        }
        if (result.Count == 0) throw new CultureNetException($"{h5.Source}: no Dense layer groups (dense, dense_1, …) under {root}/");
        return result;
    }

    private static bool HoldsVariables(Hdf5Reader h5, IH5Group layers, string name)
    {
        var group = h5.Group(layers, name);
        return h5.HasLink(group, "vars") && h5.ChildNames(h5.Group(group, "vars")).Count > 0;
    }

    private static string? LayersGroupName(Hdf5Reader h5) =>
        h5.HasLink(h5.Root, "layers") ? "layers" : h5.HasLink(h5.Root, "_layer_checkpoint_dependencies") ? "_layer_checkpoint_dependencies" : null;

    [GeneratedRegex(@"^dense(_[1-9][0-9]*)?$")]
    private static partial Regex DenseName();
}
