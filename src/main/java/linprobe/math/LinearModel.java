package linprobe.math;

import java.io.Serializable;

/**
 * A fitted probe: scores_k(x) = sum_j W_kj phi_j(x') + b_k with x' the scaled row and phi either
 * x' itself (logistic regression, shared-variance naive Bayes) or [x', x'^2] (per-class-variance
 * naive Bayes, quadratic in x'). Its posterior is the softmax of the scores. The test set is
 * scored in groups of models with their scalers folded into the weights (ScoringPass.Stacked);
 * {@link #scores(float[])} is the model's definition, row by row.
 *
 * @param weights k x p, row-major, p = dim or 2 * dim
 */
public record LinearModel(int classes, int dim, boolean quadratic, double[] weights, double[] bias,
    Scaler scaler) implements Serializable {

  public LinearModel {
    int p = quadratic ? 2 * dim : dim;
    if (weights.length != classes * p || bias.length != classes || scaler.dim() != dim) {
      throw new IllegalArgumentException("inconsistent linear model shapes");
    }
  }

  public int featureCount() {
    return quadratic ? 2 * dim : dim;
  }

  /** The feature map phi of rows [first, first + n) of a float block, into out (n x p). */
  public void features(float[] x, int first, int n, double[] out) {
    if (!quadratic) {
      scaler.apply(x, first, n, out);
      return;
    }
    int d = dim;
    double[] off = scaler.offset(), inv = scaler.invScale();
    for (int r = 0; r < n; r++) {
      int src = (first + r) * d, dst = r * 2 * d;
      for (int j = 0; j < d; j++) {
        double v = (x[src + j] - off[j]) * inv[j];
        out[dst + j] = v;
        out[dst + d + j] = v * v;
      }
    }
  }

  /** Scores (n x classes, row-major) of n feature rows (n x p). */
  public void scores(double[] features, int n, double[] out) {
    Blas.scores(features, n, featureCount(), weights, classes, out);
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < classes; c++) out[r * classes + c] += bias[c];
    }
  }

  /** Scores of one raw row (convenience for tests and small inputs). */
  public double[] scores(float[] row) {
    double[] f = new double[featureCount()];
    features(row, 0, 1, f);
    double[] s = new double[classes];
    scores(f, 1, s);
    return s;
  }

  public int predict(float[] row) {
    return Softmax.argmax(scores(row), 0, classes);
  }
}
