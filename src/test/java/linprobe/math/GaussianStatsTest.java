package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GaussianStatsTest {
  // Three hand-made rows of a class: column means 2, 20, 1e6 + 1; ddof-0 variances 2/3, 200/3, 2/3.
  static final float[][] ROWS = {{1, 10, 1_000_000}, {2, 20, 1_000_001}, {3, 30, 1_000_002}};

  @Test
  void meansAndBiasedVariancesMatchClosedForms() {
    GaussianStats s = new GaussianStats(3);
    for (float[] r : ROWS) s.add(r, 0);
    assertEquals(3, s.count());
    assertArrayEquals(new double[] {2, 20, 1_000_001}, s.mean(), 1e-12);
    assertEquals(2.0 / 3, s.variance(0), 1e-12);
    assertEquals(200.0 / 3, s.variance(1), 1e-10);
    // a large offset must not cost precision (Welford/Chan, not E[x^2] - E[x]^2)
    assertEquals(2.0 / 3, s.variance(2), 1e-9);
    assertArrayEquals(new double[] {1, 10, 1_000_000}, s.min(), 0);
    assertArrayEquals(new double[] {3, 30, 1_000_002}, s.max(), 0);
  }

  @Test
  void mergeIsAssociativeForAnyChunking() {
    Random rnd = new Random(7);
    int n = 500, d = 6;
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (100 + 5 * rnd.nextGaussian());
    GaussianStats whole = new GaussianStats(d);
    for (int r = 0; r < n; r++) whole.add(x, r * d);
    for (int trial = 0; trial < 20; trial++) {
      // random chunk boundaries, merged in random tree order
      GaussianStats acc = new GaussianStats(d);
      int r = 0;
      java.util.List<GaussianStats> chunks = new java.util.ArrayList<>();
      while (r < n) {
        int len = 1 + rnd.nextInt(60);
        GaussianStats c = new GaussianStats(d);
        for (int i = r; i < Math.min(n, r + len); i++) c.add(x, i * d);
        chunks.add(c);
        r += len;
      }
      while (chunks.size() > 1) {
        int i = rnd.nextInt(chunks.size() - 1);
        chunks.set(i, chunks.get(i).merge(chunks.remove(i + 1)));
      }
      acc.merge(chunks.get(0));
      assertEquals(whole.count(), acc.count());
      for (int j = 0; j < d; j++) {
        assertEquals(whole.mean()[j], acc.mean()[j], 1e-10);
        assertEquals(whole.variance(j), acc.variance(j), 1e-9 * whole.variance(j));
        assertEquals(whole.min()[j], acc.min()[j], 0);
        assertEquals(whole.max()[j], acc.max()[j], 0);
      }
    }
  }

  @Test
  void scaledStatisticsEqualStatisticsOfScaledRows() {
    GaussianStats s = new GaussianStats(3);
    for (float[] r : ROWS) s.add(r, 0);
    Scaler sc = Scaler.fit(Scaler.Kind.MINMAX, s);
    GaussianStats direct = new GaussianStats(3);
    for (float[] r : ROWS) {
      double[] out = new double[3];
      sc.apply(r, 0, 1, out);
      direct.add(out);
    }
    GaussianStats mapped = s.scaled(sc);
    assertArrayEquals(direct.mean(), mapped.mean(), 1e-7);
    assertArrayEquals(direct.m2(), mapped.m2(), 1e-7);
    assertArrayEquals(new double[] {0, 0, 0}, mapped.min(), 1e-12);
    assertArrayEquals(new double[] {1, 1, 1}, mapped.max(), 1e-12);
  }

  @Test
  void scalersFollowScikitLearnOnConstantColumns() {
    GaussianStats s = new GaussianStats(2);
    s.add(new float[] {5, 1}, 0);
    s.add(new float[] {5, 3}, 0);
    Scaler mm = Scaler.fit(Scaler.Kind.MINMAX, s);
    assertArrayEquals(new double[] {5, 1}, mm.offset(), 0);
    assertArrayEquals(new double[] {1, 0.5}, mm.invScale(), 0);
    Scaler st = Scaler.fit(Scaler.Kind.STANDARD, s);
    assertArrayEquals(new double[] {5, 2}, st.offset(), 0);
    assertArrayEquals(new double[] {1, 1}, st.invScale(), 0);
  }

  @Test
  void minMaxTreatsRangesBelowTenEpsilonAsConstantAsScikitLearnDoes() {
    // all-MiniLM-L6-v2 has dimensions whose values are all ~1e-33; scikit-learn's MinMaxScaler
    // keeps them (scale 1), where 1 / range would blow them up to noise on [0, 1]
    GaussianStats s = new GaussianStats(3);
    s.add(new float[] {2.2e-33f, 0.5f, 1e-8f}, 0);
    s.add(new float[] {-5.7e-33f, 0.25f, 3e-8f}, 0);
    Scaler mm = Scaler.fit(Scaler.Kind.MINMAX, s);
    assertEquals(1.0, mm.invScale()[0], 0, "range 8e-33: constant");
    assertEquals(4.0, mm.invScale()[1], 0);
    assertEquals(1.0 / (3e-8f - 1e-8f), mm.invScale()[2], 1e-6 * mm.invScale()[2],
        "range 2e-8 is above 10 x eps = 2.2e-15: scaled");
    assertEquals(2.220446049250313e-15, Scaler.MIN_RANGE, 1e-30);
  }

  @Test
  void withoutTheRangeMergesAndScalesToTheSameBitsAndBothNaiveBayesModelsAgree() {
    Random rnd = new Random(5);
    int k = 4, d = 5;
    GaussianStats[] full = new GaussianStats[k];
    GaussianStats[] light = new GaussianStats[k];
    for (int c = 0; c < k; c++) {
      full[c] = new GaussianStats(d);
      for (int r = 0; r < 3 + c; r++) {
        float[] x = new float[d];
        for (int j = 0; j < d; j++) x[j] = (float) (50 + c + rnd.nextGaussian());
        full[c].add(x, 0);
      }
      light[c] = full[c].withoutRange();
      assertFalse(light[c].hasRange());
    }
    GaussianStats pooled = GaussianStats.pooled(full);
    GaussianStats pooledLight = GaussianStats.pooled(light);
    assertEquals(pooled.count(), pooledLight.count());
    assertArrayEquals(pooled.mean(), pooledLight.mean());
    assertArrayEquals(pooled.m2(), pooledLight.m2());
    assertArrayEquals(pooled.mean(), light[0].copy().merge(light[1]).merge(light[2])
        .merge(light[3]).mean());
    Scaler sc = Scaler.fit(Scaler.Kind.MINMAX, pooled);
    for (LinearModel[] m : new LinearModel[][] {
        {NaiveBayes.sharedVariance(full, sc, 1e-9), NaiveBayes.sharedVariance(light, sc, 1e-9)},
        {NaiveBayes.perClassVariance(full, sc, 1e-9),
            NaiveBayes.perClassVariance(light, sc, 1e-9)}}) {
      assertArrayEquals(m[0].weights(), m[1].weights());
      assertArrayEquals(m[0].bias(), m[1].bias());
    }
    assertThrows(IllegalStateException.class, () -> new GaussianStats(d).merge(light[0]));
  }
}
