"""Ensemble defaults under adbench-semi: what else was tried before keeping max(knn, ecod) on robust z-scores.

numpy + scipy only (bench/results/adbench-semi-ensemble-sweep.md reports its output). The split and scaler are
adbench-semi's; knn (k = 5, training rows scored without themselves), ECOD (the training rows' own
distributions), PCA (shrunk Mahalanobis, 0.5) are Vigil's definitions and reproduce its figures to the second
decimal (ECOD to 0.1: exact empirical tails instead of Vigil's quantile grid); the Isolation Forest is
scikit-learn's algorithm (100 trees, 256 rows, seeds 0-4), not Vigil's code. Members are normalised on their
training scores, as EnsembleModel does. Run from the project root:
    python3 bench/scripts/adbench_semi_ensemble_sweep.py [SHARED_DATA_DIR]
"""
import itertools
import sys

import numpy as np
from scipy.stats import skew

from adbench_semi_common import SETS, roc_auc, split

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"


def sqd(a, b):
    return np.maximum((a**2).sum(1)[:, None] + (b**2).sum(1)[None, :] - 2 * a @ b.T, 0)

def kth_distance(a, b, k):
    """Each row of a: its distance to the k-th nearest row of b (k = 1 the nearest), in blocks of 2000 rows."""
    return np.concatenate([np.sqrt(np.partition(sqd(a[i:i + 2000], b), k - 1, axis=1)[:, k - 1])
                           for i in range(0, len(a), 2000)])

def knn(xtr, xte, k=5):
    # a training row's own score leaves the row itself (its nearest, at 0) out
    return kth_distance(xtr, xtr, k + 1), kth_distance(xte, xtr, k)

def ecod(xtr, xte):
    n = len(xtr); floor = 1 / (n + 1)
    srt = np.sort(xtr, 0)
    sk = np.sign(skew(xtr, axis=0)); sk[np.isnan(sk)] = 0
    def sc(x):
        s = np.zeros(len(x))
        for j in range(x.shape[1]):
            le = np.searchsorted(srt[:, j], x[:, j], side="right") / n
            ge = (n - np.searchsorted(srt[:, j], x[:, j], side="left")) / n
            l = -np.log(np.maximum(le, floor)); r = -np.log(np.maximum(ge, floor))
            skw = np.where(sk[j] < 0, l, np.where(sk[j] > 0, r, l + r))
            s += np.maximum(skw, np.maximum(l, r))
        return s
    return sc(xtr), sc(xte)

def pca(xtr, xte, s=0.5):
    w, v = np.linalg.eigh(np.cov(xtr, rowvar=False, bias=True)); w = np.maximum(w, 0)
    d = len(w); t = w.sum(); den = (1 - s) * w + s * t / d
    f = lambda x: ((x @ v) ** 2 / den).sum(1)
    return f(xtr), f(xte)

def iforest(xtr, xte, seed, trees=100, psi=256):
    rng = np.random.default_rng(seed)
    n = len(xtr); m = min(psi, n); hmax = int(np.ceil(np.log2(m)))
    def c(k):
        k = np.asarray(k, float)
        return np.where(k > 2, 2 * (np.log(k - 1) + 0.5772156649) - 2 * (k - 1) / k, np.where(k == 2, 1.0, 0.0))
    def build(idx, X, h):
        if h >= hmax or len(idx) <= 1:
            return ("leaf", len(idx))
        Xs = X[idx]; lo = Xs.min(0); hi = Xs.max(0); ok = np.where(hi > lo)[0]
        if len(ok) == 0: return ("leaf", len(idx))
        f = rng.choice(ok); sp = rng.uniform(lo[f], hi[f])
        left = idx[Xs[:, f] < sp]; right = idx[Xs[:, f] >= sp]
        return ("node", f, sp, build(left, X, h + 1), build(right, X, h + 1))
    def path(t, X, rows, h, out):
        if t[0] == "leaf":
            out[rows] = h + c(t[1]); return
        m_ = X[rows, t[1]] < t[2]
        path(t[3], X, rows[m_], h + 1, out); path(t[4], X, rows[~m_], h + 1, out)
    alltr = []; allte = []
    for _ in range(trees):
        sub = rng.choice(n, m, replace=False)
        t = build(sub, xtr, 0)
        o = np.zeros(len(xtr)); path(t, xtr, np.arange(len(xtr)), 0, o); alltr.append(o)
        o = np.zeros(len(xte)); path(t, xte, np.arange(len(xte)), 0, o); allte.append(o)
    cm = c(m)
    return 2 ** (-np.mean(alltr, 0) / cm), 2 ** (-np.mean(allte, 0) / cm)

