"""Independent float64 references of the evaluation metrics, for the tests (Debian's python3-numpy and -scipy).

Usage: metrics_reference.py CASES.json
CASES.json is a list of {"labels": [...], "predictions": [...]}. Prints, per case, ICC(3,1) written from its two-way
ANOVA table (labels and predictions as the two raters), Lin's CCC with population moments, scipy.stats.pearsonr and the
MAE, as JSON; an undefined value (NaN, e.g. pearsonr of a constant vector) is null.
"""
import json
import sys
import warnings

import numpy as np
from scipy.stats import pearsonr

warnings.simplefilter("ignore")


def icc31(y, p):
    table = np.column_stack([y, p])  # n targets x k raters
    n, k = table.shape
    grand = table.mean()
    ss_total = ((table - grand) ** 2).sum()
    ss_rows = k * ((table.mean(axis=1) - grand) ** 2).sum()
    ss_columns = n * ((table.mean(axis=0) - grand) ** 2).sum()
    ss_error = ss_total - ss_rows - ss_columns
    ms_rows = ss_rows / (n - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    return (ms_rows - ms_error) / (ms_rows + (k - 1) * ms_error)


def ccc(y, p):
    return 2 * np.mean((y - y.mean()) * (p - p.mean())) / (y.var() + p.var() + (y.mean() - p.mean()) ** 2)


def number(v):
    v = float(v)
    return v if np.isfinite(v) else None


with open(sys.argv[1]) as f:
    cases = json.load(f)
out = []
for case in cases:
    y = np.array(case["labels"], dtype=np.float64)
    p = np.array(case["predictions"], dtype=np.float64)
    with np.errstate(all="ignore"):
        out.append({"icc": number(icc31(y, p)), "ccc": number(ccc(y, p)),
                    "pc": number(pearsonr(y, p)[0]), "mae": number(np.mean(np.abs(y - p)))})
json.dump(out, sys.stdout)
