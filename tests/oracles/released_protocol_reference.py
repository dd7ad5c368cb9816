"""Independent re-implementation of the released CultureNet-Autism code's data handling, metrics and report files, for
the tests of `culturenet protocol --conventions reference` (Debian's python3-numpy, -scipy and -h5py).

Written from the released code's definitions (runIROS.py, utils.py, models.py, genNet.py of
github.com/sakuralily11/CultureNet-Autism, as docs/protocol.md describes them), not copied from it and not from
culturenet's C#.

Usage: released_protocol_reference.py RESULTS EXPORT [--metrics reference|paper]
  RESULTS  a results folder of `culturenet protocol`: protocol.json, predictions.csv, fits/composition.csv and, when
           present, reference/ (Reports/ and Weights/ as the released code writes them)
  EXPORT   `culturenet export --layout reference` of the same store: data_<culture>.npy, columns
           [culture, child, frame, f1 ... fD, label]
  --metrics paper  score with today's paper conventions instead (every frame kept, undefined correlations 0): a self-check
           of this script against a paper-mode results folder.

Prints one JSON object (NaN as null):
  per_child   [{setting, culture, child, icc, ccc, pc, mae, runs}]: each metric's mean over runs, fractions
  table2      [{setting, culture, children, icc_mean, icc_sd, ccc_mean, ccc_sd, pc_mean, pc_sd, mae_mean, mae_sd}]:
              mean and population SD over the children, correlations in %
  test_rows   {checked, mismatches}: every (setting, run, child) of predictions.csv tests exactly the released test rows
              (positions int(n*(1-0.8)) ... n-1) with the store's labels
  composition {checked, unchecked, mismatches}: every fit of the released code that the settings need, rebuilt with its
              index rules and compared with fits/composition.csv (omitted with --metrics paper)
  reference_folder {files_checked, mismatches} when RESULTS/reference exists
"""
import csv
import json
import math
import os
import re
import sys
import warnings
from collections import defaultdict

import numpy as np
from scipy.stats import pearsonr

warnings.simplefilter("ignore")

# ---------------------------------------------------------------------------------------------------------------------
# The released index rules. A child's rows are its frames in time order; load_data(ids, [a, b, c, d]) takes, per child
# with n rows, training rows [0, int(n*a)), validation rows [int(n*b), int(n*c)) and test rows [int(n*(1-d)), n), in
# Python's float arithmetic (1 - 0.8 is 0.19999999999999996, so the test part starts one row early when 5 divides n).

SI = (0.8, 0.8, 1, 0.8)   # runIROS.py: leave-one-out data of a culture
SD = (0.2, 0, 0.2, 0.8)   # runIROS.py: the subject-dependent data (targetRep, targetOnly, All)


def train_part(n, p):
    return (0, int(n * p[0]))


def validation_part(n, p):
    return (int(n * p[1]), int(n * p[2]))


def test_part(n, p):
    return (int(n * (1 - p[3])), n)


class Cohort:
    """The store as the released code sees it: per culture the children in ascending id order (its c0_IDs, c1_IDs)."""

    def __init__(self, export_dir):
        self.frames = {}   # (culture, child) -> frame numbers in row order
        self.labels = {}   # (culture, child) -> float32 labels
        self.features = {}  # (culture, child) -> float32 feature rows (memory-mapped)
        self.children = {}  # culture -> ascending child ids
        names = sorted(f for f in os.listdir(export_dir) if f.startswith("data_") and f.endswith(".npy"))
        if not names:
            raise SystemExit(f"{export_dir}: no data_<culture>.npy (culturenet export --layout reference)")
        for name in names:
            data = np.load(os.path.join(export_dir, name), mmap_mode="r")
            culture_col, child_col = np.asarray(data[:, 0]), np.asarray(data[:, 1])
            for culture in np.unique(culture_col):
                for child in np.unique(child_col[culture_col == culture]):
                    rows = np.nonzero((culture_col == culture) & (child_col == child))[0]
                    key = (int(culture), int(child))
                    self.frames[key] = np.asarray(data[rows, 2]).astype(np.int64)
                    self.labels[key] = np.asarray(data[rows, -1]).astype(np.float32)
                    self.features[key] = (data, rows)
                    self.children.setdefault(int(culture), []).append(int(child))
        for c in self.children:
            self.children[c].sort()
        self.cultures = sorted(self.children)

    def n(self, key):
        return len(self.frames[key])

    def x(self, key, start, stop):
        data, rows = self.features[key]
        return np.asarray(data[rows[start:stop], 3:-1], dtype=np.float64)


