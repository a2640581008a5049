package linprobe.curve;

import java.util.List;

/**
 * One fitted probe evaluated on the test set.
 *
 * @param shots shots per class, or {@link #ALL} for every training row
 * @param seed the subset's seed, or -1 for "all" (no sampling: fitted once)
 * @param top5Error see {@link Scores#top5Error()}: NaN with 5 classes or fewer
 * @param balancedError see {@link Scores#balancedError()}
 * @param recall per class index, see {@link Scores#recall()}
 * @param c logistic regression's C (NaN for naive Bayes)
 * @param cSource "fixed", "cv", "validation" or "fallback" (null for naive Bayes)
 * @param iterations L-BFGS iterations (0 for naive Bayes, which is closed form)
 */
public record Fit(String model, int shots, long seed, long nTrain, double error, double logloss,
    double top5Error, double balancedError, List<Double> recall, double c, String cSource,
    int iterations, boolean converged, long fitMs) {
  public static final int ALL = Integer.MAX_VALUE;

  public Fit {
    recall = List.copyOf(recall);
  }

  /** A fit with its test scores. */
  public Fit(String model, int shots, long seed, long nTrain, Scores s, double c,
      String cSource, int iterations, boolean converged, long fitMs) {
    this(model, shots, seed, nTrain, s.error(), s.logloss(), s.top5Error(), s.balancedError(),
        s.recall(), c, cSource, iterations, converged, fitMs);
  }

  /** A fit known only by its error and log-loss (the other scores NaN, no per-class recall). */
  public Fit(String model, int shots, long seed, long nTrain, double error, double logloss,
      int iterations, boolean converged, long fitMs) {
    this(model, shots, seed, nTrain, error, logloss, Double.NaN, Double.NaN, List.of(),
        Double.NaN, null, iterations, converged, fitMs);
  }

  /** The same fit with its wall time zeroed, for comparing runs. */
  public Fit withoutTiming() {
    return new Fit(model, shots, seed, nTrain, error, logloss, top5Error, balancedError, recall,
        c, cSource, iterations, converged, 0);
  }

  public static String shotsLabel(int shots) {
    return shots == ALL ? "all" : Integer.toString(shots);
  }
}
