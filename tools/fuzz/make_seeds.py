#!/usr/bin/python3
"""Seed inputs written by NumPy, h5py and PIL (the tool writes its own with `culturenet-fuzz seeds DIR`).

Usage: make_seeds.py DIR   — writes DIR/TARGET/NAME for the fuzz targets npy, npy-stream, npz-array, npz-weights,
h5-weights, keras-h5-model, keras3-weights, keras-archive, pickle, image, manifest, labels, meta-csv. Run with
Debian's /usr/bin/python3 (python3-numpy, -h5py, -pil). The Keras files come from tests/oracles/keras_files.py (Keras'
layouts written with h5py from their definitions; there is no keras package on Debian).
Deterministic: the same files every time (fixed seeds; zip timestamps fixed).
"""
import io, os, pickle, sys, tempfile, zipfile
import numpy as np
import h5py
from numpy.lib import format as npformat
from PIL import Image

out = sys.argv[1]
rng = np.random.default_rng(11)


def save(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)


def npy_bytes(array, version=None):
    buf = io.BytesIO()
    npformat.write_array(buf, array, version=version, allow_pickle=False)
    return buf.getvalue()


def npz_bytes(arrays, compressed=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED) as z:
        for key, a in arrays.items():
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = z.compression
            z.writestr(info, npy_bytes(a))
    return buf.getvalue()


# .npy: every version, the element types the reader knows, and some it must refuse cleanly.
x = rng.uniform(-1, 1, (6, 5)).astype(np.float32)
for v in [(1, 0), (2, 0), (3, 0)]:
    for target in ["npy", "npy-stream"]:
        save(target, f"numpy_v{v[0]}.npy", npy_bytes(x, v))
for dtype in ["<f2", "<f8", "<i4", "<i8", ">f4", "<u1"]:
    save("npy-stream", f"numpy_{dtype.replace('<', 'le').replace('>', 'be')}.npy", npy_bytes(x.astype(dtype)))
save("npy", "numpy_vector.npy", npy_bytes(np.arange(7, dtype=np.float32)))
save("npy", "numpy_fortran.npy", npy_bytes(np.asfortranarray(x)))
save("npy", "numpy_3d.npy", npy_bytes(np.zeros((2, 3, 4), np.float32)))

# .npz arrays (the reference layout: culture, child, frame, features..., label) stored and deflated.
m = np.zeros((8, 7))
m[:, 0] = 1
m[:, 1] = np.repeat([2, 5], 4)
m[:, 2] = np.tile(np.arange(4), 2)
m[:, 3:6] = rng.uniform(-1, 1, (8, 3))
m[:, 6] = rng.uniform(-1, 1, 8)
save("npz-array", "numpy_stored.npz", npz_bytes({"data_1": m}))
save("npz-array", "numpy_deflated.npz", npz_bytes({"data_1": m}, compressed=True))

# GenNet weights as np.savez writes them (Keras names, kernels in x out), stored and deflated.
widths = [4, 5, 3, 1]
weights = {}
for i in range(len(widths) - 1):
    weights[f"dense_{i + 1}/kernel"] = rng.uniform(-0.5, 0.5, (widths[i], widths[i + 1])).astype(np.float32)
    weights[f"dense_{i + 1}/bias"] = rng.uniform(-0.1, 0.1, widths[i + 1]).astype(np.float32)
save("npz-weights", "numpy_savez.npz", npz_bytes(weights))
save("npz-weights", "numpy_savez_compressed.npz", npz_bytes(weights, compressed=True))

