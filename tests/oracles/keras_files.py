"""Keras model files written and read with h5py + json + zipfile, following Keras' own saving code.

There is no keras package on Debian, so the layouts are reproduced from their definitions:
  Keras 2.2 (keras/engine/saving.py): save_model writes file attrs keras_version, backend (bytes), model_config
    (json bytes: {"class_name": "Sequential", "config": ...}; Keras <= 2.2.2 config = list of layer configs,
    2.2.3+ = {"name", "layers"}), optional training_config; group model_weights filled by
    save_weights_to_hdf5_group: attrs layer_names (bytes array), backend, keras_version; a group per layer with
    attr weight_names (e.g. b"dense_1/kernel:0") naming datasets inside that group.
  Keras 3 (keras/src/saving/saving_lib.py): H5IOStore creates for every saveable a group at its path with a
    "vars" group holding datasets "0", "1", ...: /vars (the model's own), layers/<snake_case class>[_k]/vars
    (Dense: 0 = kernel, 1 = bias), optimizer/vars; Keras >= 3.8 puts attr "name" on each vars group. A .keras is
    a zip (stored) of metadata.json, config.json (serialize_keras_object of the Sequential) and model.weights.h5.

usage:
  keras_files.py write OUT_DIR     the files below plus x.npy and expected.npy (float64 forward pass)
  keras_files.py read FILE X.npy OUT.npy
                                   reads one of OUR files as Keras would, prints a JSON summary, writes the
                                   float64 forward pass of X through the weights it found to OUT.npy
"""
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

WIDTHS = [7, 6, 5, 4, 1]
ACTIVATIONS = ["relu", "linear", "relu", "linear"]
USE_BIAS = [True, False, True, True]
TRAINABLE = [True, False, True, True]  # the bias-free layer is frozen (the engine cannot train a missing bias)


def network(rng):
    layers = []
    for i, act in enumerate(ACTIVATIONS):
        k = rng.uniform(-0.6, 0.6, (WIDTHS[i], WIDTHS[i + 1])).astype(np.float32)
        b = rng.uniform(-0.2, 0.2, WIDTHS[i + 1]).astype(np.float32) if USE_BIAS[i] else None
        layers.append((k, b, act))
    return layers


def forward(x, layers):
    h = x.astype(np.float64)
    for k, b, act in layers:
        h = h @ k.astype(np.float64)
        if b is not None:
            h = h + b.astype(np.float64)
        if act == "relu":
            h = np.maximum(h, 0)
    return h


