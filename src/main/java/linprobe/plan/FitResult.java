package linprobe.plan;

import java.io.Serializable;
import java.util.Arrays;
import linprobe.curve.Fit;
import linprobe.curve.Scores;
import linprobe.math.LinearModel;

/**
 * One probe fitted on one subset, before scoring: the linear model and how it was fitted.
 *
 * @param solution the optimizer's coefficients [W, b] in the subset's scaled space (logistic
 *     regression; null for the closed-form naive Bayes)
 * @param c logistic regression's C (NaN for naive Bayes)
 * @param cSource where C came from: "fixed", "cv" (chosen by cross-validation in the subset),
 *     "validation" (chosen on held-out validation rows) or "fallback" (a subset too small to
 *     cross-validate); null for naive Bayes
 * @param selection what the search evaluated (null unless cSource is "cv" or "validation")
 */
public record FitResult(String model, Subset subset, LinearModel fitted, double[] solution,
    int iterations, boolean converged, long fitMs, double c, String cSource,
    CSelection.Trace selection) implements Serializable {

  /** A closed-form fit (naive Bayes): no iterations. */
  public static FitResult closedForm(String model, Subset subset, LinearModel fitted, long ms) {
    return new FitResult(model, subset, fitted, null, 0, true, ms, Double.NaN, null, null);
  }

  /** The same fit with the C it used and where that came from. */
  public FitResult withC(double value, String source, CSelection.Trace trace) {
    return new FitResult(model, subset, fitted, solution, iterations, converged, fitMs, value,
        source, trace);
  }

  /** A logistic regression from its coefficients [W (k x d), b] in the subset's scaled space. */
  public static FitResult logistic(Subset subset, int classes, double[] solution, int iterations,
      boolean converged, long ms) {
    int d = subset.scaler().dim(), wLen = classes * d;
    LinearModel m = new LinearModel(classes, d, false, Arrays.copyOf(solution, wLen),
        Arrays.copyOfRange(solution, wLen, wLen + classes), subset.scaler());
    return new FitResult("lr", subset, m, solution, iterations, converged, ms, Double.NaN, null,
        null);
  }

  /** The fits.csv row once the test set has scored the model. */
  public Fit scored(Scores scores) {
    return subset.id().fit(model, subset.rows(), scores, c, cSource, iterations, converged,
        fitMs);
  }
}
