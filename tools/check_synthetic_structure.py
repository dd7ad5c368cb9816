#!/usr/bin/env python3
"""Sanity check of the synthetic cohort's planted structure with ridge regression (NumPy only; a test-time
oracle, never a runtime dependency). It is a linear stand-in for the protocol, not the protocol itself.

    culturenet synth --out s --children-per-culture 6 --frames 6000 --dim 1024
    culturenet export s --out e
    /usr/bin/python3 tools/check_synthetic_structure.py e [lambda]

Per child, p2 = first 20% of its frames, p1 = last 80% (the test part). Settings, as in docs/protocol.md:
M1 SI within culture (other children), M2 SI cross culture (all children of the other culture),
M3 SI mixed (the other children of both cultures),
M5 SD within culture (p2 of every child of the culture), M6 SD child-specific (p2 of the target).
Prints mean ± SD over children of the Pearson correlation (%) and MAE. SYNTHETIC data.
"""
import sys
import numpy as np

path = sys.argv[1]
lam = float(sys.argv[2]) if len(sys.argv) > 2 else 1000.0
data = {c: np.load(f"{path}/data_{c}.npy") for c in (0, 1)}


def split(c, k):
    m = data[c][data[c][:, 1] == k]
    cut = int(len(m) * 0.2)
    return m[:cut], m[cut:]


def fit(rows):
    x = rows[:, 3:-1].astype(np.float64)
    y = rows[:, -1].astype(np.float64)
    mu, sd = x.mean(0), x.std(0) + 1e-6
    xs = (x - mu) / sd
    w = np.linalg.solve(xs.T @ xs + lam * np.eye(x.shape[1]), xs.T @ (y - y.mean()))
    return lambda r: ((r[:, 3:-1] - mu) / sd) @ w + y.mean()


def score(f, r):
    p, y = f(r), r[:, -1]
    return np.corrcoef(p, y)[0, 1], np.abs(p - y).mean()


ids = {c: np.unique(data[c][:, 1]) for c in (0, 1)}
results = {}
for c in (0, 1):
    m2 = fit(data[1 - c])
    m5 = fit(np.vstack([split(c, k)[0] for k in ids[c]]))
    for k in ids[c]:
        p2, p1 = split(c, k)
        others = np.vstack([data[c][data[c][:, 1] == j] for j in ids[c] if j != k])
        m1 = fit(others)
        m3 = fit(np.vstack([others, data[1 - c]]))
        m6 = fit(p2)
        for name, f in (("M1 SI within", m1), ("M2 SI cross", m2), ("M3 SI mixed", m3), ("M5 SD within", m5), ("M6 SD child", m6)):
            results.setdefault((c, name), []).append(score(f, p1))
print("SYNTHETIC data — ridge regression stand-in for the protocol")
for (c, name), v in sorted(results.items()):
    v = np.array(v)
    print(f"C{c} {name}: PC {100 * v[:, 0].mean():5.1f} ± {100 * v[:, 0].std():4.1f}   MAE {v[:, 1].mean():.3f}")
