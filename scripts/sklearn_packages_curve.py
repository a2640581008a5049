"""scikit-learn reference for `linprobe curve` on Parquet embeddings (same protocol, independent
code): by default the packages demo's, data-samples/packages/{train,test}.parquet.

Usage:
    /usr/bin/python3 scripts/sklearn_packages_curve.py [--train PATH] [--test PATH]
        [--label-col label] [--features-col embedding] [--shots 1,2,5,...,all] [--seeds 5]
        [--lr-c auto|C] [--models nb,nb-perclass,lr]

Runs with Debian's python3-sklearn (Parquet is read by scripts/parquet_lite.py, or pyarrow when
installed). Any table `curve` reads in the same schema will do, e.g. data-samples/digits:
    /usr/bin/python3 scripts/sklearn_packages_curve.py --train data-samples/digits/train.parquet \\
        --test data-samples/digits/test.parquet

Protocol, as linprobe's defaults (docs/protocol.md):
- classes in sorted order; shots per class 1, 2, 5, 10, 20, 50, ... up to the smallest class,
  then all (left out when the last value already takes every row);
- per seed a stratified, nested subset of k rows per class (numpy's RNG here, linprobe's hash
  ranking there: different rows, same distribution); `all` is one fit;
- MinMax scaling fitted on the subset, applied to the test set;
- nb: the paper's shared-variance Gaussian NB (numpy; eps 1e-9 absolute); nb-perclass:
  GaussianNB; lr: LogisticRegression (lbfgs, max_iter 1000, multinomial) with C chosen as
  `--lr-c auto` does: stratified k-fold with k = min(5, shots) (the row of rank i in its class is in
  fold i mod k), the grid 10^(-4 + j/8) for j = 0..64, a coarse pass over one point per decade and
  then the points 4, 2 and 1 steps either side of the best so far, each C scored by the mean over
  folds of the held-out log-loss, ties to the smaller C, then a refit on the whole subset; 1 shot
  is fitted with C = 1. `--lr-c C` fixes C (the paper's protocol: --lr-c 1).
- test error (0-1) and log-loss (probabilities clipped at the machine epsilon), mean over seeds
  +- sample std, as linprobe's curve.csv.
"""

import argparse
import os
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import MinMaxScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parquet_lite import read_table  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
GRID = [10.0 ** (-4 + j / 8.0) for j in range(65)]
EPS = np.finfo(float).eps


def load(path, features, label):
    t = read_table(path, columns=[features, label])
    x = np.array([np.asarray(v, dtype=np.float64) for v in t[features]])
    return x, np.array(t[label])


def default_shots(smallest):
    out, decade = [], 1
    while decade <= smallest:
        out += [s * decade for s in (1, 2, 5) if s * decade <= smallest]
        decade *= 10
    return out


def logloss(p, y):
    return float(np.mean(-np.log(np.clip(p[np.arange(len(y)), y], EPS, None))))


def softmax(s):
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)


def shared_nb(x, y, k, eps=1e-9):
    """The paper's NB: per-class means, prior-weighted pooled ddof-0 variance + eps: W, b."""
    m = len(y)
    mu = np.array([x[y == c].mean(axis=0) for c in range(k)])
    var = np.array([x[y == c].var(axis=0) + eps for c in range(k)])
    pi = np.array([(y == c).sum() / m for c in range(k)])
    s2 = (pi[:, None] * var).sum(axis=0)
    w = mu / s2
    b = np.log(pi) - 0.5 * (mu ** 2 / s2).sum(axis=1)
    return lambda xt: softmax(xt @ w.T + b)


NOT_CONVERGED = [0]


def fit_lr(x, y, c):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always", ConvergenceWarning)
        m = LogisticRegression(C=c, max_iter=1000).fit(x, y)
    NOT_CONVERGED[0] += sum(issubclass(x.category, ConvergenceWarning) for x in w)
    return m


def choose_c(x, y, fold, folds):
    """linprobe's CSelection.search over GRID with held-out log-loss (see the module doc)."""
    scores = {}

    def score(j):
        if j not in scores:
            total = 0.0
            for f in range(folds):
                tr, ho = fold != f, fold == f
                m = fit_lr(x[tr], y[tr], GRID[j])
                p = np.zeros((ho.sum(), y.max() + 1))
                p[:, m.classes_] = m.predict_proba(x[ho])
                total += logloss(p, y[ho])
            scores[j] = total / folds
        return scores[j]

    n = len(GRID)
    for j in range(0, n, 8):
        score(j)
    for h in (4, 2, 1):
        best = min(sorted(scores), key=lambda j: scores[j])
        for j in (best - h, best + h):
            if 0 <= j < n:
                score(j)
    return GRID[min(sorted(scores), key=lambda j: scores[j])]


