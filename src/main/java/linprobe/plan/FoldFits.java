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
 * asked for one; then the calling thread sums them all in one pass over the rows
 * ({@link FoldSums.Terms}), and each fit goes on with its own sums. Each fit sees exactly the
 * numbers it would alone (the same coefficients, the same sums in the same order): only the
 * passes over the rows are shared, k - 1 models served from each chunk while it is in cache (in a
 * task), or one Spark job instead of k (over the cluster). One thread computes at a time.
 *
 * <p>The fits' threads are pooled (a search runs k fits at each of its values of C; with new
 * threads each time workload A's tuned run took 9% longer, docs/performance.md). They inherit
 * nothing from the caller that created them and never submit Spark jobs: the sums are computed
 * on the caller's thread, so the jobs carry its Spark local properties (a notebook's job group,
 * by which a cancelled cell cancels its jobs).
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
    int started = 0;
    try {
      for (int f = 0; f < k; f++) {
        int fold = f;
        THREADS.execute(() -> {
          try {
            out[fold] = LogisticRegression.foldFit(coef -> lock.request(fold, coef), float32,
                classes, dim, folds[fold].rows(), c, maxIter, tol, scaler, folds[fold].start(),
                pre, folds[fold].curvature(), folds[fold].keep());
          } catch (Throwable t) {
            lock.fail(t);
          } finally {
            lock.leave();
          }
        });
        started++;
      }
    } catch (Throwable t) { // no thread for the rest: they leave, so the started ones end
      lock.fail(t);
      for (int f = started; f < k; f++) lock.leave();
    }
    boolean interrupted = lock.serve();
    Throwable failure = lock.failure();
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fitting folds", failure);
    }
    if (failure instanceof RuntimeException r) throw r;
    if (failure instanceof Error e) throw e;
    if (failure != null) throw new IllegalStateException(failure);
    return out;
  }

  /** The fits' threads: daemons, kept for a minute between searches. */
  private static final java.util.concurrent.ExecutorService THREADS;

  static {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    THREADS = new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE, 60,
        java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
        r -> {
          // no inheritable thread locals (Spark's local properties, its active session) and
          // linprobe's class loader: a pooled thread outlives the caller that created it
          Thread t = new Thread(null, r, "linprobe-fold-" + n.getAndIncrement(), 0, false);
          t.setContextClassLoader(FoldFits.class.getClassLoader());
          t.setDaemon(true);
          return t;
        });
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
      if (waiting == active) notifyAll(); // the caller's turn
      while (round == mine && failure == null) {
        try {
          wait();
        } catch (InterruptedException e) {
          fail(e);
          Thread.currentThread().interrupt();
        }
      }
      if (failure != null) throw new Aborted();
      return result.get(f);
    }

    /** A fit has finished (or failed): the others no longer wait for it. */
    synchronized void leave() {
      active--;
      notifyAll();
    }

    synchronized void fail(Throwable t) {
      if (failure == null) failure = t;
      round++;
      notifyAll();
    }

    synchronized Throwable failure() {
      return failure;
    }

    /**
     * The caller's part: a round of sums each time every unfinished fit has asked, until every
     * fit has left. Returns whether the caller was interrupted (the fits are then failed, and
     * have left when this returns).
     */
    synchronized boolean serve() {
      boolean interrupted = false;
      while (active > 0) {
        if (failure == null && waiting > 0 && waiting == active) {
          compute();
          continue;
        }
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
          fail(e);
        }
      }
      return interrupted;
    }

    private void compute() {
      try {
        result = terms.sums(pending.clone());
      } catch (Throwable e) { // Spark throws its checked SparkException undeclared
        failure = e;
        // a job interrupted while it ran: the interrupt was the caller's, serve() reports it
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
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
