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
    return add(chunk, coef, classes, scores, null);
  }

  /**
   * As above; a float32 chunk (the rows of float32 fits) is scored with f32, which must hold
   * coef's weights ({@link SoftmaxAggregator.Float32#load}) and be made for chunks of at least
   * this one's rows: its scores by a float32 GEMM in the fits' pieces
   * ({@link SoftmaxAggregator#gemmRows}), then widened to double before the intercepts and the
   * softmax.
   */
  public ValidationSums add(ScaledRows chunk, double[] coef, int classes, double[] scores,
      SoftmaxAggregator.Float32 f32) {
    int n = chunk.n(), k = classes, d = (coef.length - k) / k, wLen = k * d;
    if (n == 0) return this;
    if (chunk.float32()) {
      int step = SoftmaxAggregator.gemmRows(k, d); // a fixed function of the shape, as in a fit
      double[] row = f32.row;
      for (int s = 0; s < n; s += step) {
        int m = Math.min(step, n - s);
        Blas.scores(chunk.xf(), chunk.xOff() + s * d, m, d, f32.w, k, f32.scores);
        for (int r = 0; r < m; r++) {
          for (int c = 0; c < k; c++) row[c] = f32.scores[r * k + c] + coef[wLen + c];
          add(row, 0, k, chunk.labels()[chunk.lOff() + s + r]);
        }
      }
      rows += n;
      return this;
    }
    Blas.scores(chunk.x(), chunk.xOff(), n, d, coef, k, scores);
    for (int r = 0; r < n; r++) {
      int o = r * k;
      for (int c = 0; c < k; c++) scores[o + c] += coef[wLen + c];
      add(scores, r, k, chunk.labels()[chunk.lOff() + r]);
    }
    rows += n;
    return this;
  }

  /** One row's scores (row r of k, intercepts added) against its label y. */
  private void add(double[] scores, int r, int k, int y) {
    if (Softmax.argmax(scores, r, k) != y) errors++;
    double sy = scores[r * k + y];
    logloss += Math.min(Softmax.softmaxInPlace(scores, r, k) - sy, Softmax.MAX_CROSS_ENTROPY);
  }

  @Override
  public ValidationSums merge(ValidationSums o) {
    logloss += o.logloss;
    errors += o.errors;
    rows += o.rows;
    return this;
  }
}
