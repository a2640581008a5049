"""End-to-end golden for linprobe's `curve` command: scikit-learn's test error and
log-loss on the bundled digits sample (data-samples/digits) at shots = all.

Usage:
    /usr/bin/python3 src/test/python/golden_curve_sklearn.py \
        src/test/resources/golden/digits_curve_all.json

Needs numpy, scipy and scikit-learn (Debian: python3-sklearn); no Parquet reader. The data are
rebuilt the way data-samples/make_idx.py made them: load_digits(), split with
train_test_split(test_size=1/3, stratify=y, random_state=0), rows in the order it returns
them (the Parquet `id` column is that order). The JSON records fingerprints of both splits
(see fingerprint()) so the Java test (GoldenCurveTest) can check that the Parquet files
hold exactly these rows before comparing any number.

The protocol (the paper's, /work/shared/PROTOCOL.md; README "What it computes"):
    scaling      MinMaxScaler fitted on every training row, applied to the test rows
    nb           Gaussian NB with one pooled variance per feature: per-class ML means,
                 per-class ddof-0 variance + 1e-9 (absolute), priors n_k/m,
                 sigma2 = sum_k pi_k var_k, linear decision (numpy)
    nb-perclass  GaussianNB() (var_smoothing=1e-9)
    lr           LogisticRegression(C=1, lbfgs, multinomial, tol=1e-10, max_iter=100000)
    lr_optimum   the same objective minimised to a gradient norm near 1e-13: scipy's L-BFGS-B
                 (ftol=0) from scikit-learn's solution, then trust-region Newton-CG. scikit-learn
                 1.2 passes only gtol=tol to scipy's L-BFGS-B, which then stops on its default
                 ftol (2.2e-9 relative decrease of the objective) however small tol is: on
                 digits at a gradient norm near 6e-6, with a test log-loss 4.5e-6 below the
                 optimum's. linprobe is held to the optimum (and to scikit-learn within 1e-4).
Metrics on the test rows: 0-1 error (and the count of misclassified rows) and
sklearn.metrics.log_loss (clips probabilities at the double machine epsilon). For McNemar's test
of lr against each naive Bayes model: the test rows only lr classifies correctly and those only
the naive Bayes model does (lr's predictions at the exact optimum, the same rows as
scikit-learn's).

Floats are written with repr precision, so they round-trip exactly to doubles.
"""

import json
import sys

import numpy as np
import scipy
import scipy.optimize
import sklearn
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import MinMaxScaler

C = 1.0
LR_TOL = 1e-10
LR_MAX_ITER = 100000
SHARED_NB_EPS = 1e-9


def fingerprint(x, y):
    """Exact integer fingerprints of a split, in row order (row i = Parquet id i):
    pixels = sum_i sum_j (i+1) (j+1) x_ij, labels = sum_i (i+1) y_i."""
    x = x.astype(np.int64)
    y = y.astype(np.int64)
    i = np.arange(1, x.shape[0] + 1, dtype=np.int64)
    j = np.arange(1, x.shape[1] + 1, dtype=np.int64)
    return {
        "rows": int(x.shape[0]),
        "dim": int(x.shape[1]),
        "pixels": int(i @ (x @ j)),
        "labels": int(i @ y),
        "class_counts": np.bincount(y, minlength=10).tolist(),
    }


def log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def scores(y_test, pred, proba, classes):
    n_err = int((pred != y_test).sum())
    return {
        "errors": n_err,
        "error": n_err / y_test.shape[0],
        "logloss": float(log_loss(y_test, proba, labels=classes)),
    }


def shared_nb(x, y, x_test, classes):
    m = x.shape[0]
    mu = np.stack([x[y == k].mean(axis=0) for k in classes])
    var = np.stack([x[y == k].var(axis=0) for k in classes]) + SHARED_NB_EPS  # ddof 0
    prior = np.array([(y == k).sum() / m for k in classes])
    sigma2 = prior @ var
    W = mu / sigma2
    b = np.log(prior) - 0.5 * (mu ** 2 / sigma2).sum(axis=1)
    z = x_test @ W.T + b
    return classes[np.argmax(z, axis=1)], np.exp(log_softmax(z))


def per_class_nb(x, y, x_test):
    gnb = GaussianNB().fit(x, y)
    return gnb.predict(x_test), gnb.predict_proba(x_test), float(gnb.epsilon_)


class LrObjective:
    """Mean cross-entropy + ||W||^2 / (2 C m), intercept unpenalised (scikit-learn's objective
    divided by C m), over w = [W row-major (K x d), b]."""

    def __init__(self, x, y, k):
        self.x, self.m, self.d, self.k = x, x.shape[0], x.shape[1], k
        self.onehot = np.eye(k)[y]

    def split(self, w):
        return w[:self.k * self.d].reshape(self.k, self.d), w[self.k * self.d:]

    def value_grad(self, w):
        W, b = self.split(w)
        logp = log_softmax(self.x @ W.T + b)
        obj = -(logp * self.onehot).sum() / self.m + (W ** 2).sum() / (2 * C * self.m)
        r = np.exp(logp) - self.onehot
        g = np.concatenate([(r.T @ self.x / self.m + W / (C * self.m)).ravel(), r.mean(axis=0)])
        return obj, g

    def hessp(self, w, v):
        W, b = self.split(w)
        p = np.exp(log_softmax(self.x @ W.T + b))
        V, vb = self.split(v)
        u = self.x @ V.T + vb
        t = p * (u - (p * u).sum(axis=1, keepdims=True))
        return np.concatenate([(t.T @ self.x / self.m + V / (C * self.m)).ravel(), t.mean(axis=0)])


