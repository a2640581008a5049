package linprobe.math;

/**
 * The curvature pairs an L-BFGS run ended with (its last steps s and gradient changes y, newest
 * first), in the optimizer's coordinates, and the L2 penalty strength of the objective they were
 * gathered on. A fit of the same rows at another strength can start from them: the penalty's
 * Hessian is known exactly (strength times a fixed diagonal D), so each pair is carried over as
 * y + (new - old strength) D s, the pair the new objective would have produced for the same
 * step where the data term is unchanged. L-BFGS then takes a quasi-Newton step from its first
 * iteration instead of a steepest-descent one: that is where warm starts along a path of C pay.
 *
 * <p>For a convex data term s.y stays positive after the shift (s.y_data &gt;= 0 and the new
 * penalty adds new strength x s.Ds &gt; 0), so the carried history is always valid.
 *
 * @param strength the penalty strength the pairs were gathered at
 * @param steps s, newest first
 * @param gradDeltas y, newest first
 */
public record Curvature(double strength, double[][] steps, double[][] gradDeltas) {

  /** Bytes held: what a caller keeping many of them budgets. */
  public long bytes() {
    long b = 0;
    for (double[] s : steps) b += 8L * s.length;
    for (double[] y : gradDeltas) b += 8L * y.length;
    return b;
  }

  /**
   * The pairs for an objective with penalty strength to instead of this one's, the penalty's
   * Hessian being strength x diag(penaltyDiag) (this, when the strength is the same).
   */
  public Curvature shifted(double to, double[] penaltyDiag) {
    double delta = to - strength;
    if (delta == 0) return this;
    double[][] ys = new double[gradDeltas.length][];
    for (int i = 0; i < ys.length; i++) {
      double[] s = steps[i];
      double[] y = gradDeltas[i].clone();
      for (int j = 0; j < y.length; j++) y[j] += delta * penaltyDiag[j] * s[j];
      ys[i] = y;
    }
    return new Curvature(to, steps, ys);
  }
}
