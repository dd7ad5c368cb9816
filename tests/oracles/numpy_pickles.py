"""Writes the pickles the reference's data_0.pkl / data_1.pkl may be, with Debian's numpy, plus hostile ones.

usage: numpy_pickles.py OUT_DIR

For each culture c in (0, 1) a reference-layout matrix [culture, child, frame, f1..fD, label] (float64, with
feature values chosen to exercise float64 -> float32 rounding: ties, subnormals, long mantissas) is written as
  ref_c.npy                       np.save of the same float64 matrix (the .npy route)
  ref_c_f32.npy                   np.save of matrix.astype(np.float32) (what the store must hold, per numpy)
  data_c_p{0..5}.pkl              pickle.dump(matrix, f, protocol=p) (C order)
  data_c_p{2..5}_fortran.pkl      the same matrix in Fortran order
  data_c_p{2,5}_f32.pkl           matrix.astype(np.float32)
  data_c_np2_p{2,4,5}.pkl         as numpy 2 writes them (numpy._core.* spellings)
  data_c_py2.pkl                  what Python 2.7's pickle.dump(matrix, f, 2) writes (str payload)
Every pickle written by hand is checked to load back in Python to the same array (the numpy 2 ones with
stand-in numpy._core modules, the Python 2 one with encoding='latin1'). Hostile pickles (evil_*.pkl,
bad_*.pkl) are written but NEVER loaded here: evil ones would create MARKER (the path in argv[2]) if unpickled.
Prints the file names, one per line.
"""
import io
import os
import pickle
import struct
import sys
import types

import numpy as np

out = sys.argv[1]
marker = sys.argv[2]
os.makedirs(out, exist_ok=True)
names = []


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    names.append(name)


def matrix(culture, rng):
    rows = []
    for child in range(3):
        for frame in range(5 + child):
            rows.append((culture, 10 * culture + child + 1, frame))
    meta = np.array(rows, dtype=np.float64)
    n, d = len(rows), 6
    x = rng.standard_normal((n, d))
    x[0, 0] = 1 + 2.0 ** -24          # float32 tie: rounds to even (1.0)
    x[0, 1] = 1 + 3 * 2.0 ** -24      # float32 tie: rounds to even (1 + 2^-22)
    x[0, 2] = 1e-40                   # float32 subnormal
    x[0, 3] = -2.0 ** -149 * 0.75     # rounds to the smallest negative subnormal
    x[1, 0] = np.nextafter(1.0, 2.0)  # long mantissa, rounds to 1.0
    x[1, 1] = 3.4e38                  # near float32 max, finite
    labels = rng.uniform(-1, 1, (n, 1))
    labels[2, 0] = -1.0
    return np.hstack([meta, x, labels])


# numpy 2 spells its module numpy._core; these stand-ins let Debian's numpy 1.x write (and read back) the same bytes.
def install_numpy2_modules():
    import numpy.core.multiarray as multiarray
    import numpy.core.numeric as numeric
    core = types.ModuleType("numpy._core")
    sys.modules["numpy._core"] = core
    twins = {}
    for sub, real in (("multiarray", multiarray), ("numeric", numeric)):
        module = types.ModuleType(f"numpy._core.{sub}")
        sys.modules[module.__name__] = module
        setattr(core, sub, module)
        for fname in ("_reconstruct", "scalar", "_frombuffer"):
            if hasattr(real, fname):
                def twin(*args, _real=getattr(real, fname)):
                    return _real(*args)
                twin.__module__, twin.__name__, twin.__qualname__ = module.__name__, fname, fname
                setattr(module, fname, twin)
                twins[getattr(real, fname)] = twin
    return twins


class Numpy2Pickler(pickle.Pickler):
    twins = install_numpy2_modules()

    def __init__(self, file, protocol):
        super().__init__(file, protocol=protocol)
        self.protocol = protocol

    def reducer_override(self, obj):
        if isinstance(obj, np.ndarray):
            reduced = obj.__reduce_ex__(self.protocol)
            return (self.twins[reduced[0]],) + tuple(reduced[1:])
        return NotImplemented


def numpy2_dumps(a, protocol):
    buffer = io.BytesIO()
    Numpy2Pickler(buffer, protocol=protocol).dump(a)
    return buffer.getvalue()


def py2_dumps(a):
    """The opcodes Python 2.7 + numpy write for pickle.dump(a, f, 2): GLOBALs, a str ('b' and the data as BINSTRING)."""
    def binint1(v): return b"K" + bytes([v])
    def binint(v): return b"J" + struct.pack("<i", v)
    shape = b"".join(binint(v) for v in a.shape) + {1: b"\x85", 2: b"\x86", 3: b"\x87"}[a.ndim]
    data = a.tobytes(order="A")
    return (b"\x80\x02"
            + b"cnumpy.core.multiarray\n_reconstruct\nq\x01"
            + b"cnumpy\nndarray\nq\x02" + binint1(0) + b"\x85q\x03" + b"U\x01b" + b"\x87Rq\x04"
            + b"(" + binint1(1) + shape
            + b"cnumpy\ndtype\nq\x05" + b"U\x02" + a.dtype.str[1:].encode() + b"\x89\x88\x87Rq\x06"
            + b"(" + binint1(3) + b"U\x01<NNN" + binint(-1) + binint(-1) + binint1(0) + b"tb"
            + (b"\x88" if a.flags.f_contiguous and not a.flags.c_contiguous else b"\x89")
            + b"T" + struct.pack("<i", len(data)) + data
            + b"tb.")


