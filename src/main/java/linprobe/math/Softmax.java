package linprobe.math;

/** Row-wise softmax helpers shared by training and evaluation. */
public final class Softmax {
  /** scikit-learn's log_loss clips probabilities at the double machine epsilon. */
  public static final double MAX_CROSS_ENTROPY = -Math.log(Math.ulp(1.0));

  private Softmax() {}

  /**
   * Turns row r of scores (n x k, row-major) into probabilities in place and returns
   * log-sum-exp of the original scores (for the cross-entropy of any label).
   */
  public static double softmaxInPlace(double[] scores, int r, int k) {
    int o = r * k;
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) max = Math.max(max, scores[o + c]);
    double sum = 0;
    for (int c = 0; c < k; c++) {
      double e = Math.exp(scores[o + c] - max);
      scores[o + c] = e;
      sum += e;
    }
    double inv = 1.0 / sum;
    for (int c = 0; c < k; c++) scores[o + c] *= inv;
    return max + Math.log(sum);
  }

  /** Index of the largest score of row r; ties go to the lowest index, as numpy's argmax. */
  public static int argmax(double[] scores, int r, int k) {
    int o = r * k, best = 0;
    for (int c = 1; c < k; c++) if (scores[o + c] > scores[o + best]) best = c;
    return best;
  }
}
