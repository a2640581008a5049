package linprobe.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import linprobe.math.GaussianStats;
import linprobe.math.Preconditioner;
import linprobe.math.Scaler;
import org.junit.jupiter.api.Test;

/**
 * The two coefficient maps: a warm start carried from one subset's scaled space to the next
 * (LrChain.rescale), and the optimizer's centred coordinates (Preconditioner). Each must leave
 * the raw-space decision function unchanged; checked on random rows against scores computed by
 * hand from the definitions.
 */
class CoefficientRemapTest {
  static final int K = 3;
  static final int D = 4;

  /** Scores of raw row x for coefficients [W, b] that act on (x - offset) * inv. */
  static double[] scores(double[] coef, double[] offset, double[] inv, double[] x) {
    double[] s = new double[K];
    for (int k = 0; k < K; k++) {
      s[k] = coef[K * D + k];
      for (int j = 0; j < D; j++) s[k] += coef[k * D + j] * (x[j] - offset[j]) * inv[j];
    }
    return s;
  }

  static double[] random(Random rnd, int n, double scale, double shift) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = shift + scale * rnd.nextGaussian();
    return v;
  }

  @Test
  void warmStartRescaleKeepsTheRawDecisionFunction() {
    Random rnd = new Random(11);
    Scaler from = new Scaler(random(rnd, D, 1, 0), random(rnd, D, 0.2, 1));
    Scaler to = new Scaler(random(rnd, D, 1, 0.5), random(rnd, D, 0.2, 2));
    double[] coef = random(rnd, K * D + K, 1, 0);
    double[] moved = LrChain.rescale(coef, from, to, K);
    for (int t = 0; t < 20; t++) {
      double[] x = random(rnd, D, 3, 0);
      assertArrayEquals(scores(coef, from.offset(), from.invScale(), x),
          scores(moved, to.offset(), to.invScale(), x), 1e-10);
    }
  }

  @Test
  void rescaleBetweenEqualScalersIsTheIdentity() {
    Random rnd = new Random(12);
    Scaler s = new Scaler(random(rnd, D, 1, 0), random(rnd, D, 0.2, 1));
    double[] coef = random(rnd, K * D + K, 1, 0);
    assertArrayEquals(coef, LrChain.rescale(coef, s, s, K), 1e-12);
  }

  @Test
  void preconditionerMapsAreInverseAndKeepTheDecisionFunction() {
    Random rnd = new Random(13);
    GaussianStats stats = new GaussianStats(D);
    for (int r = 0; r < 50; r++) stats.add(random(rnd, D, 2, 0.5));
    Preconditioner pre = Preconditioner.of(Scaler.identity(D), stats);
    double[] v = random(rnd, K * D + K, 1, 0);
    double[] w = pre.toModel(v, K);
    assertArrayEquals(v, pre.fromModel(w, K), 1e-12);
    double[] zeros = new double[D];
    double[] ones = new double[D];
    java.util.Arrays.fill(ones, 1.0);
    for (int t = 0; t < 20; t++) {
      double[] x = random(rnd, D, 2, 0);
      // the optimizer's V acts on z = (x - mean) * invStd; the model's W on x itself
      assertArrayEquals(scores(v, pre.mean(), pre.invStd(), x), scores(w, zeros, ones, x), 1e-10);
    }
  }

  @Test
  void preconditionerScaleIsOneOverSqrtOfVariancePlusFourTimesTheMean() {
    GaussianStats stats = new GaussianStats(2);
    // feature 0: values 0 and 2 (variance 1); feature 1: constant 5 (variance 0)
    stats.add(new double[] {0, 5});
    stats.add(new double[] {2, 5});
    Preconditioner pre = Preconditioner.of(Scaler.identity(2), stats);
    assertArrayEquals(new double[] {1, 5}, pre.mean(), 0);
    double meanVar = 0.5;
    assertEquals(1 / Math.sqrt(1 + 4 * meanVar), pre.invStd()[0], 1e-15);
    assertEquals(1 / Math.sqrt(4 * meanVar), pre.invStd()[1], 1e-15);
  }
}
