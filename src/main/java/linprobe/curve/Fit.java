package linprobe.curve;

/**
 * One fitted probe evaluated on the test set.
 *
 * @param shots shots per class, or {@link #ALL} for every training row
 * @param seed the subset's seed, or -1 for "all" (no sampling: fitted once)
 * @param iterations L-BFGS iterations (0 for naive Bayes, which is closed form)
 */
public record Fit(String model, int shots, long seed, long nTrain, double error, double logloss,
    int iterations, boolean converged, long fitMs) {
  public static final int ALL = Integer.MAX_VALUE;

  /** The same fit with its wall time zeroed, for comparing runs. */
  public Fit withoutTiming() {
    return new Fit(model, shots, seed, nTrain, error, logloss, iterations, converged, 0);
  }

  public static String shotsLabel(int shots) {
    return shots == ALL ? "all" : Integer.toString(shots);
  }
}
