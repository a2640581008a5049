package linprobe.math;

/**
 * scikit-learn's multinomial logistic regression objective, divided by C m so it is of order one:
 * f(W, b) = (1/m) sum_i CE_i + ||W||^2 / (2 C m), intercept b not penalised. Same minimiser as
 * scikit-learn's 1/2 ||W||^2 + C sum_i CE_i, and equal to Spark MLlib's with regParam = 1/(C m).
 */
public final class LogisticObjective {
  private LogisticObjective() {}

  /**
   * Sums of the cross-entropy terms over the training rows for coefficients coef; the
   * aggregator may be reused by the next call.
   */
  @FunctionalInterface
  public interface DataTerm {
    SoftmaxAggregator sums(double[] coef);
  }

  /** The objective as a Breeze-ready loss function. */
  public static LossFunction of(DataTerm data, int classes, int dim, double c, long m) {
    int wLen = classes * dim;
    double penalty = 1.0 / (c * m);
    return (coef, grad) -> {
      SoftmaxAggregator agg = data.sums(coef);
      double[] g = agg.gradSum();
      double reg = 0;
      for (int i = 0; i < wLen; i++) {
        reg += coef[i] * coef[i];
        grad[i] = g[i] / m + penalty * coef[i];
      }
      for (int i = wLen; i < g.length; i++) grad[i] = g[i] / m;
      return agg.lossSum() / m + 0.5 * penalty * reg;
    };
  }
}
