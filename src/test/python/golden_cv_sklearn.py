"""scikit-learn's LogisticRegressionCV on the golden digits rows, for linprobe's C selection.

Usage:
    /usr/bin/python3 src/test/python/golden_cv_sklearn.py src/test/resources/golden/digits_cv_sklearn.json

The rows are those of golden_sklearn.py (the first 400 of load_digits(), MinMax-scaled on
themselves). Folds are stratified by a rule both sides can reproduce: the i-th row of a class
(in row order) is in fold i mod 5. The C grid is linprobe's default: 10^(-4 + j/8), j = 0..64
(1e-4 to 1e4, 8 steps per decade). For each scoring (log-loss, error) the JSON holds every C's
score in every fold, the mean over folds, the C that LogisticRegressionCV picks (the best mean,
the smallest C among ties) and the refit's predictions on rows 400..599. scikit-learn's lbfgs
stops on its function-change test before the optimum (held-out log-loss off by up to ~1e-4
relative at large C), so "exact" holds the same scores at the optimum of every fold's fit, found
by scipy's L-BFGS-B to a gradient of 1e-10 (warm-started along the grid).
"""

import json
import sys

import numpy as np
import sklearn
from scipy.optimize import minimize
from scipy.special import logsumexp
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegressionCV
from sklearn.preprocessing import MinMaxScaler

N_TRAIN = 400
N_EVAL = 200
FOLDS = 5
GRID = [10.0 ** (-4 + j / 8.0) for j in range(65)]


def exact_scores(xs, y, fold):
    """Held-out (log-loss, error) of every fold's exact optimum, per C of GRID: folds x Cs."""
    k, d = 10, xs.shape[1]
    ll = np.zeros((FOLDS, len(GRID)))
    err = np.zeros((FOLDS, len(GRID)))
    for f in range(FOLDS):
        tr = fold != f
        x, t = xs[tr], y[tr]
        m = len(t)
        w = np.zeros(k * d + k)
        for j, c in enumerate(GRID):
            def fg(w):
                wm, b = w[:k * d].reshape(k, d), w[k * d:]
                z = x @ wm.T + b
                lse = logsumexp(z, axis=1)
                p = np.exp(z - lse[:, None])
                val = c * (lse - z[np.arange(m), t]).sum() + 0.5 * (wm ** 2).sum()
                p[np.arange(m), t] -= 1
                return val, np.concatenate([(c * (p.T @ x) + wm).ravel(), c * p.sum(0)])
            w = minimize(fg, w, jac=True, method="L-BFGS-B",
                         options={"maxiter": 200000, "gtol": 1e-10, "ftol": 1e-16}).x
            wm, b = w[:k * d].reshape(k, d), w[k * d:]
            z = xs[~tr] @ wm.T + b
            lp = z - logsumexp(z, axis=1)[:, None]
            eps = np.finfo(float).eps
            ll[f, j] = -np.log(np.clip(np.exp(lp[np.arange(len(lp)), y[~tr]]), eps, 1)).mean()
            err[f, j] = (z.argmax(axis=1) != y[~tr]).mean()
    return ll, err


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: %s OUT.json" % argv[0])
    digits = load_digits()
    x = digits.data[:N_TRAIN]
    y = digits.target[:N_TRAIN]
    x_eval = digits.data[N_TRAIN:N_TRAIN + N_EVAL]
    scaler = MinMaxScaler().fit(x)
    xs, xe = scaler.transform(x), scaler.transform(x_eval)
    fold = np.zeros(N_TRAIN, dtype=int)
    for c in range(10):
        idx = np.where(y == c)[0]
        fold[idx] = np.arange(len(idx)) % FOLDS
    cv = [(np.where(fold != f)[0], np.where(fold == f)[0]) for f in range(FOLDS)]
    out = {"grid": GRID, "folds": fold.tolist(), "versions": {
        "sklearn": sklearn.__version__, "numpy": np.__version__}}
    for name, scoring in (("logloss", "neg_log_loss"), ("error", "accuracy")):
        m = LogisticRegressionCV(Cs=GRID, cv=cv, scoring=scoring, solver="lbfgs", tol=1e-10,
                                 max_iter=20000, refit=True)
        m.fit(xs, y)
        scores = np.asarray(m.scores_[next(iter(m.scores_))])  # folds x Cs, "higher is better"
        per_fold = -scores if name == "logloss" else 1.0 - scores
        out[name] = {
            "per_fold": per_fold.tolist(),
            "mean": per_fold.mean(axis=0).tolist(),
            "chosen_c": float(m.C_[0]),
            "chosen_index": int(GRID.index(float(m.C_[0]))),
            "predictions": m.predict(xe).tolist(),
        }
        print(name, "chosen C", m.C_[0], "index", out[name]["chosen_index"], file=sys.stderr)
    ll, err = exact_scores(xs, y, fold)
    out["exact"] = {"logloss_mean": ll.mean(axis=0).tolist(),
                    "error_mean": err.mean(axis=0).tolist()}
    with open(argv[1], "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
