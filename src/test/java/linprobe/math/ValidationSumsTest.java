package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Held-out rows scored from float32 rows (the float32 fold fits') count what double counts. */
class ValidationSumsTest {
  @Test
  void float32RowsScoreAsDoubleRowsDo() {
    int k = 3, d = 300, n = 203; // 64-row pieces and a last one of 11
    Random rnd = new Random(5);
    float[] raw = new float[n * d];
    int[] y = new int[n];
    for (int r = 0; r < n; r++) {
      y[r] = rnd.nextInt(k);
      for (int j = 0; j < d; j++) raw[r * d + j] = (float) (rnd.nextGaussian() + 0.05 * y[r] * (j % 4));
    }
    double[] coef = new double[k * d + k];
    for (int i = 0; i < coef.length; i++) coef[i] = 0.05 * rnd.nextGaussian();
    Scaler scaler = Scaler.identity(d);
    ScaledRows f64 = ScaledRows.scale(raw, n, d, r -> true, scaler, y, new double[n * d],
        new int[n], 0);
    ScaledRows f32 = ScaledRows.scale(raw, n, d, r -> true, scaler, y, null, new float[n * d],
        new int[n], 0);
    ValidationSums a = new ValidationSums().add(f64, coef, k, new double[n * k]);
    ValidationSums b = new ValidationSums().add(f32, coef, k, null,
        new SoftmaxAggregator.Float32(k, d, n).load(coef));
    assertEquals(n, b.rows());
    assertEquals(a.mean(true), b.mean(true), "errors");
    assertNotEquals(0.0, a.mean(true));
    assertEquals(a.mean(false), b.mean(false), 1e-6 * a.mean(false), "log-loss");
  }
}
