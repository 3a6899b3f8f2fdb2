"""How much of the reference set a pivot index could skip for knn on kdd-honest: an upper bound on its speed-up.

Usage: python3 knn_pivot_bound.py KDD_DIR   (e.g. ../shared/data/kdd; needs numpy)
Features as conf/kdd-honest.conf builds them: the 38 numeric columns and one-hot protocol_type, service and flag
(plus an unknown slot each), min-max scaled on the training rows (every normal row of kddcup.data_10_percent.gz).
The index groups the reference rows: n / 256 pivots evenly spaced in file order, each row assigned to its nearest
pivot, each pivot's rows sorted by their distance to it and cut into groups of at most 256. A scored row needs a
group only when the triangle-inequality bound max(d(x, p) - r_max, r_min - d(x, p)) is below its true 5th-nearest
distance. The script is given that distance in advance, which no index is. So the share of groups it prints is the
least any such index would have to read, and one over it is the most it could gain over reading every row.
Scored rows: every 311th line of corrected.gz (1,001 rows). Prints the share for all, normal and attack rows.
"""
import gzip
import sys

import numpy as np

CATEGORICAL = [1, 2, 3]
GROUP_ROWS = 256


def load(path, only_normal=False, every=1):
    rows, labels = [], []
    for i, line in enumerate(gzip.open(path, "rt")):
        parts = line.strip().rstrip(".").split(",")
        if (only_normal and parts[-1] != "normal") or i % every:
            continue
        rows.append(parts[:-1])
        labels.append(parts[-1])
    return rows, np.array(labels)


def encode(rows, categories):
    numeric = np.array([[float(v) for j, v in enumerate(r) if j not in CATEGORICAL] for r in rows])
    blocks = [numeric]
    for c in CATEGORICAL:
        slot = {v: i for i, v in enumerate(categories[c])}
        block = np.zeros((len(rows), len(categories[c]) + 1))
        for i, r in enumerate(rows):
            block[i, slot.get(r[c], len(categories[c]))] = 1
        blocks.append(block)
    return np.hstack(blocks)


def squared_distances(a, b):
    return np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T, 0)


def main(kdd):
    train, _ = load(kdd + "/kddcup.data_10_percent.gz", only_normal=True)
    test, labels = load(kdd + "/corrected.gz", every=311)
    categories = {c: sorted({r[c] for r in train}) for c in CATEGORICAL}
    x_train, x_test = encode(train, categories), encode(test, categories)
    low, high = x_train.min(0), x_train.max(0)
    span = np.where(high > low, high - low, 1)
    x_train, x_test = (x_train - low) / span, (x_test - low) / span
    n = len(x_train)
    pivots = x_train[np.linspace(0, n - 1, n // GROUP_ROWS).astype(int)]
    assigned = np.concatenate([squared_distances(x_train[i:i + 8192], pivots).argmin(1) for i in range(0, n, 8192)])
    to_pivot = np.sqrt(((x_train - pivots[assigned]) ** 2).sum(1))
    order = np.lexsort((to_pivot, assigned))
    group_pivot, group_min, group_max = [], [], []
    i = 0
    while i < n:
        p, j = assigned[order[i]], i
        while j < n and assigned[order[j]] == p and j - i < GROUP_ROWS:
            j += 1
        members = order[i:j]
        group_pivot.append(p)
        group_min.append(to_pivot[members].min())
        group_max.append(to_pivot[members].max())
        i = j
    group_pivot, group_min, group_max = map(np.array, (group_pivot, group_min, group_max))
    needed = []
    for x in x_test:
        d_pivot = np.sqrt(((pivots - x) ** 2).sum(1))[group_pivot]
        bound = np.maximum(d_pivot - group_max, group_min - d_pivot)
        fifth = np.sort(np.sqrt(((x_train - x) ** 2).sum(1)))[4]
        needed.append((bound < fifth).mean())
    needed = np.array(needed)
    print("reference rows %d, pivots %d, groups %d, scored rows %d" % (n, len(pivots), len(group_pivot), len(x_test)))
    print("share of groups needed: all %.3f, normal %.3f, attacks %.3f"
          % (needed.mean(), needed[labels == "normal"].mean(), needed[labels != "normal"].mean()))


if __name__ == "__main__":
    main(sys.argv[1])