def load_data(cohort, culture, ids, proportion):
    """utils.load_data for one culture: {role: [(child key, start, stop)]} in the order the rows are stacked."""
    train, val, test = ids
    out = {"train": [], "validation": [], "test": []}
    for role, children, part in (("train", train, train_part), ("validation", val, validation_part),
                                 ("test", test, test_part)):
        for child in children:
            key = (culture, child)
            start, stop = part(cohort.n(key), proportion)
            out[role].append((key, start, stop))
    return out


def rolled(ids, i):
    """np.roll(ids, i): the element at position (p - i) mod n moves to p."""
    return [ids[(p - i) % len(ids)] for p in range(len(ids))]


def concat(*parts):
    out = {"train": [], "validation": [], "test": []}
    for part in parts:
        for role in out:
            out[role] += part[role]
    return out


def composition(train, validation, test):
    return {"train": train, "validation": validation, "test": test}


def released_fits(cohort, settings, runs):
    """Every fit the released runIROS.py makes for these settings, keyed as culturenet names them:
    {key: (parent key or None, {role: [(child key, start, stop)]}, released folder name, culture, position)}."""
    fits = {}
    c0, c1 = cohort.cultures
    n0, n1 = len(cohort.children[c0]), len(cohort.children[c1])
    if n0 != n1:
        raise SystemExit(f"the released code pairs the cultures' children by position; {n0} and {n1} children")
    base = {s for s in settings if s in ("M1", "M2", "M3", "M4", "M5", "M6", "M7")}

    def key(run, setting, culture, child):
        return f"run{run:02d}_{setting}_C{culture}-{child}"

    if "M7" in base:
        # run_prelim_m7: once, before the loop over children and runs.
        all_data = {c: load_data(cohort, c, [cohort.children[c]] * 3, SD) for c in (c0, c1)}
        fits["M7-joint"] = (None, concat(all_data[c0], all_data[c1]), "m7_joint_prelim", None, None)
        for c in (c0, c1):
            fits[f"M7-culture_C{c}"] = ("M7-joint", all_data[c], "m7_prelim", c, None)

    for i in range(n0):
        data = {}
        for c in (c0, c1):
            ids = rolled(cohort.children[c], i)
            target = ids[0]
            data[c] = {
                "target": target,
                "si": load_data(cohort, c, [ids[1:], ids[1:], ids[0:1]], SI),
                "rep": load_data(cohort, c, [ids, ids[0:1], ids[0:1]], SD),
                "only": load_data(cohort, c, [[target], [target], [target]], SD),
            }
        for run in range(1, runs + 1):
            for c, other in ((c0, c1), (c1, c0)):
                d, o = data[c], data[other]
                t = d["target"]
                si, osi = d["si"], o["si"]
                if "M1" in base:
                    fits[key(run, "M1", c, t)] = (None, si, "m1", c, i)
                if "M2" in base:
                    fits[key(run, "M2", c, t)] = (None, composition(osi["train"], si["validation"], si["test"]), "m2", c, i)
                if "M3" in base or "M4" in base:
                    # utils.merge_data(cA, cB): training = A's train + B's train + B's validation + B's test rows.
                    merged = composition(si["train"] + osi["train"] + osi["validation"] + osi["test"],
                                         si["validation"], si["test"] if "M3" in base else [])
                    fits[key(run, "M3", c, t)] = (None, merged, "m3", c, i)
                if "M4" in base:
                    fits[key(run, "M4", c, t)] = (key(run, "M3", c, t), si, "m4", c, i)
                if "M5" in base:
                    fits[key(run, "M5", c, t)] = (None, d["rep"], "m5", c, i)
                if "M6" in base:
                    fits[key(run, "M6", c, t)] = (None, d["only"], "m6", c, i)
                if "M7" in base:
                    fits[key(run, "M7", c, t)] = (f"M7-culture_C{c}", d["only"], "m7", c, i)
    return fits