def rz(tr, te):
    med = np.median(tr); mad = np.median(np.abs(tr - med))
    q1, q3 = np.percentile(tr, [25, 75])
    sc = 1.4826 * mad if mad > 0 else ((q3 - q1) / 1.349 if q3 > q1 else 1)
    return (te - med) / sc

def rank(tr, te):
    s = np.sort(tr); lo, hi = s[0], s[-1]; rng_ = hi - lo if hi > lo else 1
    r = np.searchsorted(s, te, side="right") / len(s)
    return np.where(te > hi, 1 + (te - hi) / rng_, r)

def tail(tr, te):
    # -log of the share of training scores >= s, continued past the max by robust z
    s = np.sort(tr); n = len(s)
    ge = (n - np.searchsorted(s, te, side="left") + 1) / (n + 1)
    return -np.log(ge) + np.maximum(rz(tr, te) - rz(tr, np.array([s[-1]]))[0], 0)


def neigh(a, b, k, skip):
    D = []; I = []
    for i in range(0, len(a), 2000):
        d = np.sqrt(sqd(a[i:i+2000], b))
        idx = np.argsort(d, 1)[:, skip:skip + k]
        I.append(idx); D.append(np.take_along_axis(d, idx, 1))
    return np.concatenate(D), np.concatenate(I)
def lof(xtr, xte, k):
    dtr, itr = neigh(xtr, xtr, k, 1)
    kd = dtr[:, -1]
    lrd = 1 / (np.maximum(dtr, kd[itr]).mean(1) + 1e-10)
    dte, ite = neigh(xte, xtr, k, 0)
    lrd_test = 1 / (np.maximum(dte, kd[ite]).mean(1) + 1e-10)
    return lrd[itr].mean(1) / lrd, lrd[ite].mean(1) / lrd_test



def quantile_z(q):
    def f(tr, te):
        med = np.median(tr)
        hi = np.quantile(tr, q)
        return (te - med) / (hi - med if hi > med else 1)
    return f


def report(title, results):
    print(f"\n### {title}\n")
    print("| variant | " + " | ".join(SETS) + " | mean |")
    print("|---|" + "---|" * (len(SETS) + 1))
    for name, per in sorted(results.items(), key=lambda t: -np.mean(t[1])):
        print(f"| {name} | " + " | ".join(f"{v:.2f}" for v in per) + f" | {np.mean(per):.2f} |")


S = {}
for name in SETS:
    xtr, xte, y = split(DATA, name)
    S[name] = {"y": y, "x": (xtr, xte), "knn": knn(xtr, xte), "ecod": ecod(xtr, xte), "pca": pca(xtr, xte),
               "lof20": lof(xtr, xte, 20)}
    for seed in range(5):
        S[name][f"iforest{seed}"] = iforest(xtr, xte, seed)


def member(name, m, seed):
    return S[name][f"iforest{seed}"] if m == "iforest" else S[name][m]


norms = {"robust z": rz, "rank": rank, "tail": tail}
combos = {}
for r in [2, 3]:
    for mem in itertools.combinations(["knn", "ecod", "pca", "iforest", "lof20"], r):
        for nn, nf in norms.items():
            for comb in ["max", "mean"]:
                per = []
                for name in SETS:
                    aucs = []
                    for seed in range(5 if "iforest" in mem else 1):
                        z = np.array([nf(*member(name, m, seed)) for m in mem])
                        aucs.append(100 * roc_auc(S[name]["y"], z.max(0) if comb == "max" else z.mean(0)))
                    per.append(np.mean(aucs))
                combos[f"{comb}({', '.join(mem)}), {nn}"] = per
top = dict(sorted(combos.items(), key=lambda t: -np.mean(t[1]))[:12])
report("Members, normalisation and combination (the 12 best of %d)" % len(combos), top)

weights = {}
for w in [0.5, 0.8, 0.9, 1.0, 1.1, 1.25]:
    weights[f"max(z knn, {w} z ecod)"] = [100 * roc_auc(S[n]["y"], np.maximum(rz(*S[n]["knn"]), w * rz(*S[n]["ecod"])))
                                         for n in SETS]
for q in [0.9, 0.99, 0.999]:
    weights[f"max over (s - median) / (q{q} - median)"] = [100 * roc_auc(S[n]["y"], np.maximum(
        quantile_z(q)(*S[n]["knn"]), quantile_z(q)(*S[n]["ecod"]))) for n in SETS]
report("Weights and scales of max(knn, ecod)", weights)

ks = {}
for k in [1, 2, 3, 5, 8, 10, 20]:
    per = []
    for n in SETS:
        xtr, xte = S[n]["x"]
        per.append(100 * roc_auc(S[n]["y"], np.maximum(rz(*knn(xtr, xte, k)), rz(*S[n]["ecod"]))))
    ks[f"max(knn k={k}, ecod), robust z"] = per
report("The ensemble's knn member at other k", ks)