def min_top2_log_odds(proba):
    """Smallest log-odds between a test row's two likeliest classes: how far the closest row is
    from flipping its prediction."""
    top2 = np.sort(proba, axis=1)[:, -2:]
    return float(np.min(np.log(top2[:, 1]) - np.log(top2[:, 0])))


def lr(x, y, x_test, classes):
    model = LogisticRegression(C=C, solver="lbfgs", tol=LR_TOL, max_iter=LR_MAX_ITER)
    model.fit(x, y)
    assert model.coef_.shape[0] == 10  # multinomial for K > 2 with lbfgs
    f = LrObjective(x, y, len(classes))
    w0 = np.concatenate([model.coef_.ravel(), model.intercept_])
    obj0, g0 = f.value_grad(w0)
    proba = model.predict_proba(x_test)
    extra = {"objective": float(obj0), "grad_norm": float(np.linalg.norm(g0)),
             "n_iter": int(np.max(model.n_iter_)), "min_log_odds_top2": min_top2_log_odds(proba)}

    r1 = scipy.optimize.minimize(f.value_grad, w0, jac=True, method="L-BFGS-B",
                                 options={"maxiter": 100000, "ftol": 0, "gtol": 1e-13,
                                          "maxcor": 50})
    r2 = scipy.optimize.minimize(f.value_grad, r1.x, jac=True, hessp=f.hessp, method="trust-ncg",
                                 options={"gtol": 1e-13, "maxiter": 200})
    W, b = f.split(r2.x)
    p_opt = np.exp(log_softmax(x_test @ W.T + b))
    pred_opt = classes[np.argmax(p_opt, axis=1)]
    opt_obj, opt_g = f.value_grad(r2.x)
    optimum = {"objective": float(opt_obj), "grad_norm": float(np.linalg.norm(opt_g)),
               "min_log_odds_top2": min_top2_log_odds(p_opt)}
    return model.predict(x_test), proba, extra, pred_opt, p_opt, optimum


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: %s OUT.json" % argv[0])
    digits = load_digits()
    X = digits.data.astype(np.uint8)
    Y = digits.target.astype(np.uint8)
    x_tr, x_te, y_tr, y_te = train_test_split(X, Y, test_size=1 / 3, stratify=Y, random_state=0)
    y_tr = y_tr.astype(np.int64)
    y_te = y_te.astype(np.int64)
    classes = np.unique(y_tr)

    scaler = MinMaxScaler().fit(x_tr.astype(np.float64))
    x = scaler.transform(x_tr.astype(np.float64))
    xt = scaler.transform(x_te.astype(np.float64))

    models = {}
    p, q = shared_nb(x, y_tr, xt, classes)
    pred = {"nb": p}
    models["nb"] = scores(y_te, p, q, classes)
    p, q, eps = per_class_nb(x, y_tr, xt)
    pred["nb-perclass"] = p
    models["nb-perclass"] = dict(scores(y_te, p, q, classes), var_epsilon=eps)
    p, q, extra, p_opt, q_opt, optimum = lr(x, y_tr, xt, classes)
    lr_right = p_opt == y_te
    discordant = {nb: {"lr_only_right": int((lr_right & (pn != y_te)).sum()),
                       "nb_only_right": int((~lr_right & (pn == y_te)).sum())}
                  for nb, pn in pred.items()}
    models["lr"] = dict(scores(y_te, p, q, classes), **extra)
    models["lr_optimum"] = dict(scores(y_te, p_opt, q_opt, classes), **optimum)

    out = {
        "shots": "all",
        "train": fingerprint(x_tr, y_tr),
        "test": fingerprint(x_te, y_te),
        "protocol": {"scaling": "minmax", "nb_epsilon": SHARED_NB_EPS,
                     "nb_perclass_var_smoothing": 1e-9, "lr_C": C, "lr_tol": LR_TOL,
                     "lr_max_iter": LR_MAX_ITER},
        "models": models,
        "discordant": discordant,
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__,
                     "scipy": scipy.__version__},
    }
    with open(argv[1], "w") as f:
        json.dump(out, f, indent=2, allow_nan=False)
        f.write("\n")
    print("wrote %s (sklearn %s, numpy %s)" % (argv[1], sklearn.__version__, np.__version__))
    for name, r in models.items():
        print("%-12s errors=%d/%d error=%r logloss=%r" % (name, r["errors"], y_te.shape[0],
                                                           r["error"], r["logloss"]))
    print("lr: objective=%r |grad|=%.3g n_iter=%d min top-2 log-odds=%.3g"
          % (extra["objective"], extra["grad_norm"], extra["n_iter"],
             extra["min_log_odds_top2"]))
    print("lr_optimum: objective=%r |grad|=%.3g min top-2 log-odds=%.3g"
          % (optimum["objective"], optimum["grad_norm"], optimum["min_log_odds_top2"]))


if __name__ == "__main__":
    main(sys.argv)