def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


rng = np.random.default_rng(20180802)
for c in (0, 1):
    m = matrix(c, rng)
    np.save(os.path.join(out, f"ref_{c}.npy"), m)
    np.save(os.path.join(out, f"ref_{c}_f32.npy"), m.astype(np.float32))
    names += [f"ref_{c}.npy", f"ref_{c}_f32.npy"]
    for p in range(0, 6):
        write(f"data_{c}_p{p}.pkl", pickle.dumps(m, protocol=p))
    fortran = np.asfortranarray(m)
    assert fortran.flags.f_contiguous and not fortran.flags.c_contiguous
    for p in range(2, 6):
        write(f"data_{c}_p{p}_fortran.pkl", pickle.dumps(fortran, protocol=p))
    for p in (2, 5):
        write(f"data_{c}_p{p}_f32.pkl", pickle.dumps(m.astype(np.float32), protocol=p))
    for p in (2, 4, 5):
        data = numpy2_dumps(m, p)
        assert b"numpy._core" in data and b"numpy.core" not in data
        assert same(pickle.loads(data), m)
        write(f"data_{c}_np2_p{p}.pkl", data)
    data = py2_dumps(m)
    assert same(pickle.loads(data, encoding="latin1"), m)
    write(f"data_{c}_py2.pkl", data)


# ---- hostile pickles: written, never loaded ----
class RunsShell:
    def __reduce__(self):
        return (os.system, (f"touch {marker}",))


evil = pickle.dumps(RunsShell(), protocol=2)
assert b"system" in evil
write("evil_system_p2.pkl", evil)
write("evil_system_p4.pkl", pickle.dumps(RunsShell(), protocol=4))
# An array whose dtype argument comes from os.system: the call sits inside an otherwise genuine array pickle.
genuine = pickle.dumps(np.zeros((2, 5)), protocol=2)
hidden = genuine.replace(b"cnumpy\ndtype\n", b"cposix\nsystem\n", 1)
assert hidden != genuine
write("evil_inside_array.pkl", hidden)
# A global pushed and popped again before the array: nothing uses it, it is still refused.
write("evil_popped.pkl", b"\x80\x02cposix\nsystem\n0" + genuine[2:])
# STACK_GLOBAL whose name is assembled from a non-literal (BINUNICODE8) string.
write("evil_stack_global_indirect.pkl",
      b"\x80\x04\x8c\x05posix\x8d" + struct.pack("<Q", 6) + b"system\x93\x8c\x04true\x85R.")
write("evil_builtins_eval.pkl", pickle.dumps(eval, protocol=2))
write("bad_matrix_subclass.pkl", pickle.dumps(np.asmatrix(np.zeros((2, 5))), protocol=2))
write("bad_list.pkl", pickle.dumps([np.zeros((2, 5)), np.zeros((2, 5))], protocol=4))
write("bad_object_array.pkl", pickle.dumps(np.array([[1, "a", 2, 3, 4]], dtype=object), protocol=2))
write("bad_scalar.pkl", pickle.dumps(np.float64(1.5), protocol=4))
write("bad_int_matrix.pkl", pickle.dumps(np.zeros((2, 5), dtype=np.int64), protocol=4))
write("bad_big_endian.pkl", pickle.dumps(np.zeros((2, 5), dtype=">f8"), protocol=4))
write("bad_1d.pkl", pickle.dumps(np.zeros(5), protocol=4))
buffers = []
write("bad_out_of_band.pkl", pickle.dumps(np.zeros((2, 5)), protocol=5, buffer_callback=buffers.append))
whole = pickle.dumps(np.zeros((3, 5)), protocol=4)
write("bad_truncated.pkl", whole[: len(whole) // 2])
write("bad_no_stop.pkl", whole[:-1])
write("bad_not_a_pickle.pkl", b"culture,child,frame\n0,1,2\n")
# Shape bomb: the array declares (8, 2e9) float64 (128 GB) but carries 80 bytes.
small = pickle.dumps(np.zeros((2, 5)), protocol=2)
bomb = small.replace(b"K\x02K\x05\x86", b"K\x08J" + struct.pack("<i", 2_000_000_000) + b"\x86", 1)
assert bomb != small
write("bad_shape_bomb.pkl", bomb)
# Length bomb: a BINBYTES8 claiming 2^40 bytes in a file of a few hundred.
write("bad_length_bomb.pkl", b"\x80\x04\x8e" + struct.pack("<Q", 1 << 40) + b"\x00" * 64 + b".")

print("\n".join(names))
