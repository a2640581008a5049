package linprobe.math;

import java.io.Serializable;

/**
 * Multinomial cross-entropy and its gradient summed over blocks of rows, one GEMM for the scores
 * and one for the gradient per block. Rows are stored as float32 and widened to double (scaled on
 * the way) into a block-sized scratch buffer, so accumulation is in double.
 *
 * <p>Coefficients are laid out [W (k x d, row-major), b (k)] in the scaled feature space. The
 * aggregator only sums; {@link LogisticObjective} turns sums into the scikit-learn objective.
 */
public final class SoftmaxAggregator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int classes;
  private final int dim;
  private double lossSum;
  private long count;
  private final double[] gradSum;

  public SoftmaxAggregator(int classes, int dim) {
    this.classes = classes;
    this.dim = dim;
    this.gradSum = new double[classes * dim + classes];
  }

  public double lossSum() {
    return lossSum;
  }

  public long count() {
    return count;
  }

  public double[] gradSum() {
    return gradSum;
  }

  /**
   * Adds n rows, already scaled to double (n x dim, row-major), with their labels.
   *
   * @param coef [W, b] in the scaled space
   * @param scores scratch of at least n * classes doubles
   */
  public SoftmaxAggregator add(double[] x, int[] labels, int n, double[] coef, double[] scores) {
    if (n == 0) return this;
    int k = classes, d = dim, wLen = k * d;
    Blas.scores(x, n, d, coef, k, scores);
    for (int r = 0; r < n; r++) {
      int o = r * k;
      for (int c = 0; c < k; c++) scores[o + c] += coef[wLen + c];
      int y = labels[r];
      double sy = scores[o + y];
      lossSum += Softmax.softmaxInPlace(scores, r, k) - sy;
      scores[o + y] -= 1.0; // scores now holds diff = p - onehot(y)
      for (int c = 0; c < k; c++) gradSum[wLen + c] += scores[o + c];
    }
    Blas.addGradient(scores, n, k, x, d, gradSum);
    count += n;
    return this;
  }

  public SoftmaxAggregator merge(SoftmaxAggregator other) {
    lossSum += other.lossSum;
    count += other.count;
    for (int i = 0; i < gradSum.length; i++) gradSum[i] += other.gradSum[i];
    return this;
  }
}
