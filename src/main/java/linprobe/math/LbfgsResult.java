package linprobe.math;

/**
 * Outcome of one L-BFGS run.
 *
 * @param reason Breeze's convergence reason, e.g. "function values converged", "max iterations"
 */
public record LbfgsResult(double[] x, double value, int iterations, boolean converged,
    String reason, int evaluations) {}
