package linprobe.math;

/**
 * Outcome of one L-BFGS run.
 *
 * @param reason Breeze's convergence reason, e.g. "function values converged", "max iterations"
 * @param curvature the curvature pairs it ended with, in the optimizer's coordinates, when
 *     asked for (else null)
 */
public record LbfgsResult(double[] x, double value, int iterations, boolean converged,
    String reason, int evaluations, Curvature curvature) {

  /** The same outcome without its curvature pairs (hundreds of MB at 1,000 classes). */
  public LbfgsResult withoutCurvature() {
    return new LbfgsResult(x, value, iterations, converged, reason, evaluations, null);
  }
}
