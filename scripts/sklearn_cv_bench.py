"""scikit-learn's LogisticRegressionCV on the digits learning-curve grid, timed: the baseline
for linprobe's tuned probes (jobs/bench digits-tuned runs both in one benchmark run).

Usage: /usr/bin/python3 scripts/sklearn_cv_bench.py [N_CS]
       /usr/bin/python3 scripts/sklearn_cv_bench.py N_CS TRAIN TEST SHOTS SEEDS
         (a Parquet table with `embedding` and `label`, e.g. jobs/bench small-tuned's: SHOTS a
         comma list where `all` is every row, SEEDS the number of seeds)
       N_CS = 0: no search, the fixed-C protocol of `curve --lr-c 1 --models nb,lr` instead:
         GaussianNB and LogisticRegression(C = 1, lbfgs, tol 1e-6 as linprobe's --lr-tol,
         max_iter 1000) on each MinMax-scaled subset (jobs/bench small-process's baseline)

The same grid as `jobs/linprobe curve --lr-c auto` on data-samples/digits: the 1,198 training
rows of scikit-learn's digits split as data-samples/make_idx.py makes it, shots per class 1, 2, 5,
10, 20, 50, 100 and all, seeds 0-4, nested stratified subsets, MinMax scaling fitted on each
subset, LogisticRegressionCV(Cs = N_CS log-spaced values in 1e-4..1e4 (default 33), stratified
k-fold with k = min(5, shots), neg_log_loss, lbfgs, max_iter 1000, tol 1e-4); a 1-shot subset is
fitted with C = 1 (LogisticRegression), as linprobe's fallback; a size that takes every row of
every class is all, fitted once, as linprobe fits it. Prints the time per size and the total,
and the mean test error per size.
"""

import os
import sys
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import MinMaxScaler

SHOTS = [1, 2, 5, 10, 20, 50, 100, None]


def load(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from parquet_lite import read_table
    t = read_table(path, columns=["embedding", "label"])
    return np.array([np.asarray(v, dtype=np.float64) for v in t["embedding"]]), np.array(t["label"])


def main(argv):
    n_cs = int(argv[1]) if len(argv) > 1 else 33
    cs = np.logspace(-4, 4, n_cs)
    if len(argv) > 2:
        x_tr, y_tr = load(argv[2])
        x_te, y_te = load(argv[3])
        shot_list = [None if s == "all" else int(s) for s in argv[4].split(",")]
        seeds = int(argv[5])
    else:
        d = load_digits()
        x_tr, x_te, y_tr, y_te = train_test_split(d.data, d.target, test_size=1 / 3,
                                                  random_state=0, stratify=d.target)
        shot_list, seeds = SHOTS, 5
    classes = np.unique(y_tr)
    # as linprobe: a size that takes every row of every class is all, fitted once
    largest = max(int(np.sum(y_tr == c)) for c in classes)
    shot_list = [None if s is not None and s >= largest else s for s in shot_list]
    shot_list = [s for i, s in enumerate(shot_list) if s is not None or None not in shot_list[:i]]
    total = 0.0
    for shots in shot_list:
        errors, nb_errors, t0 = [], [], time.time()
        for seed in range(1 if shots is None else seeds):
            rng = np.random.RandomState(seed)
            if shots is None:
                idx = np.arange(len(y_tr))
            else:
                idx = np.concatenate([rng.permutation(np.where(y_tr == c)[0])[:shots]
                                      for c in classes])
            x, y = x_tr[idx], y_tr[idx]
            sc = MinMaxScaler().fit(x)
            k = 5 if shots is None else min(5, shots)
            if n_cs == 0:
                nb = GaussianNB().fit(sc.transform(x), y)
                nb_errors.append(np.mean(nb.predict(sc.transform(x_te)) != y_te))
                m = LogisticRegression(C=1.0, tol=1e-6, max_iter=1000).fit(sc.transform(x), y)
            elif k < 2:
                m = LogisticRegression(C=1.0, max_iter=1000).fit(sc.transform(x), y)
            else:
                m = LogisticRegressionCV(Cs=cs, cv=StratifiedKFold(k), scoring="neg_log_loss",
                                         max_iter=1000).fit(sc.transform(x), y)
            errors.append(np.mean(m.predict(sc.transform(x_te)) != y_te))
        dt = time.time() - t0
        total += dt
        nb_part = "  nb %.4f" % np.mean(nb_errors) if nb_errors else ""
        print("shots %-4s %6.1f s  mean error %.4f%s" % (shots or "all", dt, np.mean(errors),
                                                        nb_part), flush=True)
    if n_cs == 0:
        print("sklearn GaussianNB + LogisticRegression(C = 1): %.1f s in all" % total)
    else:
        print("sklearn LogisticRegressionCV, %d Cs: %.1f s in all" % (n_cs, total))


if __name__ == "__main__":
    main(sys.argv)
