package linprobe.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GrowthLawTest {
  @Test
  void linearLawByHand() {
    // n = 1..4, y = 2, 4, 5, 4: mean n 2.5, mean y 3.75, Sxy = 3.5, Sxx = 5, Syy = 4.75:
    // b = 0.7, a = 3.75 - 0.7 * 2.5 = 2, R^2 = 3.5^2 / (5 * 4.75) = 0.515789...
    GrowthLaw l = GrowthLaw.fit(new double[] {1, 2, 3, 4}, new double[] {2, 4, 5, 4}, false);
    assertEquals(2.0, l.intercept(), 1e-12);
    assertEquals(0.7, l.slope(), 1e-12);
    assertEquals(12.25 / 23.75, l.r2(), 1e-12);
    assertEquals(4, l.points());
    // R^2 = 1 - SS_res / SS_tot: residuals -0.7, 0.6, 0.9, -0.8
    assertEquals(1 - (0.49 + 0.36 + 0.81 + 0.64) / 4.75, l.r2(), 1e-12);
    assertEquals("2 + 0.7 n", l.formula());
    assertEquals(4.8, l.at(4), 1e-12);
  }

  @Test
  void logLawByHand() {
    // y = 3 + 2 log n exactly at n = 1, e, e^2, e^3: the log law fits perfectly, the linear
    // one does not
    double e = Math.E;
    double[] n = {1, e, e * e, e * e * e}, y = {3, 5, 7, 9};
    GrowthLaw log = GrowthLaw.fit(n, y, true);
    assertEquals(3, log.intercept(), 1e-12);
    assertEquals(2, log.slope(), 1e-12);
    assertEquals(1, log.r2(), 1e-12);
    assertEquals("3 + 2 log n", log.formula());
    GrowthLaw lin = GrowthLaw.fit(n, y, false);
    assertTrue(lin.r2() < 0.95, "linear R^2 " + lin.r2());
    assertTrue(lin.r2() > 0.8, "linear R^2 " + lin.r2());
  }

  @Test
  void flatOrDegenerateData() {
    GrowthLaw flat = GrowthLaw.fit(new double[] {25, 50, 100}, new double[] {10, 10, 10}, true);
    assertEquals(0, flat.slope());
    assertTrue(Double.isNaN(flat.r2()), "R^2 of a constant is 0 / 0, not 0: " + flat.r2());
    assertEquals(10, flat.intercept(), 1e-12);
    GrowthLaw falling = GrowthLaw.fit(new double[] {1, 2}, new double[] {4, 2}, false);
    assertEquals("6 - 2 n", falling.formula());
    assertThrows(IllegalArgumentException.class,
        () -> GrowthLaw.fit(new double[] {1}, new double[] {1}, false));
    // y = 2.5 n exactly: the intercept is rounding error, printed as 0
    GrowthLaw through0 = GrowthLaw.fit(new double[] {4, 8, 16}, new double[] {10, 20, 40}, false);
    assertEquals("0 + 2.5 n", through0.formula());
  }

  @Test
  void threeSignificantDigits() {
    assertEquals("1230", GrowthLaw.sig3(1234.5));
    assertEquals("0.0123", GrowthLaw.sig3(0.012345));
    assertEquals("-5.1", GrowthLaw.sig3(-5.1));
    assertEquals("0", GrowthLaw.sig3(0));
  }
}
