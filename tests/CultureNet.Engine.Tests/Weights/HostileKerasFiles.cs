using CultureNet.Engine.Tests.Support;

namespace CultureNet.Engine.Tests.Weights;

/// <summary>Hostile and unsupported Keras files (name, the h5py script that writes it, the expected error), shared by the
/// library tests and the CLI tests.</summary>
public static class HostileKerasFiles
{
    /// <summary>Writes the file <paramref name="name"/> by running <paramref name="python"/> with h5py, json, zipfile and numpy.</summary>
    public static string Write(TempDir tmp, string name, string python)
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

    public static TheoryData<string, string, string> All => new()
    {
        {
            "bomb.weights.h5",
            "f = h5py.File(path, 'w'); f.create_dataset('layers/dense/vars/0', shape=(8, 2_000_000_000), dtype='f4', chunks=(8, 1024), compression='gzip'); f.create_dataset('layers/dense/vars/1', data=np.zeros(2_000_000_000 // 1_000_000_000, 'f4')); f.close()",
            "dataset 'vars/0' declares shape (8, 2000000000) of 4-byte floats = 64000000000 bytes, more than the whole file's"
        },
        {
            "nan.h5",
            "f = h5py.File(path, 'w'); f.attrs['layer_names'] = [b'dense_1']; g = f.create_group('dense_1'); g.attrs['weight_names'] = [b'dense_1/kernel:0', b'dense_1/bias:0']; k = np.ones((3, 2), 'f4'); k[1, 1] = np.nan; g['dense_1/kernel:0'] = k; g['dense_1/bias:0'] = np.zeros(2, 'f4'); f.close()",
            "layer 'dense_1' kernel weight [1, 1] is NaN; weights must be finite"
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
            "not a readable .keras (zip) archive"
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
}
