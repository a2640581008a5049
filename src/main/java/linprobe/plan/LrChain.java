package linprobe.plan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import linprobe.math.LogisticObjective;
import linprobe.math.LogisticRegression;
import linprobe.math.Scaler;

/**
 * The logistic regressions of one seed's nested subsets, in ascending size (or of "all" alone),
 * fitted one after another, each optionally warm-started from the previous solution. A chain
 * runs wherever its rows are: its small prefix inside one Spark task on the rows shipped there,
 * the rest on the driver with the loss summed over the cluster; both sum the same partitions in
 * the same order, so where a fit ran never changes its numbers.
 */
public final class LrChain implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What every logistic regression of a run shares. */
  public record Settings(int classes, int dim, double c, int maxIter, double tol,
      boolean warmStart) implements Serializable {}

  private final List<Subset> subsets;
  private final Settings settings;

  public LrChain(List<Subset> subsets, Settings settings) {
    this.subsets = List.copyOf(subsets);
    this.settings = settings;
  }

  /** One chain per seed (its subsets in the order given, ascending) and one for "all". */
  public static List<LrChain> of(List<Subset> subsets, Settings settings) {
    List<LrChain> out = new ArrayList<>();
    List<Subset> current = new ArrayList<>();
    Object chainOf = null;
    for (Subset s : subsets) {
      Object key = s.id() instanceof SubsetId.Sampled sm ? (Object) sm.seedIndex() : "all";
      if (!key.equals(chainOf) && !current.isEmpty()) {
        out.add(new LrChain(current, settings));
        current = new ArrayList<>();
      }
      chainOf = key;
      current.add(s);
    }
    if (!current.isEmpty()) out.add(new LrChain(current, settings));
    return out;
  }

  public List<Subset> subsets() {
    return subsets;
  }

  public int classes() {
    return settings.classes();
  }

  public int size() {
    return subsets.size();
  }

  /** Training rows summed over the first count fits: a proxy for their cost. */
  public long work(int count) {
    long w = 0;
    for (int i = 0; i < count; i++) w += subsets.get(i).rows();
    return w;
  }

  /** How many of the first fits have subsets of at most budget bytes of float32 features. */
  public int prefixWithin(long budgetBytes) {
    int n = 0;
    while (n < subsets.size() && subsets.get(n).rows() * settings.dim() * 4L <= budgetBytes) n++;
    return n;
  }

  /**
   * Fits entries [from, to), each on the rows rowsOf gives for its subset, chaining warm starts
   * from x0 (the previous entry's solution, or null).
   *
   * @param record finished fits kept for --resume, or null
   * @param log print a line per fit (inside Spark tasks, where the driver hears of fits only
   *     when the job ends)
   */
  public List<FitResult> fit(int from, int to, Function<Subset, LogisticObjective.DataTerm> rowsOf,
      double[] x0, FitRecord record, boolean log) {
    List<FitResult> out = new ArrayList<>();
    double[] start = x0;
    Settings s = settings;
    for (int i = from; i < to; i++) {
      Subset subset = subsets.get(i);
      FitResult kept = record == null ? null : record.find(subset, s.classes());
      if (kept != null) {
        out.add(kept);
        start = kept.solution();
        continue;
      }
      long t = System.currentTimeMillis();
      double[] x = s.warmStart() && start != null && i > 0
          ? rescale(start, subsets.get(i - 1).scaler(), subset.scaler(), s.classes()) : null;
      LogisticRegression.Result r = LogisticRegression.fit(rowsOf.apply(subset), s.classes(),
          s.dim(), subset.rows(), s.c(), s.maxIter(), s.tol(), subset.scaler(), x,
          subset.preconditioner());
      FitResult done = FitResult.logistic(subset, s.classes(), r.lbfgs().x(),
          r.lbfgs().iterations(), r.lbfgs().converged(), System.currentTimeMillis() - t);
      if (record != null) record.record(done);
      out.add(done);
      if (log) {
        System.err.printf(Locale.ROOT, "linprobe: (in task) lr %s n=%d iter=%d %.1fs%n",
            subset.id(), subset.rows(), done.iterations(), done.fitMs() / 1000.0);
      }
      start = done.solution();
    }
    return out;
  }

  /**
   * Coefficients [W, b] fitted in one scaled space, mapped into another so that the raw-space
   * decision function is unchanged: each subset has its own scaler, so the previous solution is
   * a good start only once expressed in the new subset's coordinates.
   */
  static double[] rescale(double[] coef, Scaler from, Scaler to, int classes) {
    int dim = from.dim(), wLen = classes * dim;
    double[] out = coef.clone();
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
}
