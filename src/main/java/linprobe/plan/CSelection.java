package linprobe.plan;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * How logistic regression's C is chosen from data when it is not fixed: on a log grid of C from
 * lo to hi with stepsPerDecade points per decade, a coarse pass of one point per decade (each fit
 * started from the C already fitted, see {@link CPath}), then CLIP's refinement: the step around
 * the best point so far is halved until it is one grid step. The score of a C is the mean over
 * stratified folds of the held-out metric; the lowest score wins, ties going to the lower
 * held-out log-loss when the metric is error (whose plateaus tie over decades), then to the
 * smaller C (the stronger regularization). A subset whose folds would be smaller than two rows
 * per class (one shot) is fitted with the fallback C instead.
 *
 * <p>With patience p &gt; 0 the coarse pass is a walk: for the first subset of a seed that is
 * searched (and for every row, should no subset before it in its chain have been searched)
 * from lo a decade at a time towards weaker regularization, stopping once it is p
 * decades past the best score so far (the weak end is where fits take the most iterations);
 * for every later subset from the C chosen for the next-smaller one, one grid step at a time
 * each way, each walk stopping p steps past the best, with no refinement after it: held-out
 * log-loss is smooth in C, and where the choice does not move the search costs 3 values of C
 * instead of the 7 of half-decade walks and their refinement. Walks stop at the ends of the
 * range. Patience 0 is CLIP's coarse pass: every decade from lo, for every subset; so is every
 * search with byError, whose score is a step function with plateaus (the strong end's, where
 * the weights all point along the class means) and, on small folds, several valleys.
 *
 * <p>With {@code validation} (--select validation) a C's score is instead that of the subset's
 * fit on all its rows, scored on held-out validation rows (CLIP's protocol); every subset is
 * searched, one shot included, and the fit at the chosen C is the subset's model.
 *
 * @param folds at most this many folds (k = min(folds, shots))
 * @param patience steps past the best before a walk stops; 0 for every decade
 * @param validation score on held-out validation rows instead of folds of the subset
 * @param cvTol the L-BFGS tolerance of cross-validation's fold fits (the refit with the chosen C
 *     uses the fit's own); scikit-learn's LogisticRegressionCV fits everything at 1e-4
 */
public record CSelection(double lo, double hi, int stepsPerDecade, boolean byError,
    double fallbackC, int folds, int patience, boolean validation, double cvTol)
    implements Serializable {

  /** The default tolerance of the fold fits (--lr-cv-tol). */
  public static final double DEFAULT_CV_TOL = 1e-4;

  /** Cross-validation inside each subset (--select cv), fold fits at the default tolerance. */
  public CSelection(double lo, double hi, int stepsPerDecade, boolean byError, double fallbackC,
      int folds, int patience) {
    this(lo, hi, stepsPerDecade, byError, fallbackC, folds, patience, false, DEFAULT_CV_TOL);
  }

  /** As the canonical constructor, fold fits at the default tolerance. */
  public CSelection(double lo, double hi, int stepsPerDecade, boolean byError, double fallbackC,
      int folds, int patience, boolean validation) {
    this(lo, hi, stepsPerDecade, byError, fallbackC, folds, patience, validation,
        DEFAULT_CV_TOL);
  }

  /** The same search with fold fits at tolerance tol. */
  public CSelection withCvTol(double tol) {
    return new CSelection(lo, hi, stepsPerDecade, byError, fallbackC, folds, patience,
        validation, tol);
  }

  /** Grid points per decade of C: CLIP's refinement ends on an eighth of a decade. */
  public static final int STEPS_PER_DECADE = 8;

  /** The default protocol: 1e-4 to 1e4, 8 steps per decade, log-loss, fallback 1, 5 folds,
   * patience 1. */
  public static CSelection defaults() {
    return new CSelection(1e-4, 1e4, STEPS_PER_DECADE, false, 1.0, 5, 1);
  }

  /** The grid index nearest to c, within the grid. */
  public int index(double c) {
    int j = (int) Math.round(Math.log10(c / lo) * stepsPerDecade);
    return Math.max(0, Math.min(size() - 1, j));
  }

  /** Number of grid points: lo, and every step up to hi (none beyond it). */
  public int size() {
    return size(lo, hi, stepsPerDecade);
  }

  /** Number of grid points from lo to hi at stepsPerDecade, as {@link #size()}. */
  public static int size(double lo, double hi, int stepsPerDecade) {
    return (int) Math.floor(Math.log10(hi / lo) * stepsPerDecade + 1e-6) + 1;
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

  /** {@link #search(int, IntToDoubleFunction)} with no previous choice: from lo. */
  public Trace search(IntToDoubleFunction score) {
    return search(-1, score);
  }

  /** {@link #search(int, IntToDoubleFunction, IntToDoubleFunction)} with no tie-break. */
  public Trace search(int previous, IntToDoubleFunction score) {
    return search(previous, score, j -> 0);
  }

  /**
   * Runs the search over grid indices with score(j) (lower is better); see the class. previous
   * is the grid index chosen for the next-smaller subset of the same seed, or -1 (ignored with
   * patience 0). Each index is scored at most once, in the order the walks and then the
   * refinement visit them. A score that is not a number (a fit whose weights overflowed) counts
   * as worse than every number: the search goes on among the others. Should every score be NaN,
   * it ends on a C of the grid, whose fit is scored on the test rows as any fit is (a non-finite
   * test error fails the run). Equal scores go to the lower tieBreak(j), asked only of indices
   * already scored (held-out log-loss when choosing by error, whose plateaus tie), then to the
   * smaller C.
   */
  public Trace search(int previous, IntToDoubleFunction score, IntToDoubleFunction tieBreak) {
    int n = size();
    Scores s = new Scores(n, tieBreak);
    int[] order = new int[n];
    int[] count = {0};
    IntToDoubleFunction visit = j -> {
      if (!s.scored[j]) {
        s.scored[j] = true;
        s.value[j] = score.applyAsDouble(j);
        order[count[0]++] = j;
      }
      return s.value[j];
    };
    int decade = Math.max(1, stepsPerDecade);
    int refineFrom;
    if (patience <= 0 || byError) {
      // held-out error is a step function of C: equal at every C of the strong end (the
      // weights all point along the class means), with several valleys on small folds; a walk
      // would stop on the first plateau or in the first valley
      for (int j = 0; j < n; j += decade) visit.applyAsDouble(j);
      visit.applyAsDouble(n - 1);
      refineFrom = decade / 2;
    } else if (previous < 0) {
      walk(0, decade, n, s, visit);
      refineFrom = decade / 2;
    } else {
      // log-loss is smooth in C: a grid step at a time finds the nearest minimum
      walk(Math.min(n - 1, previous), 1, n, s, visit);
      refineFrom = 0;
    }
    for (int h = refineFrom; h >= 1; h /= 2) {
      int best = s.best();
      for (int j : new int[] {best - h, best + h}) {
        if (j >= 0 && j < n) visit.applyAsDouble(j);
      }
    }
    int[] evaluated = Arrays.copyOf(order, count[0]);
    double[] scores = new double[evaluated.length];
    for (int i = 0; i < evaluated.length; i++) scores[i] = s.value[evaluated[i]];
    return new Trace(evaluated, scores, s.best());
  }

  /**
   * From grid index from, steps of the given size towards weaker regularization, then towards
   * stronger, each walk stopping once it is patience steps past the best score so far, or at
   * the end of the grid (clamped onto it).
   */
  private void walk(int from, int stride, int n, Scores s, IntToDoubleFunction visit) {
    visit.applyAsDouble(from);
    int reach = patience * stride;
    for (int j = from; j < n - 1 && j - s.best() < reach; ) {
      j = Math.min(n - 1, j + stride);
      visit.applyAsDouble(j);
    }
    for (int j = from; j > 0 && s.best() - j < reach; ) {
      j = Math.max(0, j - stride);
      visit.applyAsDouble(j);
    }
  }

  /** A search's scores by grid index, and which indices it has scored. */
  private static final class Scores {
    final double[] value;
    final boolean[] scored;
    final IntToDoubleFunction tieBreak;

    Scores(int n, IntToDoubleFunction tieBreak) {
      value = new double[n];
      scored = new boolean[n];
      this.tieBreak = tieBreak;
    }

    /**
     * The lowest score's index; among equal scores the lowest tie-break's, then the smallest
     * index; a score that is not a number is worse than every number (-1 when nothing is scored
     * yet).
     */
    int best() {
      int best = -1;
      for (int j = 0; j < value.length; j++) {
        if (!scored[j]) continue;
        if (best < 0 || better(value[j], value[best])
            || (value[j] == value[best]
                && better(tieBreak.applyAsDouble(j), tieBreak.applyAsDouble(best)))) {
          best = j;
        }
      }
      return best;
    }

    /** Whether score a beats score b: lower, and any number beats NaN. */
    private static boolean better(double a, double b) {
      return Double.isNaN(b) ? !Double.isNaN(a) : a < b;
    }
  }
}