# ---------------------------------------------------------------------------------------------------------------------
# The released metrics (utils.py, genNet.make_report), from their definitions, in float64.

def icc31_anova(y, p):
    """ICC(3,1), consistency, single measures: two-way ANOVA over n frames x 2 raters (labels, predictions)."""
    table = np.column_stack([y, p])
    n, k = table.shape
    grand = table.mean()
    ss_rows = k * ((table.mean(axis=1) - grand) ** 2).sum()
    ss_raters = n * ((table.mean(axis=0) - grand) ** 2).sum()
    ss_error = ((table - grand) ** 2).sum() - ss_rows - ss_raters
    ms_rows = ss_rows / (n - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    return (ms_rows - ms_error) / (ms_rows + (k - 1) * ms_error)


def icc_released(y, p):
    """Frames whose label is exactly -1 are dropped; none left: NaN; an undefined ICC (NaN, inf) of the rest: 0.
    Returns (value, how) where how is 'value', 'zero' (the fallback the released code writes as the integer 0) or 'nan'."""
    keep = y != -1
    if not keep.any():
        return math.nan, "nan"
    with np.errstate(all="ignore"):
        v = icc31_anova(y[keep], p[keep]) if keep.sum() >= 2 else math.nan
    if not np.isfinite(v):
        return 0.0, "zero"
    return float(v), "value"


def pc_released(y, p):
    """scipy.stats.pearsonr's r; NaN where it is undefined (a constant vector)."""
    if len(y) < 2:
        return math.nan
    with np.errstate(all="ignore"):
        return float(pearsonr(p, y)[0])


def ccc_released(y, p):
    """Lin's CCC with population moments; 0/0 stays NaN."""
    with np.errstate(all="ignore"):
        mp, my = np.mean(p), np.mean(y)
        return float((2 * np.mean((p - mp) * (y - my))) / (np.var(p) + np.var(y) + (mp - my) ** 2))


def mae(y, p):
    return float(np.mean(np.abs(p - y)))


def zero_if_undefined(v):
    return v if np.isfinite(v) else 0.0


def scores(y, p, conventions):
    if conventions == "reference":
        return {"icc": icc_released(y, p)[0], "ccc": ccc_released(y, p), "pc": pc_released(y, p), "mae": mae(y, p)}
    with np.errstate(all="ignore"):
        icc = icc31_anova(y, p) if len(y) >= 2 else math.nan
    return {"icc": zero_if_undefined(icc), "ccc": zero_if_undefined(ccc_released(y, p)),
            "pc": zero_if_undefined(pc_released(y, p)), "mae": mae(y, p)}


# ---------------------------------------------------------------------------------------------------------------------
# culturenet's result files.

BASE_SETTINGS = ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "ME"]


def culture_code(label):
    if not (label.startswith("C") and label[1:].isdigit()):
        raise SystemExit(f"culture '{label}': expected C<code>")
    return int(label[1:])


def number(text):
    return math.nan if text == "" else float(text)


def read_predictions(path):
    """{(setting, run, (culture, child)): (frames, float32 labels, float32 predictions)} in file order."""
    groups = defaultdict(lambda: ([], [], []))
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != ["setting", "run", "culture", "child", "frame", "label", "prediction"]:
            raise SystemExit(f"{path}: unexpected header {header}")
        for row in reader:
            g = groups[(row[0], int(row[1]), (culture_code(row[2]), int(row[3])))]
            g[0].append(int(row[4]))
            g[1].append(np.float32(number(row[5])))
            g[2].append(np.float32(number(row[6])))
    return {k: (np.array(v[0], dtype=np.int64), np.array(v[1], dtype=np.float32), np.array(v[2], dtype=np.float32))
            for k, v in groups.items()}


