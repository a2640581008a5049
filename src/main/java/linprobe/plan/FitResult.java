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
 * @param evaluatedRows the fit's work: rows summed over every evaluation of the logistic loss
 *     and its gradient, cross-validation's fold fits and validation's path included (each costs
 *     two GEMMs, 4 k d flops a row); 0 for naive Bayes and for a fit kept from an earlier run
 */
public record FitResult(String model, Subset subset, LinearModel fitted, double[] solution,
    int iterations, boolean converged, long fitMs, double c, String cSource,
    CSelection.Trace selection, long evaluatedRows) implements Serializable {

  /** A closed-form fit (naive Bayes): no iterations. */
  public static FitResult closedForm(String model, Subset subset, LinearModel fitted, long ms) {
    return new FitResult(model, subset, fitted, null, 0, true, ms, Double.NaN, null, null, 0);
  }

  /** The same fit with the C it used and where that came from. */
  public FitResult withC(double value, String source, CSelection.Trace trace) {
    return new FitResult(model, subset, fitted, solution, iterations, converged, fitMs, value,
        source, trace, evaluatedRows);
  }

  /** The same fit with its work (see evaluatedRows). */
  public FitResult withWork(long rows) {
    return new FitResult(model, subset, fitted, solution, iterations, converged, fitMs, c,
        cSource, selection, rows);
  }

  /**
   * A logistic regression travels (from the task that fitted it) without its model, which is
   * its solution's copy, rebuilt on arrival: half the bytes, the same bits.
   */
  private Object writeReplace() {
    return solution != null ? new Shipped(this) : this;
  }

  /** A fit from its solution, as {@link #logistic} builds it. */
  private record Shipped(String model, Subset subset, double[] solution, int iterations,
      boolean converged, long fitMs, double c, String cSource, CSelection.Trace selection,
      long evaluatedRows, int classes) implements Serializable {
    Shipped(FitResult f) {
      this(f.model, f.subset, f.solution, f.iterations, f.converged, f.fitMs, f.c, f.cSource,
          f.selection, f.evaluatedRows, f.fitted.classes());
    }

    private Object readResolve() {
      FitResult f = logistic(subset, classes, solution, iterations, converged, fitMs);
      return new FitResult(model, subset, f.fitted, solution, iterations, converged, fitMs, c,
          cSource, selection, evaluatedRows);
    }
  }

  /** A logistic regression from its coefficients [W (k x d), b] in the subset's scaled space. */
  public static FitResult logistic(Subset subset, int classes, double[] solution, int iterations,
      boolean converged, long ms) {
    int d = subset.scaler().dim(), wLen = classes * d;
    LinearModel m = new LinearModel(classes, d, false, Arrays.copyOf(solution, wLen),
        Arrays.copyOfRange(solution, wLen, wLen + classes), subset.scaler());
    return new FitResult("lr", subset, m, solution, iterations, converged, ms, Double.NaN, null,
        null, 0);
  }

  /** The fits.csv row once the test set has scored the model. */
  public Fit scored(Scores scores) {
    return subset.id().fit(model, subset.rows(), scores, c, cSource, iterations, converged,
        fitMs);
  }
}
