package linprobe.plan;

import linprobe.math.Curvature;

/**
 * The fits a search for C has made so far on one subset, by grid index, one per fold (one for
 * --select validation), and where the next fit starts. A fit at grid index j starts:
 * <ul>
 *   <li>from the solutions at the nearest evaluated C on either side, interpolated linearly in
 *       log C, when there is one on each side (every step of the refinement): the regularization
 *       path is smooth in log C, so this start is off by the square of the step where the
 *       nearest solution alone is off by the step (on workload A it halved the refinement's
 *       fold iterations);
 *   <li>else from the solution at the nearest evaluated C (the smaller on ties);
 *   <li>else from the given initial point (the previous subset's solution, or null).
 * </ul>
 * and L-BFGS starts from the curvature pairs of the fit at the nearest evaluated C (see
 * {@link Curvature}), kept while all kept pairs together stay within
 * {@link #MAX_CURVATURE_BYTES}.
 */
final class CPath {
  /**
   * Curvature pairs kept for one subset's search, in bytes: beyond it (about 1,000 classes x 768
   * dimensions with 5 folds) the later fits start L-BFGS without them.
   */
  static final long MAX_CURVATURE_BYTES = 256L << 20;

  private final double[][][] solutions;
  private final Curvature[][] curvatures;
  private final double[] initial;
  private long kept;

  /** @param initial where the first fit starts (a copy is not taken), or null for zeros */
  CPath(int gridSize, double[] initial) {
    this.solutions = new double[gridSize][][];
    this.curvatures = new Curvature[gridSize][];
    this.initial = initial;
  }

  /** Records the fits at grid index j: each fold's solution and curvature pairs (or null). */
  void put(int j, double[][] solution, Curvature[] pairs) {
    solutions[j] = solution;
    long bytes = 0;
    for (Curvature p : pairs) bytes += p == null ? 0 : p.bytes();
    if (kept + bytes <= MAX_CURVATURE_BYTES) {
      curvatures[j] = pairs;
      kept += bytes;
    }
  }

  /** Fold f's solution at grid index j, which must have been evaluated. */
  double[] solution(int j, int f) {
    return solutions[j][f];
  }

  /** Where fold f's fit at grid index j starts (see the class), or null for zeros. */
  double[] start(int j, int f) {
    int below = j - 1;
    int above = j + 1;
    while (below >= 0 && solutions[below] == null) below--;
    while (above < solutions.length && solutions[above] == null) above++;
    if (below >= 0 && above < solutions.length) {
      double t = (double) (j - below) / (above - below);
      double[] a = solutions[below][f];
      double[] b = solutions[above][f];
      double[] x = new double[a.length];
      for (int i = 0; i < x.length; i++) x[i] = a[i] + t * (b[i] - a[i]);
      return x;
    }
    int n = nearest(j);
    return n < 0 ? initial : solutions[n][f];
  }

  /** The curvature pairs fold f's fit at grid index j starts from, or null. */
  Curvature curvature(int j, int f) {
    int n = nearest(j);
    return n < 0 || curvatures[n] == null ? null : curvatures[n][f];
  }

  /** The evaluated grid index nearest to j (the smaller on ties), or -1. */
  private int nearest(int j) {
    for (int dist = 1; dist < solutions.length; dist++) {
      if (j - dist >= 0 && solutions[j - dist] != null) return j - dist;
      if (j + dist < solutions.length && solutions[j + dist] != null) return j + dist;
    }
    return -1;
  }
}
