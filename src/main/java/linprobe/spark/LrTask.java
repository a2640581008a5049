package linprobe.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import linprobe.math.LinearModel;
import linprobe.math.LogisticObjective;
import linprobe.math.LogisticRegression;
import linprobe.math.Preconditioner;
import linprobe.math.Scaler;
import linprobe.math.Scratch;
import linprobe.math.SoftmaxAggregator;

/**
 * The logistic-regression fits of one seed's nested subsets (or of "all", seed index -1), in
 * ascending size, each warm-started from the previous one's solution. It runs wherever its
 * subsets fit: inside one Spark task on the rows shipped to it (no Spark job per L-BFGS
 * evaluation) or on the driver with the loss aggregated over the cluster. Both compute the loss
 * with the same blocks, partials and merge order, so the numbers do not depend on where it ran.
 */
public final class LrTask implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Seed index, or -1 for "all". */
  public final int seed;
  /** One entry per fit: the largest bucket of its subset, its scaler and row count. */
  public final int[] maxBucket;
  public final Scaler[] scalers;
  /** Per fit, the coordinates L-BFGS works in (the subset's centred, scaled features). */
  public final Preconditioner[] preconditioners;
  public final long[] rows;
  public final int classes;
  public final int dim;
  public final double c;
  public final int maxIter;
  public final double tol;
  public final boolean warmStart;
  /** Where finished fits are recorded and found again on --resume; null for none. */
  public FitStore store;

  public LrTask(int seed, int[] maxBucket, Scaler[] scalers, Preconditioner[] preconditioners,
      long[] rows, int classes, int dim, double c, int maxIter, double tol, boolean warmStart) {
    this.seed = seed;
    this.maxBucket = maxBucket;
    this.scalers = scalers;
    this.preconditioners = preconditioners;
    this.rows = rows;
    this.classes = classes;
    this.dim = dim;
    this.c = c;
    this.maxIter = maxIter;
    this.tol = tol;
    this.warmStart = warmStart;
  }

  /** The model of coefficients [W, b] fitted in a subset's scaled space. */
  static LinearModel model(double[] x, int classes, int dim, Scaler scaler) {
    return new LinearModel(classes, dim, false, java.util.Arrays.copyOf(x, classes * dim),
        java.util.Arrays.copyOfRange(x, classes * dim, classes * dim + classes), scaler);
  }

  /** Rows summed over the first count fits: a proxy for their cost. */
  public long work(int count) {
    long w = 0;
    for (int i = 0; i < count; i++) w += rows[i];
    return w;
  }

  /** One fit's outcome. */
  public record Outcome(LinearModel model, double[] solution, int iterations, boolean converged,
      long fitMs) implements Serializable {}

  /** Fits entries [from, to) over a data term factory, chaining warm starts from x0. */
  public List<Outcome> fit(int from, int to, TermFactory data, double[] x0) {
    return fit(from, to, data, x0, false);
  }

  /** @param log print a line per fit (for fits inside Spark tasks) */
  public List<Outcome> fit(int from, int to, TermFactory data, double[] x0, boolean log) {
    List<Outcome> out = new ArrayList<>();
    double[] start = x0;
    for (int i = from; i < to; i++) {
      Outcome kept = store == null ? null : store.get(seed, maxBucket[i], classes, dim, scalers[i]);
      if (kept != null) {
        out.add(kept);
        start = kept.solution();
        continue;
      }
      long t = System.currentTimeMillis();
      double[] x = warmStart && start != null && i > 0
          ? rescale(start, scalers[i - 1], scalers[i]) : null;
      LogisticRegression.Result r = LogisticRegression.fit(data.term(maxBucket[i], scalers[i]),
          classes, dim, rows[i], c, maxIter, tol, scalers[i], x, preconditioners[i]);
      Outcome done = new Outcome(r.model(), r.lbfgs().x(), r.lbfgs().iterations(),
          r.lbfgs().converged(), System.currentTimeMillis() - t);
      if (store != null) store.put(seed, maxBucket[i], done, scalers[i]);
      out.add(done);
      if (log) {
        // inside a Spark task: the driver hears of these fits only when the job ends
        System.err.printf(java.util.Locale.ROOT, "linprobe: (in task) lr %s n=%d iter=%d %.1fs%n",
            seed < 0 ? "all" : "seed index " + seed + " size " + (i + 1), rows[i],
            r.lbfgs().iterations(), (System.currentTimeMillis() - t) / 1000.0);
      }
      start = r.lbfgs().x();
    }
    return out;
  }

  /**
   * Coefficients [W, b] fitted in one scaled space, mapped into another so that the raw-space
   * decision function is unchanged: each subset has its own scaler, so the previous solution is
   * a good start only once expressed in the new subset's coordinates.
   */
  double[] rescale(double[] coef, Scaler from, Scaler to) {
    double[] out = coef.clone();
    int wLen = classes * dim;
    for (int k = 0; k < classes; k++) {
      double shift = 0;
      for (int j = 0; j < dim; j++) {
        double w = coef[k * dim + j] * from.invScale()[j];
        out[k * dim + j] = w / to.invScale()[j];
        shift += w * (to.offset()[j] - from.offset()[j]);
      }
      out[wLen + k] = coef[wLen + k] + shift;
    }
    return out;
  }

  /** The data term of the subset with buckets up to maxBucket. */
  @FunctionalInterface
  public interface TermFactory {
    LogisticObjective.DataTerm term(int maxBucket, Scaler scaler);
  }

  /**
   * The data term over rows held in this JVM: canonical partitions of compacted blocks, summed
   * exactly as the distributed pass sums them (a partial per partition, merged in order). A fit
   * evaluates the loss hundreds of times on the same subset, so its rows are gathered and scaled
   * to double once per fit, with the same arithmetic as the distributed pass does per evaluation.
   */
  public TermFactory local(List<List<RowBlock>> partitions) {
    // one double buffer for the task's largest subset, refilled for each fit (fits run one
    // after another) and kept by the executor thread for its next task: no gigabytes of
    // short-lived arrays for the GC
    int total = 0;
    for (List<RowBlock> part : partitions) for (RowBlock b : part) total += b.n;
    double[] x = Scratch.doubles((long) total * dim);
    int[] labels = new int[total];
    double[] scores = new double[EmbeddingSource.BLOCK_ROWS * classes];
    SoftmaxAggregator sum = new SoftmaxAggregator(classes, dim);
    SoftmaxAggregator partial = new SoftmaxAggregator(classes, dim);
    return (maxBucket, scaler) -> {
      List<List<Passes.ScaledRows>> prepared = new ArrayList<>();
      int at = 0;
      for (List<RowBlock> part : partitions) {
        List<Passes.ScaledRows> p = new ArrayList<>();
        for (RowBlock b : part) {
          Passes.ScaledRows r = Passes.ScaledRows.into(b, seed < 0 ? -1 : 0, maxBucket, scaler,
              x, labels, at);
          at += r.n();
          if (r.n() > 0) p.add(r);
        }
        prepared.add(p);
      }
      // the aggregator returned is reused: valid until the next evaluation
      return coef -> {
        sum.reset();
        for (List<Passes.ScaledRows> part : prepared) {
          partial.reset();
          for (Passes.ScaledRows r : part) r.addTo(partial, coef, scores);
          sum.merge(partial);
        }
        return sum;
      };
    };
  }
}