def keras2_dense_config(i, name, batch_input_shape):
    config = {"name": name, "trainable": TRAINABLE[i]}
    if batch_input_shape is not None:
        config["batch_input_shape"] = batch_input_shape
        config["dtype"] = "float32"
    config.update({
        "units": WIDTHS[i + 1], "activation": ACTIVATIONS[i], "use_bias": USE_BIAS[i],
        "kernel_initializer": {"class_name": "VarianceScaling",
                               "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None,
    })
    return {"class_name": "Dense", "config": config}


def keras2_weights_group(g, layers, names, weight_prefix):
    g.attrs["layer_names"] = [n.encode("utf8") for n in names]
    g.attrs["backend"] = b"tensorflow"
    g.attrs["keras_version"] = b"2.2.4"
    for (k, b, _), name in zip(layers, names):
        lg = g.create_group(name)
        prefix = weight_prefix(name)
        wn = [f"{prefix}/kernel:0".encode()] + ([f"{prefix}/bias:0".encode()] if b is not None else [])
        lg.attrs["weight_names"] = wn
        lg.create_dataset(wn[0].decode(), data=k)
        if b is not None:
            lg.create_dataset(wn[1].decode(), data=b)


def write_keras2_model(path, layers, list_form, with_input_layer, training, names, keras_version):
    configs = []
    if with_input_layer:  # tf.keras's Sequential.get_config starts with the InputLayer
        configs.append({"class_name": "InputLayer", "config": {"batch_input_shape": [None, WIDTHS[0]], "dtype": "float32",
                                                               "sparse": False, "name": "input_1"}})
    for i, name in enumerate(names):
        configs.append(keras2_dense_config(i, name, [None, WIDTHS[0]] if i == 0 and not with_input_layer else None))
    config = configs if list_form else {"name": "sequential_3", "layers": configs}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = keras_version.encode("utf8")
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": config}).encode("utf8")
        if training:
            f.attrs["training_config"] = json.dumps({
                "optimizer_config": {"class_name": "Adadelta", "config": {"lr": 0.5, "rho": 0.9, "decay": 0.0, "epsilon": 1e-06}},
                "loss": "mean_squared_error", "metrics": ["mae"], "sample_weight_mode": None, "loss_weights": None,
            }).encode("utf8")
        keras2_weights_group(f.create_group("model_weights"), layers, names, lambda n: n)


def keras3_config(names, compile_config):
    def ser(module, cls, config, **extra):
        return {"module": module, "class_name": cls, "config": config, "registered_name": None, **extra}
    policy = ser("keras", "DTypePolicy", {"name": "float32"})
    layer_configs = [ser("keras.layers", "InputLayer", {"batch_shape": [None, WIDTHS[0]], "dtype": "float32",
                                                        "sparse": False, "name": "input_layer"})]
    for i, name in enumerate(names):
        layer_configs.append(ser("keras.layers", "Dense", {
            "name": name, "trainable": TRAINABLE[i], "dtype": policy, "units": WIDTHS[i + 1],
            "activation": ACTIVATIONS[i], "use_bias": USE_BIAS[i],
            "kernel_initializer": ser("keras.initializers", "GlorotUniform", {"seed": None}),
            "bias_initializer": ser("keras.initializers", "Zeros", {}),
            "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None,
        }, build_config={"input_shape": [None, WIDTHS[i]]}))
    model = ser("keras", "Sequential", {"name": "sequential", "trainable": True, "dtype": policy,
                                        "layers": layer_configs}, build_config={"input_shape": [None, WIDTHS[0]]})
    if compile_config:
        model["compile_config"] = {
            "optimizer": ser("keras.optimizers", "Adadelta", {"name": "adadelta", "learning_rate": 0.25, "rho": 0.9,
                                                              "epsilon": 1e-07, "weight_decay": None}),
            "loss": "mean_squared_error", "metrics": ["mae"], "loss_weights": None, "weighted_metrics": None,
            "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False,
        }
    return model


def write_keras3_weights(f, layers, names, with_metadata):
    def vars_group(path, name):
        g = f.create_group(path + "/vars" if path else "vars")
        if with_metadata:
            g.attrs["name"] = name
        return g
    vars_group("", "sequential")
    for i, ((k, b, _), name) in enumerate(zip(layers, names)):
        g = vars_group(f"layers/{'dense' if i == 0 else f'dense_{i}'}", name)
        g["0"] = k
        if b is not None:
            g["1"] = b
    # A compiled model's optimizer: iterations, learning_rate, then per-variable accumulators (ignored on load).
    og = vars_group("optimizer", "adadelta")
    og["0"] = np.array(12, dtype=np.int64)
    og["1"] = np.array(0.25, dtype=np.float32)
    for j, (k, b, _) in enumerate(layers):
        og[str(2 + j)] = np.zeros_like(k)


def write(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    layers = network(rng)
    x = rng.uniform(-1, 1, (11, WIDTHS[0])).astype(np.float32)
    np.save(os.path.join(out, "x.npy"), x)
    np.save(os.path.join(out, "expected.npy"), forward(x, layers))
    second_session = [f"dense_{i}" for i in range(6, 10)]  # names as a second model in a Keras session gets them

    with h5py.File(os.path.join(out, "k2_save_weights.h5"), "w") as f:
        keras2_weights_group(f, layers, second_session, lambda n: n)
    write_keras2_model(os.path.join(out, "k2_model_list.h5"), layers, list_form=True, with_input_layer=False,
                       training=True, names=second_session, keras_version="2.2.2")
    write_keras2_model(os.path.join(out, "k2_model_dict.h5"), layers, list_form=False, with_input_layer=True,
                       training=False, names=[f"dense_{i}" for i in range(1, 5)], keras_version="2.2.4")
    k3_names = ["dense", "dense_1", "dense_2", "dense_3"]
    with h5py.File(os.path.join(out, "k3.weights.h5"), "w") as f:
        write_keras3_weights(f, layers, k3_names, with_metadata=True)
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        write_keras3_weights(f, layers, k3_names, with_metadata=False)
    with zipfile.ZipFile(os.path.join(out, "m.keras"), "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.3.3", "date_saved": "2024-05-01@10:00:00"}))
        zf.writestr("config.json", json.dumps(keras3_config(k3_names, compile_config=True)))
        zf.writestr("model.weights.h5", buffer.getvalue())


