"""scikit-learn's OneClassSVM scoring the rows Vigil's one-class SVM scores, on Vigil's support vectors.

Usage: python3 sklearn_ocsvm_score.py SUPPORT_VECTORS.csv ROWS.csv GAMMA REPEAT
Fits OneClassSVM(kernel='rbf', gamma=GAMMA, nu=1 - 0.1/n) on the n support vectors: the dual weights are at
most 1 and sum to nu * n = n - 0.1, so every training row is a support vector (nu = 1 itself leaves LIBSVM's
intercept undefined): the model has exactly Vigil's support-vector count, width and kernel, and
decision_function does the same work per row (a kernel value per support vector). Times decision_function
on ROWS (median of REPEAT runs after one warm-up) in this one process, one thread, and prints JSON.
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.svm import OneClassSVM  # noqa: E402


def main(sv_path, rows_path, gamma, repeat):
    vectors = np.loadtxt(sv_path, delimiter=",", ndmin=2)
    rows = np.loadtxt(rows_path, delimiter=",", ndmin=2)
    model = OneClassSVM(kernel="rbf", gamma=gamma, nu=1.0 - 0.1 / len(vectors)).fit(vectors)
    model.decision_function(rows[: min(len(rows), 1000)])  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        model.decision_function(rows)
        times.append(time.perf_counter() - start)
    seconds = float(np.median(times))
    print(json.dumps({"sklearn_version": sklearn.__version__, "support_vectors": int(model.support_vectors_.shape[0]),
                      "width": int(rows.shape[1]), "rows": int(rows.shape[0]), "seconds": seconds,
                      "rows_per_s": rows.shape[0] / seconds}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
