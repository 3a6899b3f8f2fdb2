"""PCA score forms under adbench-semi (README), as bench/results/adbench-semi-pca.md reports them.

numpy + scipy only. The split, the scaler and the scores are the ones Vigil's PcaDetector computes; the
reconstruction (95% variance), probabilistic-PCA and shrunk-Mahalanobis rows were checked against the Java
detector's figures from bench --suite adbench-semi (equal to the second decimal). Run from the project root:
    python3 bench/scripts/adbench_semi_pca_sweep.py [SHARED_DATA_DIR]
"""
import sys

import numpy as np

from adbench_semi_common import SETS, roc_auc, split

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"


def forms(xtr, xte):
    w, v = np.linalg.eigh(np.cov(xtr, rowvar=False, bias=True))
    order = np.argsort(w)[::-1]
    w = np.maximum(w[order], 0)
    v = v[:, order]
    total = w.sum()
    d = len(w)
    y = xte @ v
    k = min(d, np.searchsorted(np.cumsum(w) / total, 0.95 - 1e-12) + 1)
    reconstruction = np.maximum((xte ** 2).sum(1) - (y[:, :k] ** 2).sum(1), 0)
    residual = max(w[k:].mean() if k < d else 0, 1e-9 * total)
    out = {
        "reconstruction, 95% variance (the former default)": reconstruction,
        "probabilistic PCA, 95% variance": reconstruction / residual + (y[:, :k] ** 2 / np.maximum(w[:k], 1e-9 * total)).sum(1),
        "Mahalanobis, every component": (y ** 2 / np.maximum(w, 1e-9 * total)).sum(1),
    }
    for s in [0.1, 0.25, 0.5, 0.75]:
        out[f"shrunk Mahalanobis, shrinkage {s}"] = (y ** 2 / ((1 - s) * w + s * total / d)).sum(1)
    out["Euclidean from the mean (shrinkage 1)"] = (y ** 2).sum(1)
    return out


rows = {}
for name in SETS:
    xtr, xte, yte = split(DATA, name)
    for form, score in forms(xtr, xte).items():
        rows.setdefault(form, []).append(100 * roc_auc(yte, score))
print("| score form | " + " | ".join(SETS) + " | mean |")
print("|---|" + "---|" * (len(SETS) + 1))
for form, v in rows.items():
    print(f"| {form} | " + " | ".join(f"{x:.2f}" for x in v) + f" | {np.mean(v):.2f} |")
