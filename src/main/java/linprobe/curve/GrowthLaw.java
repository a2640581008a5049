package linprobe.curve;

import java.util.Locale;

/**
 * A least-squares growth law y = a + b f(n), f = log (natural) or the identity, with its
 * coefficient of determination R^2 = 1 - SS_res / SS_tot (for a line fitted with an intercept,
 * the squared correlation of y and f(n)). The simulation fits m_eps against log n and against n.
 */
public record GrowthLaw(boolean logN, double intercept, double slope, double r2, int points) {

  /**
   * Fits y = a + b f(n) to the points (n_i, y_i); n must be positive for the log law. R^2 is
   * NaN, undefined (0 / 0), when y or f(n) does not vary; at least 2 points are needed.
   */
  public static GrowthLaw fit(double[] n, double[] y, boolean logN) {
    if (n.length != y.length || n.length < 2) {
      throw new IllegalArgumentException("need at least two points of (n, y)");
    }
    int len = n.length;
    double[] x = new double[len];
    double mx = 0, my = 0;
    for (int i = 0; i < len; i++) {
      x[i] = logN ? Math.log(n[i]) : n[i];
      mx += x[i];
      my += y[i];
    }
    mx /= len;
    my /= len;
    double sxy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < len; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    double b = sxx == 0 ? 0 : sxy / sxx;
    double r2 = syy == 0 || sxx == 0 ? Double.NaN : sxy * sxy / (sxx * syy);
    return new GrowthLaw(logN, my - b * mx, b, r2, len);
  }

  /** The law's value at n. */
  public double at(double n) {
    return intercept + slope * (logN ? Math.log(n) : n);
  }

  /** "12.3 + 4.56 log n" or "-5.1 + 4.56 n" (3 significant digits). */
  public String formula() {
    // an intercept at rounding-error level (an exact fit through the origin) prints as 0
    double a = Math.abs(intercept) < 1e-9 * (1 + Math.abs(slope)) ? 0 : intercept;
    return sig3(a) + (slope < 0 ? " - " : " + ") + sig3(Math.abs(slope))
        + (logN ? " log n" : " n");
  }

  /** x to 3 significant digits, without exponent: 1234.5 is "1230", 0.012345 "0.0123". */
  public static String sig3(double x) {
    if (x == 0 || !Double.isFinite(x)) return x == 0 ? "0" : Double.toString(x);
    return new java.math.BigDecimal(x).round(new java.math.MathContext(3)).stripTrailingZeros()
        .toPlainString();
  }
}
