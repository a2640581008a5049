package linprobe.math;

import java.util.Iterator;

/**
 * scikit-learn's multinomial logistic regression objective, divided by C m so it is of order one:
 * f(W, b) = (1/m) sum_i CE_i + ||W||^2 / (2 C m), intercept b not penalised. Same minimiser as
 * scikit-learn's 1/2 ||W||^2 + C sum_i CE_i, and equal to Spark MLlib's with regParam = 1/(C m).
 *
 * <p>Split as MLlib splits it: the data term (a {@link SoftmaxAggregator} summed over the rows,
 * wherever they are held: {@link LocalRows} in this JVM, the distributed pass over the cluster,
 * both through {@link #partition}) and the L2 penalty, which needs no rows.
 */
public final class LogisticObjective {
  private LogisticObjective() {}

  /**
   * Sums of the cross-entropy terms over the training rows for coefficients coef; the
   * aggregator may be reused by the next call. coef is only read, and only during the call (the
   * caller rewrites it for the next one): nothing may keep it, on the driver or in a task.
   */
  @FunctionalInterface
  public interface DataTerm {
    SoftmaxAggregator sums(double[] coef);
  }

  /**
   * One canonical partition's partial of the data term: its chunks of subset rows added in
   * order to zero (float32 chunks with f32, loaded with coef's weights; null for double rows).
   * Every path that sums the data term sums its partitions by this method and merges the
   * partials in partition order, so the paths agree bit for bit.
   */
  public static SoftmaxAggregator partition(Iterator<ScaledRows> chunks, double[] coef,
      double[] scores, SoftmaxAggregator.Float32 f32, SoftmaxAggregator zero) {
    return Mergeable.fold(chunks, zero, (acc, rows) -> acc.add(rows, coef, scores, f32));
  }

  /** The objective as a Breeze-ready loss function: mean data term plus the L2 penalty. */
  public static LossFunction of(DataTerm data, int classes, int dim, double c, long m) {
    int wLen = classes * dim;
    double strength = strength(c, m);
    return (coef, grad) -> {
      SoftmaxAggregator agg = data.sums(coef);
      agg.gradMean(m, grad);
      return agg.lossSum() / m + addL2(coef, grad, wLen, strength);
    };
  }

  /** The L2 strength of C over m rows: scikit-learn's C x (sum of losses) + ||W||^2 / 2, over C m. */
  public static double strength(double c, long m) {
    return 1.0 / (c * m);
  }

  /**
   * The L2 penalty strength/2 ||W||^2 on the first wLen coefficients (the weights, not the
   * intercepts): adds its gradient to grad and returns its value.
   */
  static double addL2(double[] coef, double[] grad, int wLen, double strength) {
    double reg = 0;
    for (int i = 0; i < wLen; i++) {
      reg += coef[i] * coef[i];
      grad[i] += strength * coef[i];
    }
    return 0.5 * strength * reg;
  }
}
