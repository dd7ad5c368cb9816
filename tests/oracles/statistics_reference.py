"""Independent references for the engine's statistics (Metrics/Statistics), for the tests.

Usage: statistics_reference.py CASES.json
CASES.json: {"wilcoxon": [{"x": [...], "y": [...]}, ...],
             "holm": [[p, ...], ...],
             "bootstrap": [{"values": [...], "seed": uint64, "resamples": B}, ...]}
Prints the same keys as JSON; an undefined value (NaN, or an error scipy raises) is null.

- wilcoxon: scipy.stats.wilcoxon(x, y) with its defaults (statistic, pvalue), and the zstatistic of method="approx".
- holm: Holm's step-down adjustment from its definition, adj_i = min(1, max over k with p_k <= p_i of
  (m - #{l : p_l < p_k}) * p_k), in numpy, with no sort order involved.
- bootstrap: the percentile interval of the mean from the engine's documented draw order, re-implemented here:
  SplitMix64 (state += 0x9E3779B97F4A7C15; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9; z = (z ^ z>>27) * 0x94D049BB133111EB;
  z ^ z>>31), unbiased indices by rejection (redraw x >= L = (2^64-1) - (2^64-1) mod n, index x mod n), B rows of n
  indices in draw order, each row's mean as its left-to-right sum (numpy.cumsum) over n, then
  numpy.percentile(means, [2.5, 97.5]).
"""
import json
import sys
import warnings

import numpy as np
from scipy.stats import wilcoxon

warnings.simplefilter("ignore")

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def number(v):
    v = float(v)
    return v if np.isfinite(v) else None


def splitmix64_outputs(seed, count):
    """The first `count` outputs of SplitMix64 seeded with `seed`: the k-th uses state seed + k * GAMMA (mod 2^64)."""
    with np.errstate(over="ignore"):
        k = np.arange(1, count + 1, dtype=np.uint64)
        z = k * np.uint64(GAMMA) + np.uint64(seed)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def bounded_indices(seed, bound, count):
    limit = MASK - MASK % bound
    drawn = count + 64
    while True:
        x = splitmix64_outputs(seed, drawn)
        accepted = x[x < np.uint64(limit)]
        if len(accepted) >= count:
            return (accepted[:count] % np.uint64(bound)).astype(np.int64)
        drawn *= 2


def bootstrap(values, seed, resamples):
    v = np.asarray(values, dtype=np.float64)
    n = len(v)
    idx = bounded_indices(seed, n, resamples * n).reshape(resamples, n)
    means = np.cumsum(v[idx], axis=1)[:, -1] / n
    low, high = np.percentile(means, [2.5, 97.5])
    return {"low": float(low), "high": float(high)}


def holm(p):
    p = np.asarray(p, dtype=np.float64)
    m = len(p)
    smaller = (p[None, :] < p[:, None]).sum(axis=1)  # #{l : p_l < p_k} for each k
    weighted = (m - smaller) * p
    return [float(min(1.0, weighted[p <= p[i]].max())) for i in range(m)]


def signed_rank(x, y):
    try:
        res = wilcoxon(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        out = {"statistic": number(res.statistic), "pvalue": number(res.pvalue)}
    except ValueError:
        out = {"statistic": None, "pvalue": None}
    try:
        out["z"] = number(wilcoxon(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), method="approx").zstatistic)
    except ValueError:
        out["z"] = None
    return out


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    json.dump({
        "wilcoxon": [signed_rank(c["x"], c["y"]) for c in cases.get("wilcoxon", [])],
        "holm": [holm(p) for p in cases.get("holm", [])],
        "bootstrap": [bootstrap(c["values"], int(c["seed"]), int(c["resamples"])) for c in cases.get("bootstrap", [])],
    }, sys.stdout)
