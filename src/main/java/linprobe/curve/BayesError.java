package linprobe.curve;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Bayes error of a mixture of K equiprobable Gaussians with means mu_k (the same on every
 * coordinate) and a shared diagonal covariance: in closed form for two classes, Phi(-Delta/2)
 * with Delta the Mahalanobis distance of the means; by Monte Carlo with the true Bayes
 * classifier otherwise.
 */
public final class BayesError {
  private BayesError() {}

  /** @param method "closed form" or "monte carlo (N draws)" */
  public record Estimate(double error, String method) {}

  public static Estimate of(double[] mu, double[] sd, int draws, long seed) {
    int k = mu.length, n = sd.length;
    if (k == 2) {
      double d2 = 0;
      for (double s : sd) d2 += (mu[1] - mu[0]) * (mu[1] - mu[0]) / (s * s);
      return new Estimate(new NormalDistribution().cumulativeProbability(-Math.sqrt(d2) / 2),
          "closed form");
    }
    return monteCarlo(mu, sd, draws, seed);
  }

  /** The Bayes classifier's error on draws from the mixture itself. */
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
