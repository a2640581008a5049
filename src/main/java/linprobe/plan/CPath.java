package linprobe.plan;

import linprobe.math.Curvature;

/**
 * The fits a search for C has made so far on one subset, by grid index, one per fold (one for
 * --select validation), and where the next fit starts. A fit at grid index j starts:
 * <ul>
 *   <li>from the solutions at the nearest evaluated C on either side, interpolated linearly in
 *       log C, when there is one on each side (every step of a refinement, after a first
 *       subset's walk or a walk by error; single-step walks never leave a gap): the regularization
 *       path is smooth in log C, so this start is off by the square of the step where the
 *       nearest solution alone is off by the step (on workload A it halved the refinement's
 *       fold iterations);
 *   <li>else from the solution at the nearest evaluated C (the smaller on ties);
 *   <li>else from the given initial point (the previous subset's solution, or null).
 * </ul>
 * and L-BFGS starts from the curvature pairs of the fit at the nearest evaluated C (see
 * {@link Curvature}). The pairs of a C's fits are asked for ({@link #keepsNext}) only while all
 * kept pairs together, at L-BFGS's full memory, stay within a budget
 * ({@link #MAX_CURVATURE_BYTES}); once it is spent, later fits start from the nearest kept
 * pairs' C only if that is their nearest. With 5 folds and a memory of 10 a search of 7 C keeps
 * every C's pairs up to about 48,000 coefficients, one of 3 C (a single-step walk where the
 * choice stays) up to about 112,000 (workload A: 7,690); at 100 classes x 2,048 dimensions only
 * the first C's, and from about 335,000 coefficients none.
 */
final class CPath {
  /** Curvature pairs kept for one subset's search, in bytes. */
  static final long MAX_CURVATURE_BYTES = 256L << 20;

  private final double[][][] solutions;
  private final Curvature[][] curvatures;
  private final double[] initial;
  private final long pairBytes;
  private final long budget;
  private long kept;

  /**
   * @param initial where the first fit starts (a copy is not taken), or null for zeros
   * @param pairBytes the bytes of one C's pairs, all folds, at L-BFGS's full memory
   */
  CPath(int gridSize, double[] initial, long pairBytes) {
    this(gridSize, initial, pairBytes, MAX_CURVATURE_BYTES);
  }

  CPath(int gridSize, double[] initial, long pairBytes, long budget) {
    this.solutions = new double[gridSize][][];
    this.curvatures = new Curvature[gridSize][];
    this.initial = initial;
    this.pairBytes = pairBytes;
    this.budget = budget;
  }

  /** The bytes of one C's pairs: folds x memory x 2 vectors of the model's coefficients. */
  static long pairBytes(int folds, int classes, int dim, int memory) {
    return folds * ((long) classes * dim + classes) * 8L * 2L * memory;
  }

  /** Whether the next C's fits should return their curvature pairs: they will be kept. */
  boolean keepsNext() {
    return kept + pairBytes <= budget;
  }

  /**
   * Records the fits at grid index j: each fold's solution and, when {@link #keepsNext} said
   * so, curvature pairs.
   */
  void put(int j, double[][] solution, Curvature[] pairs) {
    solutions[j] = solution;
    if (keepsNext()) {
      curvatures[j] = pairs;
      kept += pairBytes;
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
