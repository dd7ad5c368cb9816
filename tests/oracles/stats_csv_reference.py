"""Recomputes a results folder's stats.csv from its per_child.csv alone, for the tests.

Usage: stats_csv_reference.py PER_CHILD.csv BASE_SEED RESAMPLES
Prints JSON {"wilcoxon": [...], "bootstrap": [...]}, rows in stats.csv's order, from the documented procedure
(docs/protocol.md, "Statistics"), written here independently:
- per culture and metric (icc, ccc, pc, mae), the comparisons M7-M4, M5-M1, M7-M6, M4-M3, M1-M2 whose two settings
  both have scores: scipy.stats.wilcoxon(first, second) over the children scored in both, Holm-adjusted over the
  comparisons of that culture and metric; estimate = mean of the differences, x100 for correlations;
- per setting (Table I order), culture and metric with scores: the mean (x100 for correlations) and the bootstrap
  interval of statistics_reference.bootstrap over the children in ascending id order, endpoints x100 for
  correlations, seeded with derive64(BASE_SEED, "bootstrap/<setting>/<culture>/<metric>") where
  derive64(b, s) = mix(mix(b) ^ fnv1a64(utf8(s))) and mix(z) is SplitMix64's first output from state z.
Fig. 3 variants (settings with a -c or -d suffix) are not part of Table II and are skipped. Undefined values are null.
"""
import csv
import json
import sys

import numpy as np

from statistics_reference import MASK, GAMMA, bootstrap, holm, number, signed_rank

SETTINGS = ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "ME"]
METRICS = ["icc", "ccc", "pc", "mae"]
COMPARISONS = [("M7", "M4"), ("M5", "M1"), ("M7", "M6"), ("M4", "M3"), ("M1", "M2")]


def mix(z):
    z = (z + GAMMA) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def fnv1a64(data):
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) & MASK
    return h


def derive64(base, purpose):
    return mix(mix(base & MASK) ^ fnv1a64(purpose.encode("utf-8")))


def scale(metric):
    return 1.0 if metric == "mae" else 100.0


def main(path, base_seed, resamples):
    scores = {}  # (setting, culture, metric) -> {child: value}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["setting"] not in SETTINGS:
                continue
            for metric in METRICS:
                if row[metric] != "":
                    scores.setdefault((row["setting"], row["culture"], metric), {})[int(row["child"])] = float(row[metric])
    cultures = sorted({k[1] for k in scores}, key=lambda c: int(c[1:]))

    tests = []
    for culture in cultures:
        for metric in METRICS:
            family = []
            for first, second in COMPARISONS:
                a, b = scores.get((first, culture, metric)), scores.get((second, culture, metric))
                if a is None or b is None:
                    continue
                children = sorted(set(a) & set(b))
                x = np.array([a[c] for c in children])
                y = np.array([b[c] for c in children])
                d = x - y
                nonzero = int(np.count_nonzero(d))
                res = signed_rank(x, y)
                exact = len(d) <= 50 and nonzero == len(d)
                family.append({"culture": culture, "metric": metric, "setting": first, "versus": second,
                               "children": len(children), "nonzero": nonzero,
                               "estimate": number(np.mean(d) * scale(metric)) if len(d) else None,
                               "statistic": res["statistic"], "z": None if exact else res["z"],
                               "p": res["pvalue"], "method": None if res["pvalue"] is None else ("exact" if exact else "normal")})
            defined = [t for t in family if t["p"] is not None]
            for t, adjusted in zip(defined, holm([t["p"] for t in defined]) if defined else []):
                t["p_holm"] = adjusted
            for t in family:
                t.setdefault("p_holm", None)
            tests.extend(family)

    intervals = []
    for setting in SETTINGS:
        for culture in cultures:
            for metric in METRICS:
                values = scores.get((setting, culture, metric))
                if values is None:
                    continue
                v = np.array([values[c] for c in sorted(values)])
                seed = derive64(base_seed, f"bootstrap/{setting}/{culture}/{metric}")
                row = {"culture": culture, "metric": metric, "setting": setting, "children": len(v),
                       "estimate": float(np.mean(v) * scale(metric)), "seed": str(seed), "ci_low": None, "ci_high": None}
                if len(v) > 1 and not np.all(v == v[0]):
                    ci = bootstrap(v, seed, resamples)
                    row["ci_low"], row["ci_high"] = ci["low"] * scale(metric), ci["high"] * scale(metric)
                intervals.append(row)
    json.dump({"wilcoxon": tests, "bootstrap": intervals}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
