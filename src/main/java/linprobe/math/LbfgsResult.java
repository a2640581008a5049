package linprobe.math;

/**
 * Outcome of one L-BFGS run.
 *
 * @param reason Breeze's convergence reason, e.g. "function values converged", "max iterations"
 * @param curvature the curvature pairs it ended with, in the optimizer's coordinates, when
 *     asked for (else null)
 * @param initialValue the objective at the start: Breeze's tolerance is relative to it
 * @param searchFailed whether it stopped because a line search failed twice (no step lowered
 *     the objective as far as it could tell)
 */
public record LbfgsResult(double[] x, double value, int iterations, boolean converged,
    String reason, int evaluations, Curvature curvature, double initialValue,
    boolean searchFailed) {

  /** The same outcome without its curvature pairs (hundreds of MB at 1,000 classes). */
  public LbfgsResult withoutCurvature() {
    return new LbfgsResult(x, value, iterations, converged, reason, evaluations, null,
        initialValue, searchFailed);
  }

  /** The same outcome at x (the solution in other coordinates). */
  public LbfgsResult at(double[] x) {
    return new LbfgsResult(x, value, iterations, converged, reason, evaluations, curvature,
        initialValue, searchFailed);
  }
}