# Keras save_weights layout written by h5py: fixed-length byte-string attributes (as Keras 2.2), and variable-length.
for variant in ["fixed", "vlen", "chunked"]:
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        names = [f"dense_{i + 1}" for i in range(len(widths) - 1)]
        f.attrs["layer_names"] = [n.encode() for n in names] if variant != "vlen" else names
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for n in names:
            g = f.create_group(n)
            wn = [f"{n}/kernel:0", f"{n}/bias:0"]
            g.attrs["weight_names"] = [w.encode() for w in wn] if variant != "vlen" else wn
            chunks = variant == "chunked"
            g.create_dataset(wn[0], data=weights[n + "/kernel"], chunks=True if chunks else None)
            g.create_dataset(wn[1], data=weights[n + "/bias"])
    save("h5-weights", f"h5py_{variant}.h5", buf.getvalue())

# Keras 2 model.save .h5 (list and dict config forms), Keras 3 .weights.h5 and .keras, as Keras lays them out.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "oracles"))
import keras_files  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    keras_files.write(tmp)
    for name, target in [("k2_model_list.h5", "keras-h5-model"), ("k2_model_dict.h5", "keras-h5-model"),
                         ("k2_save_weights.h5", "h5-weights"), ("k3.weights.h5", "keras3-weights")]:
        with open(os.path.join(tmp, name), "rb") as f:
            save(target, "h5py_" + name, f.read())
    # The archive again with fixed timestamps (zipfile stamps members with the current time).
    buf = io.BytesIO()
    with zipfile.ZipFile(os.path.join(tmp, "m.keras")) as src, zipfile.ZipFile(buf, "w") as dst:
        for member in src.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=(1980, 1, 1, 0, 0, 0))
            dst.writestr(info, src.read(member.filename))
    save("keras-archive", "h5py_m.keras", buf.getvalue())

# The reference code's data_0.pkl: pickle.dump of the reference-layout matrix, every protocol, C and Fortran order,
# float64 and float32 (as tests/oracles/numpy_pickles.py, smaller).
for protocol in range(6):
    save("pickle", f"numpy_p{protocol}.pkl", pickle.dumps(m, protocol=protocol))
for protocol in (2, 5):
    save("pickle", f"numpy_p{protocol}_fortran.pkl", pickle.dumps(np.asfortranarray(m), protocol=protocol))
    save("pickle", f"numpy_p{protocol}_f32.pkl", pickle.dumps(m.astype(np.float32), protocol=protocol))

# Images: PIL's JPEG (baseline, progressive, grey, 4:2:0 and 4:4:4) and PNG (RGB, grey, palette, RGBA, 16-bit).
y, xx = np.mgrid[0:20, 0:28]
rgb = np.stack([xx * 9, y * 12, (xx + y) * 5], -1).astype(np.uint8)
img = Image.fromarray(rgb)
for name, kwargs in {"baseline": {}, "progressive": {"progressive": True}, "444": {"subsampling": 0}}.items():
    b = io.BytesIO(); img.save(b, "JPEG", quality=80, **kwargs); save("image", f"pil_{name}.jpg", b.getvalue())
b = io.BytesIO(); img.convert("L").save(b, "JPEG"); save("image", "pil_grey.jpg", b.getvalue())
for name, im in {"rgb": img, "grey": img.convert("L"), "palette": img.convert("P"), "rgba": img.convert("RGBA"),
                 "grey16": Image.fromarray((y * 3000).astype(np.uint16))}.items():
    b = io.BytesIO(); im.save(b, "PNG"); save("image", f"pil_{name}.png", b.getvalue())

# CSVs as a spreadsheet or pandas would write them: BOM, CRLF, quoted fields.
save("manifest", "csv_crlf_bom.csv", "\ufeffpath,culture,child,frame,label\r\nfaces/a.jpg,C0,3,10,0.5\r\n\"faces/b, c.png\",1,4,0,-1\r\n".encode())
save("labels", "csv_crlf.csv", b"culture,child,frame,label\r\n0,3,10,0.5\r\n1,4,0,-1.0\r\n")
save("meta-csv", "csv_pandas.csv", b"culture,child,frame,label\n0.0,3.0,10.0,0.5\n1.0,4.0,0.0,-1.0\n")
print(f"seeds written to {out}")
