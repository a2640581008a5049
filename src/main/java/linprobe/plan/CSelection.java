package linprobe.plan;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * How logistic regression's C is chosen from data when it is not fixed: on a log grid of C from
 * lo to hi with stepsPerDecade points per decade, a coarse pass over one point per decade (from
 * strong to weak regularization, each fit warm-started from the previous C's), then CLIP's
 * refinement: the step around the best point so far is halved until it is one grid step. The
 * score of a C is the mean over stratified folds of the held-out metric; the lowest score wins,
 * ties going to the smaller C (the stronger regularization). A subset whose folds would be
 * smaller than two rows per class (one shot) is fitted with the fallback C instead.
 *
 * @param folds at most this many folds (k = min(folds, shots))
 */
public record CSelection(double lo, double hi, int stepsPerDecade, boolean byError,
    double fallbackC, int folds) implements Serializable {

  /** The default protocol: 1e-4 to 1e4, 8 steps per decade, log-loss, fallback 1, 5 folds. */
  public static CSelection defaults() {
    return new CSelection(1e-4, 1e4, 8, false, 1.0, 5);
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

  /**
   * Runs the search over grid indices with score(j) (lower is better); see the class. Each index
   * is scored at most once, in the order a path from strong to weak regularization and then the
   * refinement visit them.
   */
  public Trace search(IntToDoubleFunction score) {
    int n = size();
    double[] s = new double[n];
    Arrays.fill(s, Double.NaN);
    int[] order = new int[n];
    int count = 0;
    int step = Math.max(1, stepsPerDecade);
    for (int j = 0; j < n; j += step) {
      s[j] = score.applyAsDouble(j);
      order[count++] = j;
    }
    if (Double.isNaN(s[n - 1])) {
      s[n - 1] = score.applyAsDouble(n - 1);
      order[count++] = n - 1;
    }
    for (int h = step / 2; h >= 1; h /= 2) {
      int best = best(s);
      for (int j : new int[] {best - h, best + h}) {
        if (j >= 0 && j < n && Double.isNaN(s[j])) {
          s[j] = score.applyAsDouble(j);
          order[count++] = j;
        }
      }
    }
    int[] evaluated = Arrays.copyOf(order, count);
    double[] scores = new double[count];
    for (int i = 0; i < count; i++) scores[i] = s[evaluated[i]];
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
