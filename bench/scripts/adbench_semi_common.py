"""What the adbench-semi sweeps share (bench/scripts/adbench_semi_*_sweep.py): the protocol's split and scaler,
and ROC AUC. numpy + scipy only."""
import gzip

import numpy as np
from scipy.stats import rankdata

SETS = ["cardio", "mammography", "pendigits", "satellite", "shuttle", "thyroid"]


def roc_auc(y, s):
    r = rankdata(s)
    n1 = y.sum()
    n0 = len(y) - n1
    return (r[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def split(data, name):
    """adbench-semi: train = the first half of the normal rows in file order, test = the rest; a standard scaler
    fit on the training rows. Returns (train, test, test labels)."""
    a = np.loadtxt(gzip.open(f"{data}/adbench/{name}.csv.gz", "rt"), delimiter=",", skiprows=1)
    y = a[:, -1].astype(int)
    x = a[:, :-1]
    normal = np.where(y == 0)[0]
    train = np.zeros(len(y), bool)
    train[normal[: int(np.rint(len(normal) / 2))]] = True
    mu = x[train].mean(0)
    sd = x[train].std(0)
    sd[sd == 0] = 1
    return (x[train] - mu) / sd, (x[~train] - mu) / sd, y[~train]
