package linprobe.curve;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;

/**
 * Bayes error of a mixture of K equiprobable Gaussians with means mu_k (the same value on every
 * coordinate) and a shared diagonal covariance with standard deviations sd.
 *
 * <p>Exact for any K: in whitened coordinates the class means are mu_k v with v_j = 1 / sd_j,
 * points on one line. The components orthogonal to that line have the same distribution in
 * every class and do not change the posterior, so the problem is the one-dimensional one of
 * unit-variance Gaussians at positions a_k = mu_k ||v||: the Bayes rule picks the nearest
 * position, the cells are bounded by the midpoints of adjacent positions, and the error is the
 * mean over classes of the two normal tails outside a class's cell. Tails are summed directly
 * (not 1 - a sum of probabilities), so tiny errors keep their relative precision.
 */
public final class BayesError {
  private BayesError() {}

  /** @param method "closed form" or "monte carlo (N draws)" */
  public record Estimate(double error, String method) {}

  /** The exact Bayes error (see the class comment). */
  public static Estimate of(double[] mu, double[] sd) {
    double norm = 0;
    for (double s : sd) norm += 1 / (s * s);
    norm = Math.sqrt(norm);
    double[] a = new double[mu.length];
    for (int k = 0; k < mu.length; k++) a[k] = mu[k] * norm;
    return new Estimate(onLine(a), "closed form");
  }

  /**
   * Bayes error of K equiprobable unit-variance Gaussians at positions a_k on a line, which must
   * be distinct.
   */
  public static double onLine(double[] positions) {
    if (positions.length < 2) throw new IllegalArgumentException("need at least two classes");
    double[] a = positions.clone();
    Arrays.sort(a);
    for (int k = 1; k < a.length; k++) {
      if (!(a[k] > a[k - 1])) throw new IllegalArgumentException("class means must be distinct");
    }
    double wrong = 0;
    for (int k = 0; k < a.length; k++) {
      // the cell of class k is (lo, hi), lo and hi the midpoints to its neighbours
      if (k > 0) wrong += upperTail((a[k] - a[k - 1]) / 2); // P(t < lo) = Phi(lo - a_k)
      if (k < a.length - 1) wrong += upperTail((a[k + 1] - a[k]) / 2); // P(t > hi)
    }
    return wrong / a.length;
  }

  /** P(Z > z) for a standard normal Z, accurate far into the tail. */
  static double upperTail(double z) {
    return 0.5 * Erf.erfc(z / Math.sqrt(2));
  }

  /** The Bayes classifier's error on draws from the mixture itself (a check of {@link #of}). */
  public static Estimate monteCarlo(double[] mu, double[] sd, int draws, long seed) {
    int k = mu.length, n = sd.length;
    SplittableRandom rnd = new SplittableRandom(seed);
    long wrong = 0;
    double[] x = new double[n];
    for (int t = 0; t < draws; t++) {
      int y = t % k;
      for (int j = 0; j < n; j++) x[j] = mu[y] + sd[j] * rnd.nextGaussian();
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double q = 0;
        for (int j = 0; j < n; j++) {
          double z = (x[j] - mu[c]) / sd[j];
          q += z * z;
        }
        if (-q > bestScore) {
          bestScore = -q;
          best = c;
        }
      }
      if (best != y) wrong++;
    }
    return new Estimate((double) wrong / draws, "monte carlo (" + draws + " draws)");
  }
}
