"""Generate scikit-learn golden values for the linprobe Java tests.

Usage:
    /usr/bin/python3 src/test/python/golden_sklearn.py src/test/resources/golden/digits_sklearn.json

Needs numpy and scikit-learn (Debian: python3-sklearn). Writes one JSON file:

    x, y             first 400 rows of load_digits() (raw ints 0..16) and labels
    x_eval, y_eval   rows 400..599
    scaler           MinMaxScaler fitted on x (data_min, data_max, scale); it is
                     applied to x and x_eval before every model below
    lr               multinomial LogisticRegression(C=1, lbfgs, tol=1e-12)
    gnb              GaussianNB() (var_smoothing=1e-9)
    shared_nb        Gaussian NB with one pooled variance per feature (numpy)
    versions         sklearn / numpy versions used

Floats are written with repr precision, so they round-trip exactly to doubles.
"""

import json
import sys

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import MinMaxScaler

N_TRAIN = 400
N_EVAL = 200
C = 1.0
SHARED_NB_EPS = 1e-9  # absolute variance floor added to every per-class variance
N_LOG_PROBA = 20      # rows of GaussianNB.predict_log_proba to record


def log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def fit_lr(x, y, x_eval):
    # For lbfgs with >2 classes, multi_class="auto" already means multinomial
    # (and newer versions removed the option); passing nothing keeps it
    # portable and avoids deprecation warnings.
    lr = LogisticRegression(C=C, solver="lbfgs", max_iter=100000, tol=1e-12)
    lr.fit(x, y)
    assert lr.coef_.shape == (10, x.shape[1])

    # sklearn minimises C * sum(loss) + 0.5 * ||coef||^2; dividing by C*m gives
    # the mean cross-entropy + ||coef||^2 / (2 C m) form the Java code uses.
    # The intercept is not penalised.
    m = x.shape[0]
    logp = log_softmax(x @ lr.coef_.T + lr.intercept_)
    ce = -logp[np.arange(m), y].mean()
    objective = ce + (lr.coef_ ** 2).sum() / (2 * C * m)

    # Gradient of that objective, only printed as a convergence check.
    resid = np.exp(logp)
    resid[np.arange(m), y] -= 1.0
    g_coef = resid.T @ x / m + lr.coef_ / (C * m)
    g_int = resid.mean(axis=0)
    grad_norm = np.sqrt((g_coef ** 2).sum() + (g_int ** 2).sum())

    result = {
        "C": C,
        "coef": lr.coef_,
        "intercept": lr.intercept_,
        "objective": objective,
        "proba_eval": lr.predict_proba(x_eval),
        "pred_eval": lr.predict(x_eval),
        "n_iter": int(np.max(lr.n_iter_)),
    }
    return result, lr.predict(x), grad_norm


def fit_gnb(x, y, x_eval):
    gnb = GaussianNB()
    gnb.fit(x, y)
    result = {
        "theta": gnb.theta_,
        "var": gnb.var_,  # already includes epsilon
        "class_prior": gnb.class_prior_,
        "epsilon": gnb.epsilon_,  # var_smoothing * max feature variance over all rows
        "pred_eval": gnb.predict(x_eval),
        "log_proba_eval": gnb.predict_log_proba(x_eval[:N_LOG_PROBA]),
    }
    return result, gnb.predict(x)


def fit_shared_nb(x, y, x_eval):
    classes = np.unique(y)
    m = x.shape[0]
    mu = np.stack([x[y == k].mean(axis=0) for k in classes])
    var = np.stack([x[y == k].var(axis=0) for k in classes]) + SHARED_NB_EPS  # ddof=0
    prior = np.array([(y == k).sum() / m for k in classes])
    sigma2 = prior @ var  # pooled: sum_k pi_k var_k
    W = mu / sigma2
    b = np.log(prior) - 0.5 * (mu ** 2 / sigma2).sum(axis=1)
    result = {
        "W": W,
        "b": b,
        "sigma2": sigma2,
        "pred_eval": classes[np.argmax(x_eval @ W.T + b, axis=1)],
    }
    return result, classes[np.argmax(x @ W.T + b, axis=1)]


def to_plain(obj):
    """numpy arrays/scalars -> Python lists/ints/floats for json."""
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return to_plain(obj.tolist())
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    return obj


def dump(obj, indent=0):
    """JSON with one matrix row per line; json.dumps gives floats repr precision."""
    pad = "  " * indent
    if isinstance(obj, dict):
        items = ['%s  %s: %s' % (pad, json.dumps(k), dump(v, indent + 1))
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and obj and isinstance(obj[0], list):
        rows = [pad + "  " + json.dumps(r, allow_nan=False) for r in obj]
        return "[\n" + ",\n".join(rows) + "\n" + pad + "]"
    return json.dumps(obj, allow_nan=False)


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: %s OUT.json" % argv[0])

    digits = load_digits()
    X = digits.data.astype(np.int64)
    Y = digits.target.astype(np.int64)
    x_raw, y = X[:N_TRAIN], Y[:N_TRAIN]
    x_eval_raw, y_eval = X[N_TRAIN:N_TRAIN + N_EVAL], Y[N_TRAIN:N_TRAIN + N_EVAL]

    # MinMaxScaler maps constant columns (range 0) with scale 1, i.e. to x - min.
    scaler = MinMaxScaler().fit(x_raw.astype(np.float64))
    x = scaler.transform(x_raw.astype(np.float64))
    x_eval = scaler.transform(x_eval_raw.astype(np.float64))

    lr, lr_train, lr_grad = fit_lr(x, y, x_eval)
    gnb, gnb_train, = fit_gnb(x, y, x_eval)
    snb, snb_train = fit_shared_nb(x, y, x_eval)

    out = {
        "x": x_raw,
        "y": y,
        "x_eval": x_eval_raw,
        "y_eval": y_eval,
        "scaler": {
            "data_min": scaler.data_min_,
            "data_max": scaler.data_max_,
            "scale": scaler.scale_,
        },
        "lr": lr,
        "gnb": gnb,
        "shared_nb": snb,
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
    }
    with open(argv[1], "w") as f:
        f.write(dump(to_plain(out)) + "\n")

    print("wrote %s (sklearn %s, numpy %s)" % (argv[1], sklearn.__version__, np.__version__))
    print("lr: objective=%r n_iter=%d |grad|=%.3g train_acc=%.4f eval_acc=%.4f"
          % (lr["objective"], lr["n_iter"], lr_grad, (lr_train == y).mean(),
             (lr["pred_eval"] == y_eval).mean()))
    print("gnb: epsilon=%r train_acc=%.4f eval_acc=%.4f"
          % (gnb["epsilon"], (gnb_train == y).mean(), (gnb["pred_eval"] == y_eval).mean()))
    print("shared_nb: train_acc=%.4f eval_acc=%.4f"
          % ((snb_train == y).mean(), (snb["pred_eval"] == y_eval).mean()))


if __name__ == "__main__":
    main(sys.argv)
