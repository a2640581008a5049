package linprobe.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import linprobe.spark.Synthetic;
import org.junit.jupiter.api.Test;

class BayesErrorTest {
  @Test
  void twoClassClosedFormAndMonteCarloAgree() {
    // paper mixture, K = 2, n = 4: means -1 and 1, variances (4, 4, 1, 1):
    // Delta^2 = 4 * (1/4 + 1/4 + 1 + 1) = 10, Bayes error = Phi(-sqrt(10)/2) = 0.05692
    double[] mu = Synthetic.paperMeans(2), sd = Synthetic.paperStd(4);
    BayesError.Estimate exact = BayesError.of(mu, sd, 0, 1);
    assertEquals("closed form", exact.method());
    assertEquals(0.056923, exact.error(), 1e-5);
    BayesError.Estimate mc = BayesError.monteCarlo(mu, sd, 400_000, 3);
    assertEquals(exact.error(), mc.error(), 0.002);
  }

  @Test
  void moreClassesUseMonteCarlo() {
    BayesError.Estimate e = BayesError.of(Synthetic.paperMeans(3), Synthetic.paperStd(4), 50_000, 1);
    assertEquals("monte carlo (50000 draws)", e.method());
    // classes 1 and 2 (means 1 and 2) are the close pair: error well above the 2-class one
    assertTrue(e.error() > 0.06 && e.error() < 0.5, "error " + e.error());
  }
}
