package linprobe.math;

/**
 * The line search of an L-BFGS run whose objective is known to float32 precision only (float32
 * GEMMs, see {@link LogisticRegression}): Breeze's strong Wolfe conditions, or, where the step's
 * value is within eps |phi(0)| of phi(0) either way, Hager and Zhang's approximate Wolfe
 * conditions (CG_DESCENT, SIAM J. Optim. 16, 2005): (2 delta - 1) phi'(0) >= phi'(t) >= c2
 * phi'(0). Near the optimum a step lowers the objective by less than float32 can tell, and the
 * sufficient-decrease test compares two values that differ by less than their rounding: Breeze's
 * search then fails (and the fit had to continue in double). The approximate conditions test the
 * decrease through the directional derivative instead (for a quadratic they are the
 * sufficient-decrease test with c1 = delta), which the float32 GEMMs get to far finer precision
 * than the objective's change. Where the values do tell (further apart than eps |phi(0)|),
 * Breeze's test decides: there a step must lower the objective as it does in Breeze's search.
 *
 * <p>The objective (cross-entropy plus L2) is convex along the line, so phi' is increasing: a
 * point that is not acceptable lies either before the minimum along the line (phi' below
 * c2 phi'(0): the step grows by 1.5 as in Breeze) or past it (phi' at or above 0, or a value
 * above phi(0) + eps |phi(0)|), and the zoom brackets the zero of phi'. A zoom step interpolates
 * a cubic through both ends' values and slopes (as Breeze does) where the values differ by more
 * than {@link #RESOLVED} x the slack, else a secant on the slopes, and stays inside the bracket's
 * middle 80%.
 */
final class Float32LineSearch {
  private Float32LineSearch() {}

  /** phi(t) and phi'(t) at a step t along the search direction. */
  record Point(double t, double value, double slope) {
    boolean finite() {
      return Double.isFinite(value) && Double.isFinite(slope);
    }
  }

  /** The line: evaluates the objective and its directional derivative at step t. */
  @FunctionalInterface
  interface Line {
    Point at(double t);
  }

  /**
   * No acceptable step within the search's evaluations (or Breeze's step-size underflow on a
   * float32 run): BreezeLbfgs ends the float32 run, and the fit continues in double.
   */
  static final class Failed extends RuntimeException {
    Failed(String message) {
      super(message, null, false, false);
    }
  }

  /** Breeze's sufficient-decrease and curvature constants (StrongWolfeLineSearch). */
  static final double C1 = 1e-4, C2 = 0.9;
  /** Hager and Zhang's delta: the derivative form of sufficient decrease. */
  static final double DELTA = 0.1;
  /**
   * How close to phi(0), relative to |phi(0)|, a step's value must be for the approximate
   * conditions to decide: 10 x the float32 objective's error (about 1e-8 of its value,
   * docs/performance.md), 10 x below the default tolerance (Breeze's objective-value test: 1e-6
   * of the starting value over 20 iterations).
   */
  static final double EPS = 1e-7;
  /**
   * Values further apart than this many x EPS |phi(0)| (1e-4 of it, 10,000 x float32's error)
   * are trusted for a cubic interpolation.
   */
  static final double RESOLVED = 1000;
  /** Evaluations of each phase, bracketing and zooming (Breeze's: 10 and 10). */
  static final int MAX_STEPS = 10;

  /** A step from init, or {@link Failed}. */
  static double search(Line phi, double init) {
    Point zero = phi.at(0);
    double f0 = zero.value(), d0 = zero.slope();
    if (!(d0 < 0) || !Double.isFinite(d0) || !Double.isFinite(f0)) {
      throw new Failed("not a descent direction: phi'(0) = " + d0);
    }
    double slack = EPS * Math.abs(f0);
    Point low = zero, hi = null;
    double t = init;
    for (int i = 0; hi == null; i++) {
      if (i == MAX_STEPS) throw new Failed("no acceptable or bracketing step in " + i + " tries");
      Point c = phi.at(t);
      if (!c.finite()) {
        t = (low.t() + t) / 2;
      } else if (acceptable(c, f0, d0, slack)) {
        return c.t();
      } else if (past(c, f0, slack)) {
        hi = c;
      } else {
        low = c;
        t *= 1.5;
      }
    }
    for (int i = 0; i < MAX_STEPS; i++) {
      double w = hi.t() - low.t();
      double guess = Math.abs(hi.value() - low.value()) > RESOLVED * slack ? cubic(low, hi)
          : Double.NaN;
      if (Double.isNaN(guess)) {
        guess = hi.slope() > low.slope()
            ? low.t() - low.slope() * w / (hi.slope() - low.slope()) : low.t() + w / 2;
      }
      Point c = phi.at(Math.min(Math.max(guess, low.t() + 0.1 * w), low.t() + 0.9 * w));
      if (c.finite() && acceptable(c, f0, d0, slack)) return c.t();
      if (!c.finite() || past(c, f0, slack)) {
        hi = c;
      } else {
        low = c;
      }
    }
    throw new Failed("no acceptable step in the bracket");
  }

  /**
   * Strong Wolfe (Breeze's test), or approximate Wolfe where the value is within the slack of
   * phi(0) (where float32 cannot tell the two apart).
   */
  static boolean acceptable(Point c, double f0, double d0, double slack) {
    if (c.slope() < C2 * d0) return false;
    boolean wolfe = c.value() <= f0 + C1 * c.t() * d0 && c.slope() <= -C2 * d0;
    boolean approximate = c.slope() <= (2 * DELTA - 1) * d0 && Math.abs(c.value() - f0) <= slack;
    return wolfe || approximate;
  }

  private static boolean past(Point c, double f0, double slack) {
    return c.slope() >= 0 || c.value() > f0 + slack;
  }

  /**
   * The minimiser of the cubic through both ends' values and slopes (Nocedal and Wright,
   * Numerical Optimization, eq. 3.59); NaN where it has none.
   */
  static double cubic(Point l, Point r) {
    double d1 = l.slope() + r.slope() - 3 * (l.value() - r.value()) / (l.t() - r.t());
    double d2 = Math.sqrt(d1 * d1 - l.slope() * r.slope());
    return r.t() - (r.t() - l.t()) * (r.slope() + d2 - d1) / (r.slope() - l.slope() + 2 * d2);
  }
}
