package linprobe.plan;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * How logistic regression's C is chosen from data when it is not fixed: on a log grid of C from
 * lo to hi with stepsPerDecade points per decade, a coarse pass of one point per decade (each fit
 * warm-started from the nearest C already fitted), then CLIP's refinement: the step around the
 * best point so far is halved until it is one grid step. The score of a C is the mean over
 * stratified folds of the held-out metric; the lowest score wins, ties going to the smaller C
 * (the stronger regularization). A subset whose folds would be smaller than two rows per class
 * (one shot) is fitted with the fallback C instead.
 *
 * <p>The coarse pass starts at a given grid point (lo for the first subset of a seed, the C
 * chosen for the next-smaller subset after that) and walks a decade at a time towards weaker,
 * then towards stronger regularization; with patience p &gt; 0 a walk stops once it is p decades
 * past the best score so far (the weak end is where fits take the most iterations, and is rarely
 * chosen), always at the ends of the range. Patience 0 visits every decade from lo, as CLIP
 * does.
 *
 * <p>With {@code validation} (--select validation) a C's score is instead that of the subset's
 * fit on all its rows, scored on held-out validation rows (CLIP's protocol); every subset is
 * searched, one shot included, and the fit at the chosen C is the subset's model.
 *
 * @param folds at most this many folds (k = min(folds, shots))
 * @param patience decades past the best before a coarse walk stops; 0 for the whole range
 * @param validation score on held-out validation rows instead of folds of the subset
 */
public record CSelection(double lo, double hi, int stepsPerDecade, boolean byError,
    double fallbackC, int folds, int patience, boolean validation) implements Serializable {

  /** Cross-validation inside each subset (--select cv). */
  public CSelection(double lo, double hi, int stepsPerDecade, boolean byError, double fallbackC,
      int folds, int patience) {
    this(lo, hi, stepsPerDecade, byError, fallbackC, folds, patience, false);
  }

  /** The default protocol: 1e-4 to 1e4, 8 steps per decade, log-loss, fallback 1, 5 folds,
   * patience 2. */
  public static CSelection defaults() {
    return new CSelection(1e-4, 1e4, 8, false, 1.0, 5, 2);
  }

  /** The grid index nearest to c, within the grid. */
  public int index(double c) {
    int j = (int) Math.round(Math.log10(c / lo) * stepsPerDecade);
    return Math.max(0, Math.min(size() - 1, j));
  }

  /** Number of grid points. */
  public int size() {
    return (int) Math.round(Math.log10(hi / lo) * stepsPerDecade) + 1;
  }

  /** The j-th C of the grid: lo x 10^(j / stepsPerDecade). */
  public double c(int j) {
    return Math.pow(10, Math.log10(lo) + (double) j / stepsPerDecade);
  }

  /** Folds for a subset: min(folds, shots) for a sampled subset, folds for every row. */
  public int foldsFor(SubsetId id) {
    return id instanceof SubsetId.Sampled s ? Math.min(folds, s.shots()) : folds;
  }

  public String metric() {
    return byError ? "error" : "logloss";
  }

  /** What the search evaluated, in order, and the grid index it chose. */
  public record Trace(int[] evaluated, double[] scores, int chosen) implements Serializable {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "chose %d of %s", chosen, Arrays.toString(evaluated));
    }
  }

  /** {@link #search(int, IntToDoubleFunction)} from lo. */
  public Trace search(IntToDoubleFunction score) {
    return search(0, score);
  }

  /**
   * Runs the search over grid indices with score(j) (lower is better), the coarse pass starting
   * at grid index start (ignored with patience 0); see the class. Each index is scored at most
   * once, in the order the walks and then the refinement visit them.
   */
  public Trace search(int start, IntToDoubleFunction score) {
    int n = size();
    double[] s = new double[n];
    Arrays.fill(s, Double.NaN);
    int[] order = new int[n];
    int[] count = {0};
    IntToDoubleFunction visit = j -> {
      if (Double.isNaN(s[j])) {
        s[j] = score.applyAsDouble(j);
        order[count[0]++] = j;
      }
      return s[j];
    };
    int step = Math.max(1, stepsPerDecade);
    if (patience <= 0) {
      for (int j = 0; j < n; j += step) visit.applyAsDouble(j);
      visit.applyAsDouble(n - 1);
    } else {
      int from = Math.max(0, Math.min(n - 1, start));
      visit.applyAsDouble(from);
      int reach = patience * step;
      for (int j = from; j < n - 1 && j - best(s) < reach; ) {
        j = Math.min(n - 1, j + step);
        visit.applyAsDouble(j);
      }
      for (int j = from; j > 0 && best(s) - j < reach; ) {
        j = Math.max(0, j - step);
        visit.applyAsDouble(j);
      }
    }
    for (int h = step / 2; h >= 1; h /= 2) {
      int best = best(s);
      for (int j : new int[] {best - h, best + h}) {
        if (j >= 0 && j < n) visit.applyAsDouble(j);
      }
    }
    int[] evaluated = Arrays.copyOf(order, count[0]);
    double[] scores = new double[evaluated.length];
    for (int i = 0; i < evaluated.length; i++) scores[i] = s[evaluated[i]];
    return new Trace(evaluated, scores, best(s));
  }

  /** The lowest score's index, the smallest index among ties (NaN: not evaluated). */
  static int best(double[] s) {
    int best = -1;
    for (int j = 0; j < s.length; j++) {
      if (!Double.isNaN(s[j]) && (best < 0 || s[j] < s[best])) best = j;
    }
    return best;
  }
}