def main(argv):
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    a.add_argument("--train", default=os.path.join(ROOT, "data-samples/packages/train.parquet"))
    a.add_argument("--test", default=os.path.join(ROOT, "data-samples/packages/test.parquet"))
    a.add_argument("--label-col", default="label")
    a.add_argument("--features-col", default="embedding")
    a.add_argument("--shots", default=None, help="e.g. 1,2,5,all (default: linprobe's grid)")
    a.add_argument("--seeds", type=int, default=5)
    a.add_argument("--lr-c", default="auto")
    a.add_argument("--models", default="nb,nb-perclass,lr")
    o = a.parse_args(argv[1:])
    for p in (o.train, o.test):
        if not os.path.exists(p):
            sys.exit("sklearn_packages_curve.py: %s not found: make the embeddings first "
                     "(data-samples/make_packages.sh) or pass --train and --test" % p)
    models = o.models.split(",")

    x_tr, lab_tr = load(o.train, o.features_col, o.label_col)
    x_te, lab_te = load(o.test, o.features_col, o.label_col)
    classes = sorted(set(lab_tr.tolist()))
    index = {c: i for i, c in enumerate(classes)}
    y_tr = np.array([index[c] for c in lab_tr.tolist()])
    unknown = sorted(set(lab_te.tolist()) - set(classes))
    if unknown:
        sys.exit("sklearn_packages_curve.py: test labels not in train: %s" % unknown[:5])
    y_te = np.array([index[c] for c in lab_te.tolist()])
    k = len(classes)
    counts = np.bincount(y_tr, minlength=k)
    if o.shots:
        sizes = [None if s == "all" else int(s) for s in o.shots.split(",")]
    else:
        shots = default_shots(int(counts.min()))
        sizes = shots + ([None] if shots[-1] < counts.max() else [])
    print("train %s: %d rows, %d classes, %d dims; test %d rows; C %s"
          % (o.train, len(y_tr), k, x_tr.shape[1], len(y_te), o.lr_c), file=sys.stderr)

    head = ["shots", "n_train"] + ["%s error" % m for m in models] \
        + ["%s log-loss" % m for m in models] + (["lr C median"] if "lr" in models else [])
    print("| " + " | ".join(head) + " |")
    print("|" + "---:|" * len(head))
    for size in sizes:
        t0 = time.time()
        err = {m: [] for m in models}
        ll = {m: [] for m in models}
        cs = []
        for seed in ([0] if size is None else range(o.seeds)):
            rng = np.random.RandomState(seed)
            rows, fold = [], []
            for c in range(k):
                perm = rng.permutation(np.flatnonzero(y_tr == c))
                take = perm if size is None else perm[:size]
                rows.append(take)
                fold.append(np.arange(len(take)))
            rows = np.concatenate(rows)
            rank = np.concatenate(fold)
            x, y = x_tr[rows], y_tr[rows]
            sc = MinMaxScaler().fit(x)
            xs, xts = sc.transform(x), sc.transform(x_te)
            for m in models:
                if m == "nb":
                    p = shared_nb(xs, y, k)(xts)
                elif m == "nb-perclass":
                    p = GaussianNB().fit(xs, y).predict_proba(xts)
                else:
                    folds = 5 if size is None else min(5, size)
                    if o.lr_c != "auto":
                        c = float(o.lr_c)
                    elif folds < 2:
                        c = 1.0
                    else:
                        c = choose_c(xs, y, rank % folds, folds)
                    cs.append(c)
                    p = fit_lr(xs, y, c).predict_proba(xts)
                err[m].append(float(np.mean(p.argmax(axis=1) != y_te)))
                ll[m].append(logloss(p, y_te))

        def fmt(v):
            return "%.4f" % v[0] if len(v) == 1 else "%.4f ± %.4f" % (np.mean(v),
                                                                     np.std(v, ddof=1))

        cells = ["all" if size is None else str(size), str(len(rows))] \
            + [fmt(err[m]) for m in models] + [fmt(ll[m]) for m in models] \
            + (["%.4g" % np.median(cs)] if "lr" in models else [])
        print("| " + " | ".join(cells) + " |", flush=True)
        print("  %s: %.1f s, %d lbfgs fits stopped at max_iter 1000 (CV fits included)"
              % (cells[0], time.time() - t0, NOT_CONVERGED[0]), file=sys.stderr)
        NOT_CONVERGED[0] = 0


if __name__ == "__main__":
    main(sys.argv)