def decode(v):
    return v.decode("utf8")  # Keras 2.2 calls .decode('utf8'): the attribute must come back as bytes


def read(path, x_path, out_path):
    x = np.load(x_path)
    summary = {}
    if path.endswith(".keras"):
        with zipfile.ZipFile(path) as zf:
            summary["members"] = zf.namelist()
            summary["stored"] = all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
            config = json.loads(zf.read("config.json"))
            summary["metadata"] = json.loads(zf.read("metadata.json"))
            h5 = h5py.File(io.BytesIO(zf.read("model.weights.h5")), "r")
        summary["config"] = summarize_keras3_config(config)
        layers = read_keras3_weights(h5, config, summary)
    elif path.endswith(".weights.h5"):
        h5 = h5py.File(path, "r")
        layers = read_keras3_weights(h5, None, summary)
    else:
        f = h5py.File(path, "r")
        summary["keras_version"] = decode(f.attrs["keras_version"])
        summary["backend"] = decode(f.attrs["backend"])
        config = json.loads(decode(f.attrs["model_config"]))
        summary["config"] = summarize_keras2_config(config)
        if "training_config" in f.attrs:
            summary["training_config"] = json.loads(decode(f.attrs["training_config"]))
        g = f["model_weights"]
        names = [decode(n) for n in g.attrs["layer_names"]]
        summary["layer_names"] = names
        summary["model_weights_keras_version"] = decode(g.attrs["keras_version"])
        layers, summary["weights"] = [], []
        for name, layer_config in zip(names, config["config"]["layers"]):
            wn = [decode(n) for n in g[name].attrs["weight_names"]]
            values = [g[name][n][()] for n in wn]
            summary["weights"].append({n: [list(v.shape), str(v.dtype)] for n, v in zip(wn, values)})
            layers.append((values[0], values[1] if len(values) > 1 else None, layer_config["config"]["activation"]))
    np.save(out_path, forward(x, layers))
    print(json.dumps(summary, sort_keys=True))


def summarize_keras2_config(config):
    layers = config["config"]["layers"]
    return {"class_name": config["class_name"], "name": config["config"]["name"],
            "layers": [[l["class_name"], l["config"]["name"], l["config"]["units"], l["config"]["activation"],
                        l["config"]["use_bias"], l["config"]["trainable"], l["config"].get("batch_input_shape")]
                       for l in layers]}


def summarize_keras3_config(config):
    c = config["config"]
    return {"module": config["module"], "class_name": config["class_name"], "build_config": config.get("build_config"),
            "compile_config": config.get("compile_config"),
            "layers": [[l["module"], l["class_name"], l["config"]["name"], l["config"].get("units"),
                        l["config"].get("activation"), l["config"].get("use_bias"), l["config"].get("batch_shape"),
                        l.get("build_config")] for l in c["layers"]]}


def read_keras3_weights(h5, config, summary):
    """As saving_lib._load_state walks a Sequential: layers/<snake_case class>[_k]/vars, "0" kernel, "1" bias."""
    summary["groups"] = sorted(k for k in h5.keys())
    summary["layer_groups"] = sorted(h5["layers"].keys())
    summary["root_vars"] = "vars" in h5
    if config is not None:
        dense = [l["config"] for l in config["config"]["layers"] if l["class_name"] == "Dense"]
    else:
        dense = [{"activation": a} for a in ACTIVATIONS]
    layers, summary["vars"] = [], []
    for i, layer_config in enumerate(dense):
        vars_group = h5["layers"]["dense" if i == 0 else f"dense_{i}"]["vars"]
        values = [vars_group[str(j)][()] for j in range(len(vars_group))]
        summary["vars"].append([[list(v.shape), str(v.dtype)] for v in values])
        layers.append((values[0], values[1] if len(values) > 1 else None, layer_config["activation"]))
    return layers


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        read(sys.argv[2], sys.argv[3], sys.argv[4])
