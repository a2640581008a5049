"""scikit-learn reference for linprobe's Fashion-MNIST pixel curve (same protocol, independent code).

Run with Debian's python3-sklearn and dataset-fashion-mnist:
    /usr/bin/python3 scripts/sklearn_fashion_curve.py [SHOTS ...]      (default: 1 10 100 1000)

Protocol, as linprobe's: per seed a stratified subset of k rows per class from the 60,000 training
rows (numpy's RNG here, linprobe's hash ranking there: different rows, same distribution), MinMax
scaling fitted on the subset, the full 10,000-row test set, mean 0-1 error over seeds 0-4.
Models: nb (shared-variance Gaussian NB, the paper's, in numpy), nb-perclass (GaussianNB) and
lr (LogisticRegression, C=1, lbfgs, max_iter=1000).
"""
import gzip
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import MinMaxScaler

ROOT = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims[0], -1).astype(np.float64) if ndim > 1 else arr.astype(int)


def shared_nb(x, y, xt, eps=1e-9):
    classes = np.unique(y)
    m = len(y)
    mu = np.array([x[y == c].mean(axis=0) for c in classes])
    var = np.array([x[y == c].var(axis=0) + eps for c in classes])
    pi = np.array([(y == c).sum() / m for c in classes])
    s2 = (pi[:, None] * var).sum(axis=0)
    w = mu / s2
    b = np.log(pi) - 0.5 * (mu ** 2 / s2).sum(axis=1)
    return classes[np.argmax(xt @ w.T + b, axis=1)]


def main():
    shots = [int(s) for s in sys.argv[1:]] or [1, 10, 100, 1000]
    x = idx(f"{ROOT}/train-images-idx3-ubyte.gz")
    y = idx(f"{ROOT}/train-labels-idx1-ubyte.gz")
    xt = idx(f"{ROOT}/t10k-images-idx3-ubyte.gz")
    yt = idx(f"{ROOT}/t10k-labels-idx1-ubyte.gz")
    print("| shots | nb error | nb-perclass error | lr error |")
    print("|---:|---:|---:|---:|")
    for k in shots:
        errs = {"nb": [], "nb-perclass": [], "lr": []}
        for seed in range(5):
            rng = np.random.default_rng(seed)
            rows = np.concatenate([rng.choice(np.flatnonzero(y == c), k, replace=False)
                                   for c in range(10)])
            sc = MinMaxScaler().fit(x[rows])
            xs, xts = sc.transform(x[rows]), sc.transform(xt)
            errs["nb"].append(np.mean(shared_nb(xs, y[rows], xts) != yt))
            errs["nb-perclass"].append(np.mean(GaussianNB().fit(xs, y[rows]).predict(xts) != yt))
            lr = LogisticRegression(C=1.0, max_iter=1000).fit(xs, y[rows])
            errs["lr"].append(np.mean(lr.predict(xts) != yt))
        print(f"| {k} | " + " | ".join(
            f"{np.mean(errs[m]):.4f} ± {np.std(errs[m], ddof=1):.4f}"
            for m in ("nb", "nb-perclass", "lr")) + " |", flush=True)


if __name__ == "__main__":
    main()
