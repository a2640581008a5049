package linprobe.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import linprobe.spark.Synthetic;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class BayesErrorTest {
  static double phi(double z) {
    return new NormalDistribution().cumulativeProbability(z);
  }

  @Test
  void twoClassClosedFormAndMonteCarloAgree() {
    // paper mixture, K = 2, n = 4: means -1 and 1, variances (4, 4, 1, 1):
    // Delta^2 = 4 * (1/4 + 1/4 + 1 + 1) = 10, Bayes error = Phi(-sqrt(10)/2) = 0.05692
    double[] mu = Synthetic.paperMeans(2), sd = Synthetic.paperStd(4);
    BayesError.Estimate exact = BayesError.of(mu, sd);
    assertEquals("closed form", exact.method());
    assertEquals(0.056923, exact.error(), 1e-5);
    BayesError.Estimate mc = BayesError.monteCarlo(mu, sd, 400_000, 3);
    assertEquals(exact.error(), mc.error(), 0.002);
  }

  @Test
  void threeClassesByHand() {
    // positions -1.5, 1.5, 3 (the fixed mixture with D = 3): cells split at 0 and 2.25;
    // class 0 misses with Phi(-1.5), class 1 with Phi(-1.5) + Phi(-0.75), class 2 Phi(-0.75)
    double expected = (2 * phi(-1.5) + 2 * phi(-0.75)) / 3;
    assertEquals(0.1956231, expected, 1e-6);
    assertEquals(expected, BayesError.onLine(new double[] {3, -1.5, 1.5}), 1e-12);
    assertEquals(expected, BayesError.of(Synthetic.fixedMeans(3, 50, 3), Synthetic.paperStd(50))
        .error(), 1e-12);
  }

  @Test
  void exactAgreesWithMonteCarloInAllDimensions() {
    // the reduction to one dimension, checked against the Bayes classifier in all n dimensions
    for (int k : new int[] {3, 5}) {
      for (boolean fixed : new boolean[] {false, true}) {
        int n = 6;
        double[] mu = fixed ? Synthetic.fixedMeans(k, n, 2) : Synthetic.paperMeans(k);
        double[] sd = Synthetic.paperStd(n);
        double exact = BayesError.of(mu, sd).error();
        double mc = BayesError.monteCarlo(mu, sd, 400_000, 11 + k).error();
        // Monte Carlo's standard error is at most sqrt(0.25 / 400,000) = 0.0008
        assertEquals(exact, mc, 0.003, "K=" + k + " fixed=" + fixed);
        assertTrue(exact > 0.01, "a non-trivial check: " + exact);
      }
    }
  }

  @Test
  void fixedSeparationBayesErrorIsTheSameAtEveryDimension() {
    for (int k : new int[] {2, 3, 5}) {
      for (double d : new double[] {1, 3, 6}) {
        double at25 = BayesError.of(Synthetic.fixedMeans(k, 25, d), Synthetic.paperStd(25))
            .error();
        for (int n : new int[] {2, 3, 50, 100, 200, 400, 1000, 1001, 5000}) {
          double e = BayesError.of(Synthetic.fixedMeans(k, n, d), Synthetic.paperStd(n)).error();
          assertEquals(at25, e, 1e-14 * Math.max(1, at25), "K=" + k + " D=" + d + " n=" + n);
        }
        if (k == 2) assertEquals(phi(-d / 2), at25, 1e-12);
      }
    }
  }

  @Test
  void paperMixtureGetsEasierWithDimension() {
    // the paper's separation: Delta^2 = 2 + 2n for two classes, a Bayes error falling with n;
    // the tail is summed directly, so it stays positive and exact far out (n = 1000: ~1e-110)
    for (int k : new int[] {2, 3, 5}) {
      double previous = 1;
      for (int n : new int[] {25, 100, 400, 1000}) {
        double e = BayesError.of(Synthetic.paperMeans(k), Synthetic.paperStd(n)).error();
        assertTrue(e > 0 && e < previous, "K=" + k + " n=" + n + ": " + e);
        previous = e;
      }
    }
    assertEquals(Math.sqrt(2 + 2 * 100.0), Synthetic.paperDistance(100), 1e-12);
    double tail = BayesError.of(Synthetic.paperMeans(2), Synthetic.paperStd(1000)).error();
    // Phi(-z) ~ phi(z) / z (1 - 1/z^2) for large z
    double z = Math.sqrt(2002) / 2;
    double approx = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) / z * (1 - 1 / (z * z));
    assertEquals(1, tail / approx, 1e-3);
  }

  @Test
  void classMeansMustBeDistinct() {
    assertThrows(IllegalArgumentException.class, () -> BayesError.onLine(new double[] {1, 1}));
    assertThrows(IllegalArgumentException.class, () -> BayesError.onLine(new double[] {1}));
  }
}
