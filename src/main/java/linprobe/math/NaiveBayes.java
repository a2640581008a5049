package linprobe.math;

/**
 * Gaussian naive Bayes from per-class sufficient statistics, as a {@link LinearModel}.
 *
 * <p>Shared variance (the paper's, model "nb"): var_k = ddof-0 variance + eps (absolute), priors
 * pi_k = n_k / m, pooled sigma^2 = sum_k pi_k var_k. The boundary is linear:
 * W_kj = mu_kj / sigma^2_j, b_k = log pi_k - 1/2 sum_j mu_kj^2 / sigma^2_j.
 *
 * <p>Per-class variance (scikit-learn GaussianNB and Spark MLlib "gaussian", model
 * "nb-perclass"): var_kj = ddof-0 variance + 1e-9 * max_j var(X_j) and the log-likelihood is
 * linear in [x, x^2]: coefficient mu/var on x, -1/(2 var) on x^2, and
 * b_k = log pi_k - 1/2 sum_j (log(2 pi var_kj) + mu_kj^2 / var_kj).
 */
public final class NaiveBayes {
  private NaiveBayes() {}

  /**
   * @param rawStats per-class statistics of the training subset in raw feature space
   * @param scaler the subset's scaler; statistics are mapped through it in closed form
   */
  public static LinearModel sharedVariance(GaussianStats[] rawStats, Scaler scaler, double eps) {
    GaussianStats[] st = scaled(rawStats, scaler);
    int k = st.length, d = scaler.dim();
    double m = totalCount(st);
    double[] sigma2 = new double[d];
    for (GaussianStats s : st) {
      double pi = s.count() / m;
      for (int j = 0; j < d; j++) sigma2[j] += pi * (s.variance(j) + eps);
    }
    double[] w = new double[k * d];
    double[] b = new double[k];
    for (int c = 0; c < k; c++) {
      double[] mu = st[c].mean();
      double quad = 0;
      for (int j = 0; j < d; j++) {
        w[c * d + j] = mu[j] / sigma2[j];
        quad += mu[j] * mu[j] / sigma2[j];
      }
      b[c] = Math.log(st[c].count() / m) - 0.5 * quad;
    }
    return new LinearModel(k, d, false, w, b, scaler);
  }

  /** The pooled variance sigma^2 of the shared-variance model (in scaled space). */
  public static double[] pooledVariance(GaussianStats[] rawStats, Scaler scaler, double eps) {
    GaussianStats[] st = scaled(rawStats, scaler);
    double m = totalCount(st);
    double[] sigma2 = new double[scaler.dim()];
    for (GaussianStats s : st) {
      for (int j = 0; j < sigma2.length; j++) sigma2[j] += s.count() / m * (s.variance(j) + eps);
    }
    return sigma2;
  }

  /**
   * @param varSmoothing relative smoothing: eps = varSmoothing * max_j var(X_j) over all rows
   */
  public static LinearModel perClassVariance(GaussianStats[] rawStats, Scaler scaler,
      double varSmoothing) {
    GaussianStats[] st = scaled(rawStats, scaler);
    int k = st.length, d = scaler.dim();
    double m = totalCount(st);
    GaussianStats all = GaussianStats.pooled(st);
    double maxVar = 0;
    for (int j = 0; j < d; j++) maxVar = Math.max(maxVar, all.variance(j));
    double eps = varSmoothing * maxVar;
    double[] w = new double[k * 2 * d];
    double[] b = new double[k];
    for (int c = 0; c < k; c++) {
      double[] mu = st[c].mean();
      double acc = 0;
      for (int j = 0; j < d; j++) {
        double var = st[c].variance(j) + eps;
        w[c * 2 * d + j] = mu[j] / var;
        w[c * 2 * d + d + j] = -0.5 / var;
        acc += Math.log(2 * Math.PI * var) + mu[j] * mu[j] / var;
      }
      b[c] = Math.log(st[c].count() / m) - 0.5 * acc;
    }
    return new LinearModel(k, d, true, w, b, scaler);
  }

  private static GaussianStats[] scaled(GaussianStats[] raw, Scaler scaler) {
    GaussianStats[] out = new GaussianStats[raw.length];
    for (int c = 0; c < raw.length; c++) {
      if (raw[c].count() == 0) {
        throw new IllegalArgumentException("class index " + c + " has no training rows");
      }
      out[c] = raw[c].scaled(scaler);
    }
    return out;
  }

  private static double totalCount(GaussianStats[] st) {
    double m = 0;
    for (GaussianStats s : st) m += s.count();
    return m;
  }
}
