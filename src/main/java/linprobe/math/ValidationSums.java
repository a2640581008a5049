package linprobe.math;

/**
 * Held-out rows scored by one model: summed cross-entropy (clipped at the machine epsilon's, as
 * scikit-learn's log_loss and the test-set scoring) and misclassified rows. Mergeable, so the
 * rows of each canonical partition give a partial and partials merge in partition order.
 */
public final class ValidationSums implements Mergeable<ValidationSums> {
  private static final long serialVersionUID = 1L;
  private double logloss;
  private long errors;
  private long rows;

  public long rows() {
    return rows;
  }

  /** Mean of the metric over the rows: cross-entropy or error rate. */
  public double mean(boolean error) {
    return (error ? errors : logloss) / (double) rows;
  }

  /**
   * Adds a chunk of scaled rows scored by coefficients [W (k x d), b].
   *
   * @param scores scratch of at least rows.n() * classes doubles
   */
  public ValidationSums add(ScaledRows chunk, double[] coef, int classes, double[] scores) {
    int n = chunk.n(), k = classes, d = (coef.length - k) / k, wLen = k * d;
    if (n == 0) return this;
    Blas.scores(chunk.x(), chunk.xOff(), n, d, coef, k, scores);
    for (int r = 0; r < n; r++) {
      int o = r * k;
      for (int c = 0; c < k; c++) scores[o + c] += coef[wLen + c];
      int y = chunk.labels()[chunk.lOff() + r];
      if (Softmax.argmax(scores, r, k) != y) errors++;
      double sy = scores[o + y];
      logloss += Math.min(Softmax.softmaxInPlace(scores, r, k) - sy, Softmax.MAX_CROSS_ENTROPY);
    }
    rows += n;
    return this;
  }

  @Override
  public ValidationSums merge(ValidationSums o) {
    logloss += o.logloss;
    errors += o.errors;
    rows += o.rows;
    return this;
  }
}
