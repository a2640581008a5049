package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import linprobe.math.Float32LineSearch.Point;
import org.junit.jupiter.api.Test;

class Float32LineSearchTest {

  /** A line phi with slope dphi, its values rounded to a grid of ulp; records the steps tried. */
  private static final class Line implements Float32LineSearch.Line {
    final DoubleUnaryOperator phi, dphi;
    final double ulp;
    final List<Double> tried = new ArrayList<>();

    Line(DoubleUnaryOperator phi, DoubleUnaryOperator dphi, double ulp) {
      this.phi = phi;
      this.dphi = dphi;
      this.ulp = ulp;
    }

    @Override
    public Point at(double t) {
      tried.add(t);
      double v = phi.applyAsDouble(t);
      return new Point(t, ulp == 0 ? v : Math.rint(v / ulp) * ulp, dphi.applyAsDouble(t));
    }
  }

  /**
   * 1 + a (t - 0.7)^2 - 0.49 a with a = 1e-9: along the whole line the objective changes by less
   * than its rounding (4e-9; float32's spacing at 1 is 1.2e-7), as near the optimum of a float32
   * fit.
   */
  private static Line blurredParabola() {
    double a = 1e-9;
    return new Line(t -> 1 + a * (t - 0.7) * (t - 0.7) - 0.49 * a, t -> 2 * a * (t - 0.7), 4e-9);
  }

  @Test
  void acceptsAStepWhoseDecreaseIsBelowTheValuesRounding() {
    Line line = blurredParabola();
    double t = Float32LineSearch.search(line, 1.0);
    assertEquals(1.0, t);
    assertEquals(List.of(0.0, 1.0), line.tried);
    // the step Breeze's sufficient-decrease test would have rejected: rounded, phi(1) = phi(0)
    Point zero = line.at(0), one = line.at(1);
    assertFalse(one.value() <= zero.value() + Float32LineSearch.C1 * zero.slope());
  }

  @Test
  void zoomsOnTheSlopesWhereTheValuesCannotTellAStepPastTheMinimum() {
    Line line = blurredParabola();
    double t = Float32LineSearch.search(line, 3.0);
    // phi'(3) > 0: past the minimum; the secant on the slopes of a parabola is its minimum
    assertEquals(0.7, t, 1e-12);
    assertEquals(3, line.tried.size(), line.tried.toString());
  }

  @Test
  void findsAWolfeStepOnACurvedLineFromFarAway() {
    // phi(t) = exp(2t - 3) - t, convex, minimum at t* = (3 - ln 2) / 2; resolved values
    Line line = new Line(t -> Math.exp(2 * t - 3) - t, t -> 2 * Math.exp(2 * t - 3) - 1, 0);
    for (double init : new double[] {0.1, 0.5, 10, 40}) {
      line.tried.clear();
      double t = Float32LineSearch.search(line, init);
      Point zero = line.at(0), c = line.at(t);
      assertTrue(Float32LineSearch.acceptable(c, zero.value(), zero.slope(),
          Float32LineSearch.EPS * Math.abs(zero.value())), "init " + init + ": " + c);
      assertTrue(c.value() < zero.value() + Float32LineSearch.C1 * t * zero.slope(),
          "init " + init + ": sufficient decrease at " + c);
      assertTrue(Math.abs(c.slope()) <= Float32LineSearch.C2 * Math.abs(zero.slope()));
      assertTrue(line.tried.size() <= 12, "init " + init + ": " + line.tried);
    }
  }

  @Test
  void refusesAStepThatGainsTooLittleWhereTheValuesTellIt() {
    // convex, slope -1 up to t = 1, then rising to a plateau of 0.05 (as cross-entropy along a
    // line flattens): at t = 41.96, far past the minimum (t = 4.04), the objective is 0.002 below
    // phi(0), resolved, but short of sufficient decrease (4.2e-3); the slope, 0.05, would pass
    // the approximate conditions. Where the values tell, Breeze's test must decide.
    DoubleUnaryOperator dphi = t -> t < 1 ? -1 : 0.05 - 1.05 * Math.exp(-(t - 1));
    DoubleUnaryOperator phi = t -> t < 1 ? 1 - t
        : 1 - 1 + 0.05 * (t - 1) - 1.05 * (1 - Math.exp(-(t - 1)));
    Line line = new Line(phi, dphi, 0);
    double t = Float32LineSearch.search(line, 41.96);
    Point zero = line.at(0), c = line.at(t);
    assertTrue(c.value() <= zero.value() + Float32LineSearch.C1 * t * zero.slope(),
        "sufficient decrease at " + c + " after " + line.tried);
    assertTrue(Math.abs(c.slope()) <= Float32LineSearch.C2);
  }

  @Test
  void cubicStepIsTheMinimumOfACubic() {
    // phi(t) = t^3 - 3t: the cubic through its values and slopes at 0 and 2 is itself, min at 1
    Point l = new Point(0, 0, -3), r = new Point(2, 2, 9);
    assertEquals(1.0, Float32LineSearch.cubic(l, r), 1e-12);
    Point l2 = new Point(0.5, 0.125 - 1.5, 0.75 - 3);
    assertEquals(1.0, Float32LineSearch.cubic(l2, r), 1e-12);
  }

  @Test
  void backsOffFromStepsWhereTheObjectiveIsNotFinite() {
    Line line = new Line(t -> t >= 2 ? Double.POSITIVE_INFINITY : (t - 1.5) * (t - 1.5),
        t -> t >= 2 ? Double.NaN : 2 * (t - 1.5), 0);
    double t = Float32LineSearch.search(line, 8);
    assertTrue(t > 0 && t < 2, "step " + t);
    assertTrue(Math.abs(2 * (t - 1.5)) <= Float32LineSearch.C2 * 3, "slope at " + t);
  }

  @Test
  void failsWhereNoStepIsAcceptableSoThatTheFitContinuesInDouble() {
    // slopes say descent, values rise by more than the slack: gradients lost in rounding
    Line line = new Line(t -> 1 + 1e-3 * t, t -> -1, 0);
    assertThrows(Float32LineSearch.Failed.class, () -> Float32LineSearch.search(line, 1));
    assertEquals(1 + 1 + Float32LineSearch.MAX_STEPS, line.tried.size());
    Line ascent = new Line(t -> 1 + t, t -> 1, 0);
    assertThrows(Float32LineSearch.Failed.class, () -> Float32LineSearch.search(ascent, 1));
  }
}
