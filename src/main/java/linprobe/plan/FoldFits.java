package linprobe.plan;

import linprobe.math.Curvature;
import linprobe.math.FoldSums;
import linprobe.math.LogisticRegression;
import linprobe.math.Preconditioner;
import linprobe.math.Scaler;
import linprobe.math.SoftmaxAggregator;

/**
 * The k fold fits of one subset at one C, run together: each fit is Breeze's L-BFGS in a thread
 * of its own, and its every evaluation of the data term waits until every unfinished fit has
 * asked for one; the last to ask sums them all in one pass over the rows
 * ({@link FoldSums.Terms}), and each fit goes on with its own sums. Each fit sees exactly the
 * numbers it would alone (the same coefficients, the same sums in the same order): only the
 * passes over the rows are shared, k - 1 models served from each chunk while it is in cache (in a
 * task), or one Spark job instead of k (over the cluster). One thread computes at a time.
 *
 * <p>The threads are new for every call, not pooled: a thread inherits Spark's local properties
 * (a notebook's job group, by which a cancelled cell cancels its jobs) when it is created, so
 * the jobs a fold thread submits belong to the caller's group.
 */
final class FoldFits {
  private FoldFits() {}

  /** L-BFGS state of the k fits together, in bytes, up to which fits run together. */
  static final long MAX_STATE_BYTES = 512L << 20;

  /**
   * Whether k fits of a model of classes x dim coefficients run together: their optimizers'
   * state (2 x memory vectors each) within {@link #MAX_STATE_BYTES}.
   */
  static boolean together(int folds, int classes, int dim, int memory) {
    long coefs = (long) classes * dim + classes;
    return folds * coefs * 8L * (2L * memory + 4) <= MAX_STATE_BYTES;
  }

  /**
   * How one fold's fit is set up: its rows' count, its start (or null), the curvature pairs of
   * this fold's fit at another C to start L-BFGS from (or null), whether to return the pairs it
   * ends with.
   */
  record Fold(long rows, double[] start, Curvature curvature, boolean keep) {}

  /**
   * Fits fold f's model (trained on every fold but f) for each f, all at C, each by
   * {@link LogisticRegression#foldFit}, over float32 rows (terms' rows float32) when float32 is
   * set.
   *
   * @return per fold, its fit
   */
  static LogisticRegression.Result[] fit(FoldSums.Terms terms, boolean float32, Fold[] folds,
      int classes, int dim, double c, int maxIter, double tol, Scaler scaler,
      Preconditioner pre) {
    int k = folds.length;
    Lockstep lock = new Lockstep(terms, k);
    LogisticRegression.Result[] out = new LogisticRegression.Result[k];
    Thread[] threads = new Thread[k];
    int started = 0;
    try {
      for (int f = 0; f < k; f++) {
        int fold = f;
        threads[f] = new Thread(() -> {
          try {
            out[fold] = LogisticRegression.foldFit(coef -> lock.request(fold, coef), float32,
                classes, dim, folds[fold].rows(), c, maxIter, tol, scaler, folds[fold].start(),
                pre, folds[fold].curvature(), folds[fold].keep());
          } catch (Throwable t) {
            lock.fail(t);
          } finally {
            lock.leave();
          }
        }, "linprobe-fold-" + f);
        threads[f].setDaemon(true);
        threads[f].start();
        started++;
      }
    } catch (Throwable t) { // no thread for the rest: they leave, so the started ones end
      lock.fail(t);
      for (int f = started; f < k; f++) lock.leave();
    }
    try {
      for (int f = 0; f < started; f++) threads[f].join();
    } catch (InterruptedException e) {
      for (int f = 0; f < started; f++) threads[f].interrupt();
      lock.fail(e);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fitting folds", e);
    }
    Throwable failure = lock.failure();
    if (failure instanceof RuntimeException r) throw r;
    if (failure instanceof Error e) throw e;
    if (failure != null) throw new IllegalStateException(failure);
    return out;
  }

  /** The rendezvous of the k fits: a round of sums once every unfinished fit has asked. */
  private static final class Lockstep {
    private final FoldSums.Terms terms;
    private final double[][] pending;
    private int active;
    private int waiting;
    private long round;
    private FoldSums result;
    private Throwable failure;

    Lockstep(FoldSums.Terms terms, int k) {
      this.terms = terms;
      this.pending = new double[k][];
      this.active = k;
    }

    synchronized SoftmaxAggregator request(int f, double[] coef) {
      if (failure != null) throw new Aborted();
      pending[f] = coef;
      waiting++;
      long mine = round;
      if (waiting == active) {
        compute();
      } else {
        while (round == mine) {
          try {
            wait();
          } catch (InterruptedException e) {
            fail(e);
            Thread.currentThread().interrupt();
          }
        }
      }
      if (failure != null) throw new Aborted();
      return result.get(f);
    }

    /** A fit has finished (or failed): the others no longer wait for it. */
    synchronized void leave() {
      active--;
      if (failure == null && active > 0 && waiting == active) compute();
    }

    synchronized void fail(Throwable t) {
      if (failure == null) failure = t;
      round++;
      notifyAll();
    }

    synchronized Throwable failure() {
      return failure;
    }

    private void compute() {
      try {
        result = terms.sums(pending.clone());
      } catch (Throwable e) { // Spark throws its checked SparkException undeclared
        failure = e;
      }
      java.util.Arrays.fill(pending, null);
      waiting = 0;
      round++;
      notifyAll();
    }
  }

  /** Thrown in a fit's thread when another's failure ends the round. */
  private static final class Aborted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Aborted() {
      super("fold fits aborted", null, false, false);
    }
  }
}
