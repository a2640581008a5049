package linprobe.math;

import java.util.Arrays;

/**
 * Multinomial logistic regression fitted by Breeze's L-BFGS on scikit-learn's objective (see
 * {@link LogisticObjective}). With two classes scikit-learn fits the binary model, whose penalty
 * on the single coefficient vector w = W_1 - W_0 is twice the multinomial one at its optimum
 * (W_1 = -W_0 = w/2); fitting the multinomial model with C/2 gives exactly the binary solution.
 */
public final class LogisticRegression {
  private LogisticRegression() {}

  /** The fitted model and how the optimizer got there. */
  public record Result(LinearModel model, LbfgsResult lbfgs) {}

  public static Result fit(LogisticObjective.DataTerm data, int classes, int dim, long rows,
      double c, int maxIter, double tol, Scaler scaler) {
    return fit(data, classes, dim, rows, c, maxIter, tol, scaler, null, null);
  }

  /**
   * @param start initial coefficients [W, b] (a warm start), or null for zeros
   * @param pre the optimizer's change of variables, or null to optimize over [W, b] directly;
   *     either way the result is in [W, b]
   */
  public static Result fit(LogisticObjective.DataTerm data, int classes, int dim, long rows,
      double c, int maxIter, double tol, Scaler scaler, double[] start, Preconditioner pre) {
    double cEff = classes == 2 ? c / 2 : c;
    LossFunction f = LogisticObjective.of(data, classes, dim, cEff, rows);
    double[] x0 = start != null ? start.clone() : new double[classes * dim + classes];
    if (pre != null) {
      f = pre.wrap(f, classes);
      x0 = pre.fromModel(x0, classes);
    }
    LbfgsResult r = BreezeLbfgs.minimize(f, x0, maxIter, linprobe.CurveOptions.LBFGS_MEMORY, tol);
    if (pre != null) {
      r = new LbfgsResult(pre.toModel(r.x(), classes), r.value(), r.iterations(), r.converged(),
          r.reason(), r.evaluations());
    }
    double[] w = Arrays.copyOf(r.x(), classes * dim);
    double[] b = Arrays.copyOfRange(r.x(), classes * dim, classes * dim + classes);
    return new Result(new LinearModel(classes, dim, false, w, b, scaler), r);
  }

  /**
   * Runs a tiny fit so that Breeze, the Scala collections under it and the BLAS binding are
   * loaded and initialised (about 1.5 s the first time in a JVM). CurveJob calls it in the
   * background while Spark reads the data, so the first real fit in this JVM does not pay it.
   */
  public static void warmUp() {
    float[] x = {0, 1, 2, 3};
    int[] y = {0, 0, 1, 1};
    Scaler id = Scaler.identity(1);
    fit(LocalRows.of(x, y, 4, 2, id), 2, 1, 4, 1.0, 20, 1e-6, id);
  }
}