def parse_positions(text):
    out = set()
    for part in text.split():
        a, b = part.split(":")
        out.update(range(int(a), int(b)))
    return out


def read_composition(path):
    """{key: (run, parent, {role: {(culture, child): set of positions}})}; a position listed twice is an error."""
    fits = {}
    problems = []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        expected = ["key", "run", "parent", "role", "culture", "child", "frames", "positions"]
        if reader.fieldnames != expected:
            raise SystemExit(f"{path}: header {reader.fieldnames}, expected {expected}")
        for row in reader:
            run, parent, roles = fits.setdefault(row["key"], (int(row["run"]), row["parent"] or None, {}))
            child = (culture_code(row["culture"]), int(row["child"]))
            positions = parse_positions(row["positions"])
            count = sum(int(b) - int(a) for a, b in (p.split(":") for p in row["positions"].split()))
            if count != len(positions) or count != int(row["frames"]):
                problems.append(f"{row['key']} {row['role']} C{child[0]}/{child[1]}: {row['frames']} frames, "
                                f"positions '{row['positions']}' hold {len(positions)} distinct of {count}")
            role = roles.setdefault(row["role"], {})
            if child in role:
                problems.append(f"{row['key']} {row['role']} C{child[0]}/{child[1]}: listed twice")
            role[child] = positions
    return fits, problems


def as_sets(parts):
    out = {}
    for key, start, stop in parts:
        s = out.setdefault(key, set())
        overlap = s & set(range(start, stop))
        if overlap:
            raise SystemExit(f"released composition lists rows of C{key[0]}/{key[1]} twice")
        s.update(range(start, stop))
    return out


def slices(positions):
    """'a:b c:d' of a set of positions."""
    out, run = [], None
    for p in sorted(positions):
        if run and p == run[1]:
            run[1] += 1
        else:
            run = [p, p + 1]
            out.append(run)
    return " ".join(f"{a}:{b}" for a, b in out)


def check_composition(cohort, settings, runs, composition_path):
    if not os.path.isfile(composition_path):
        return {"checked": 0, "unchecked": [], "mismatches": [f"{composition_path}: missing"]}
    recorded, mismatches = read_composition(composition_path)
    expected = released_fits(cohort, settings, runs)
    checked = 0
    for key, (parent, parts, _, _, _) in expected.items():
        if key not in recorded:
            mismatches.append(f"{key}: the released code trains this fit; {composition_path} has no such fit")
            continue
        checked += 1
        _, got_parent, got = recorded[key]
        if got_parent != parent:
            mismatches.append(f"{key}: starts from {got_parent}, the released code from {parent}")
        for role in ("train", "validation", "test"):
            want, have = as_sets(parts[role]), got.get(role, {})
            for child in sorted(set(want) | set(have)):
                w, h = want.get(child, set()), have.get(child, set())
                if w != h:
                    mismatches.append(f"{key} {role} C{child[0]}/{child[1]}: recorded '{slices(h)}', "
                                      f"the released code '{slices(w)}'")
    # Fits outside the released code: the ME baseline and the Fig. 3 analyses (M1-c<k>, M1-d<p>, M6-d<p>).
    unchecked = []
    for k in sorted(k for k in recorded if k not in expected):
        parts = k.split("_")
        if len(parts) == 3 and parts[0].startswith("run") and re.fullmatch(r"ME|M1-[cd][0-9]+|M6-d[0-9]+", parts[1]):
            unchecked.append(k)
        else:
            mismatches.append(f"{k}: a fit the released code does not make")
    return {"checked": checked, "unchecked": unchecked, "mismatches": mismatches}


def check_test_rows(cohort, predictions):
    mismatches = []
    for (setting, run, child), (frames, labels, _) in predictions.items():
        n = cohort.n(child)
        start, stop = test_part(n, SI)
        want = cohort.frames[child][start:stop]
        if len(frames) != len(want) or (frames != want).any():
            mismatches.append(f"{setting} run {run} C{child[0]}/{child[1]}: tests {len(frames)} frames "
                              f"{frames[:1].tolist()}...; the released code tests positions {start}:{stop} "
                              f"(frames {want[:1].tolist()}...)")
        elif (labels.view(np.uint32) != cohort.labels[child][start:stop].view(np.uint32)).any():
            mismatches.append(f"{setting} run {run} C{child[0]}/{child[1]}: labels differ from the store's")
    return {"checked": len(predictions), "mismatches": mismatches}


def null(v):
    return None if v is None or not np.isfinite(v) else float(v)


def per_child_and_table2(predictions, conventions):
    per_run = defaultdict(dict)   # (setting, child) -> run -> scores
    for (setting, run, child), (_, labels, preds) in predictions.items():
        s = scores(labels.astype(np.float64), preds.astype(np.float64), conventions)
        if setting == "ME":
            s = {"icc": math.nan, "ccc": math.nan, "pc": math.nan, "mae": s["mae"]}
        per_run[(setting, child)][run] = s
    per_child = []
    means = {}
    for (setting, child), runs in sorted(per_run.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        m = {metric: float(np.mean([r[metric] for r in runs.values()])) for metric in ("icc", "ccc", "pc", "mae")}
        means[(setting, child)] = m
        per_child.append({"setting": setting, "culture": f"C{child[0]}", "child": child[1],
                          **{k: null(v) for k, v in m.items()}, "runs": len(runs)})
    table2 = []
    for setting in BASE_SETTINGS:
        for culture in sorted({c for (s, (c, _)) in means if s == setting}):
            children = [m for (s, (c, _)), m in means.items() if s == setting and c == culture]
            entry = {"setting": setting, "culture": f"C{culture}", "children": len(children)}
            for metric, scale in (("icc", 100.0), ("ccc", 100.0), ("pc", 100.0), ("mae", 1.0)):
                values = np.array([m[metric] for m in children])
                applicable = metric == "mae" or setting != "ME"
                entry[f"{metric}_mean"] = null(np.mean(values) * scale) if applicable else None
                entry[f"{metric}_sd"] = null(np.std(values) * scale) if applicable else None
            table2.append(entry)
    return per_child, table2


# ---------------------------------------------------------------------------------------------------------------------
# reference/: the files the released code writes (genNet.make_report appends per fit; utils.process_summary summarises
# every report folder not ending in 'prelim'; genNet.train_model saves Weights/<name>_weights.h5 after every fit).

def py_float(v):
    """'{}'.format of a float64, as the released code writes its numbers: Python's shortest round-trip repr."""
    return repr(float(v))


def np_float32(v):
    """str() of a float32 (Keras' predictions): numpy's shortest round-trip form for float32."""
    return str(np.float32(v))


def savetxt_number(v):
    """np.savetxt's default fmt '%.18e'."""
    return "%.18e" % v


class FolderCheck:
    def __init__(self, root):
        self.root = root
        self.files = 0
        self.mismatches = []

    def lines(self, rel):
        path = os.path.join(self.root, rel)
        if not os.path.isfile(path):
            self.mismatches.append(f"{rel}: missing")
            return None
        self.files += 1
        with open(path, newline="") as f:
            text = f.read()
        if text and not text.endswith("\n"):
            self.mismatches.append(f"{rel}: last line has no newline")
        return text.split("\n")[:-1] if text else []

    def fail(self, rel, line, what):
        self.mismatches.append(f"{rel} line {line}: {what}")
        return len(self.mismatches) < 200


def close(a, b, tol=1e-9):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def check_metric_lines(check, rel, lines, expected):
    """expected: [(culture, child, (value, how))] in file order; how: 'value', 'zero' (written 0), 'nan', 'float'."""
    if lines is None:
        return
    if len(lines) != len(expected):
        check.fail(rel, 0, f"{len(lines)} lines, expected {len(expected)}")
        return
    for i, (line, (culture, child, (value, how))) in enumerate(zip(lines, expected), 1):
        fields = line.split(",")
        if len(fields) != 3 or fields[0] != py_float(culture) or fields[1] != py_float(child):
            if not check.fail(rel, i, f"'{line}', expected '{py_float(culture)},{py_float(child)},<value>'"):
                return
            continue
        text = fields[2]
        if how == "zero":
            ok = text == "0"
        elif how == "nan" or (how == "float" and math.isnan(value)):
            ok = text == "nan"
        else:
            ok = text not in ("0", "nan") and py_float(float(text)) == text and close(float(text), value)
        if not ok and not check.fail(rel, i, f"value '{text}', expected {how} {value!r}"):
            return


def check_savetxt(check, rel, lines, rows, delimiter):
    if lines is None:
        return
    if len(lines) != len(rows):
        check.fail(rel, 0, f"{len(lines)} lines, expected {len(rows)}")
        return
    for i, (line, row) in enumerate(zip(lines, rows), 1):
        fields = line.split(delimiter)
        ok = len(fields) == len(row) and all(
            f == savetxt_number(float(f)) and close(float(f), v) for f, v in zip(fields, row))
        if not ok and not check.fail(rel, i, f"'{line}', expected {delimiter!r}-separated %.18e of {list(row)}"):
            return


def evaluation_rows(cohort, child, preds):
    n = cohort.n(child)
    start, _ = test_part(n, SI)
    culture, cid = child
    return [",".join([py_float(culture), py_float(cid), py_float(frame), py_float(label), np_float32(p)])
            for frame, label, p in zip(cohort.frames[child][start:], cohort.labels[child][start:], preds)]


def reference_fits_in_order(cohort, settings, runs):
    """The released code's order of fits: run_prelim_m7, then per child position i and run: M1 ... M7, C0 then C1."""
    fits = released_fits(cohort, settings, runs)
    order = []
    if "M7-joint" in fits:
        order += ["M7-joint"] + [f"M7-culture_C{c}" for c in cohort.cultures]
    n = len(cohort.children[cohort.cultures[0]])
    for i in range(n):
        for run in range(1, runs + 1):
            for setting in ("M1", "M2", "M3", "M4", "M5", "M6", "M7"):
                for c in cohort.cultures:
                    t = rolled(cohort.children[c], i)[0]
                    key = f"run{run:02d}_{setting}_C{c}-{t}"
                    if key in fits and (setting != "M3" or "M3" in settings):
                        order.append(key)
    return fits, order


def parse_evaluation_report(check, rel, lines, expected_rows_in_order):
    """Checks the data columns against the store and returns the predictions as float32 per block."""
    header = "Country,Child,Frame,dense_5_Actual,dense_5_Prediction"
    if lines is None:
        return None
    if not lines or lines[0] != header:
        check.fail(rel, 1, f"header '{lines[0] if lines else ''}', expected '{header}'")
        return None
    body = lines[1:]
    if len(body) != len(expected_rows_in_order):
        check.fail(rel, 0, f"{len(body)} rows, expected {len(expected_rows_in_order)}")
        return None
    preds = []
    for i, (line, want_prefix) in enumerate(zip(body, expected_rows_in_order), 2):
        prefix, _, pred = line.rpartition(",")
        try:
            value = np.float32(float(pred))
        except ValueError:
            value = None
        if prefix != want_prefix or value is None or np_float32(value) != pred:
            check.fail(rel, i, f"'{line}', expected '{want_prefix},<float32 prediction>'")
            return None
        preds.append(value)
    return np.array(preds, dtype=np.float32)


def test_prefixes(cohort, child):
    start, _ = test_part(cohort.n(child), SI)
    culture, cid = child
    return [",".join([py_float(culture), py_float(cid), py_float(frame), py_float(label)])
            for frame, label in zip(cohort.frames[child][start:], cohort.labels[child][start:])]


def check_reference_folder(cohort, settings, runs, predictions, root):
    check = FolderCheck(root)
    fits, order = reference_fits_in_order(cohort, settings, runs)
    folders = defaultdict(list)   # released folder name -> fit keys in order
    for key in order:
        folders[fits[key][2]].append(key)
    fit_predictions = {}          # key -> list of (child, float32 predictions)
    for folder, keys in folders.items():
        rel = f"Reports/ExperimentdS_deep_{folder}"
        blocks = []               # (key, child) in file order
        for key in keys:
            for child, _, _ in fits[key][1]["test"]:
                blocks.append((key, child))
        want_rows, spans = [], []
        for key, child in blocks:
            rows = test_prefixes(cohort, child)
            spans.append((key, child, len(want_rows), len(want_rows) + len(rows)))
            want_rows += rows
        preds = parse_evaluation_report(check, f"{rel}/evaluation_report.txt",
                                        check.lines(f"{rel}/evaluation_report.txt"), want_rows)
        metric_lines = {m: [] for m in ("icc", "pcc", "ccc", "mae")}
        if preds is not None:
            for key, child, a, b in spans:
                fit_predictions.setdefault(key, []).append((child, preds[a:b]))
            for key in keys:
                blocks_of_fit = [(child, preds[a:b]) for k, child, a, b in spans if k == key]
                for culture in sorted({c for (c, _), _ in blocks_of_fit}):
                    for (c, cid), p in sorted(((ch, p) for ch, p in blocks_of_fit if ch[0] == culture),
                                              key=lambda t: t[0][1]):
                        start, _ = test_part(cohort.n((c, cid)), SI)
                        y = cohort.labels[(c, cid)][start:].astype(np.float64)
                        x = p.astype(np.float64)
                        metric_lines["icc"].append((c, cid, icc_released(y, x)))
                        metric_lines["pcc"].append((c, cid, (pc_released(y, x), "float")))
                        metric_lines["ccc"].append((c, cid, (ccc_released(y, x), "float")))
                        metric_lines["mae"].append((c, cid, (mae(y, x), "float")))
                        setting = key.split("_")[1] if key.startswith("run") else None
                        run = int(key[3:5]) if key.startswith("run") else None
                        if setting is None:
                            continue
                        if (setting, run, (c, cid)) not in predictions:
                            check.fail(f"{rel}/evaluation_report.txt", 0,
                                       f"{key} C{c}/{cid}: predictions.csv has no {setting} run {run} for this child")
                        else:
                            want = predictions[(setting, run, (c, cid))][2]
                            if len(want) != len(p) or (want.view(np.uint32) != p.view(np.uint32)).any():
                                check.fail(f"{rel}/evaluation_report.txt", 0,
                                           f"{key} C{c}/{cid}: predictions differ from predictions.csv")
        written = {}
        for m in metric_lines:
            lines = check.lines(f"{rel}/{m}_report.txt")
            written[m] = lines
            if preds is not None:
                check_metric_lines(check, f"{rel}/{m}_report.txt", lines, metric_lines[m])
        if folder.endswith("prelim"):
            continue
        # process_summary, from the numbers the report files hold.
        finals = {}
        for m in ("icc", "pcc", "ccc", "mae"):
            if written[m] is None:
                continue
            rows = [line.split(",") for line in written[m]]
            by_culture = defaultdict(lambda: defaultdict(list))
            for c, u, v in rows:
                by_culture[float(c)][float(u)].append(float(v))
            summary = []
            for c in sorted(by_culture):
                children = sorted(by_culture[c])
                avg = [(u, float(np.mean(by_culture[c][u]))) for u in children]
                check_savetxt(check, f"{rel}/c{int(c)}_{m}_report.txt",
                              check.lines(f"{rel}/c{int(c)}_{m}_report.txt"), avg, " ")
                values = np.array([a for _, a in avg])
                summary.append((float(np.mean(values)), float(np.std(values))))
            check_savetxt(check, f"{rel}/{m}_final_report.csv", check.lines(f"{rel}/{m}_final_report.csv"), summary, ",")
            finals[m] = summary
        if len(finals) == 4:
            rows = [tuple(v for m in ("icc", "pcc", "ccc", "mae") for v in finals[m][i])
                    for i in range(len(finals["icc"]))]
            check_savetxt(check, f"{rel}/final_report.csv", check.lines(f"{rel}/final_report.csv"), rows, ",")
    check_weights(check, cohort, fits, order, fit_predictions)
    return {"files_checked": check.files, "mismatches": check.mismatches}


def check_weights(check, cohort, fits, order, fit_predictions):
    """Weights/<name>_weights.h5 holds the last fit of that name (each save overwrites the file), in Keras 2.2.2's
    save_weights layout for genNet's functional model; its forward pass reproduces that fit's predictions."""
    import h5py

    last = {}
    for key in order:
        last[fits[key][2]] = key
    for name, key in last.items():
        rel = f"Weights/{name}_weights.h5"
        path = os.path.join(check.root, rel)
        if not os.path.isfile(path):
            check.mismatches.append(f"{rel}: missing")
            continue
        check.files += 1

        def text(v):
            return v.decode("utf8") if isinstance(v, bytes) else str(v)

        with h5py.File(path, "r") as f:
            layer_names = [text(v) for v in f.attrs["layer_names"]]
            want_layers = ["input_1"] + [f"dense_{i}" for i in range(1, 6)]
            if layer_names != want_layers:
                check.mismatches.append(f"{rel}: layer_names {layer_names}, expected {want_layers}")
                continue
            if text(f.attrs.get("backend", b"")) != "tensorflow" or text(f.attrs.get("keras_version", b"")) != "2.2.2":
                check.mismatches.append(f"{rel}: backend/keras_version {f.attrs.get('backend')!r}/"
                                        f"{f.attrs.get('keras_version')!r}, expected tensorflow/2.2.2")
            if len(f["input_1"].attrs["weight_names"]) != 0:
                check.mismatches.append(f"{rel}: input_1 has weights")
            layers = []
            for i in range(1, 6):
                g = f[f"dense_{i}"]
                names = [text(v) for v in g.attrs["weight_names"]]
                if names != [f"dense_{i}/kernel:0", f"dense_{i}/bias:0"]:
                    check.mismatches.append(f"{rel}: dense_{i} weight_names {names}")
                    break
                k, b = g[names[0]], g[names[1]]
                if k.dtype != np.float32 or b.dtype != np.float32 or k.ndim != 2 or b.shape != (k.shape[1],):
                    check.mismatches.append(f"{rel}: dense_{i} kernel {k.dtype}{k.shape}, bias {b.dtype}{b.shape}")
                    break
                layers.append((np.asarray(k, dtype=np.float64), np.asarray(b, dtype=np.float64)))
            else:
                widths = [k.shape[1] for k, _ in layers]
                if widths != [500, 200, 100, 50, 1]:
                    check.mismatches.append(f"{rel}: layer widths {widths}, expected genNet's 500, 200, 100, 50, 1")
                    continue
                for child, preds in fit_predictions.get(key, []):
                    start, stop = test_part(cohort.n(child), SI)
                    h = cohort.x(child, start, stop)
                    for j, (k, b) in enumerate(layers):
                        h = h @ k + b
                        if j < 4:
                            h = np.maximum(h, 0)
                    got = h[:, 0]
                    err = np.max(np.abs(got - preds.astype(np.float64)) / (1 + np.abs(got)))
                    if not err <= 1e-4:
                        check.mismatches.append(f"{rel}: is not the weights of {key}: its predictions on "
                                                f"C{child[0]}/{child[1]} differ by up to {err:.3g}")


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    conventions = "reference"
    if "--metrics" in argv:
        conventions = argv[argv.index("--metrics") + 1]
        args.remove(conventions)
    if len(args) != 2 or conventions not in ("reference", "paper"):
        raise SystemExit(__doc__)
    results, export = args
    with open(os.path.join(results, "protocol.json")) as f:
        manifest = json.load(f)
    settings = manifest["settings"].split(",")
    runs = int(manifest["runs"])
    cohort = Cohort(export)
    predictions = read_predictions(os.path.join(results, "predictions.csv"))
    per_child, table2 = per_child_and_table2(predictions, conventions)
    out = {"per_child": per_child, "table2": table2}
    if conventions == "reference":
        out["test_rows"] = check_test_rows(cohort, predictions)
        out["composition"] = check_composition(cohort, settings, runs, os.path.join(results, "fits", "composition.csv"))
        reference = os.path.join(results, "reference")
        if os.path.isdir(reference):
            out["reference_folder"] = check_reference_folder(cohort, settings, runs, predictions, reference)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
