package linprobe.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LearningCurve against hand-computed statistics; no Spark. */
class LearningCurveTest {
  static final int ALL = Fit.ALL;

  static Fit fit(String model, int shots, long seed, long n, double error, double logloss) {
    return new Fit(model, shots, seed, n, error, logloss, 0, true, 0);
  }

  /** One seed per shots: a curve of mean errors given directly. */
  static List<Fit> curve(String model, int[] shots, double[] errors) {
    List<Fit> fs = new ArrayList<>();
    for (int i = 0; i < shots.length; i++) {
      boolean all = shots[i] == ALL;
      // two seeds at finite sizes, symmetric around the wanted mean
      if (all) {
        fs.add(fit(model, ALL, -1, 1000, errors[i], 1.0));
      } else {
        fs.add(fit(model, shots[i], 0, 10L * shots[i], errors[i] - 0.001, 1.0));
        fs.add(fit(model, shots[i], 1, 10L * shots[i], errors[i] + 0.001, 1.0));
      }
    }
    return fs;
  }

  @Test
  void meanSampleStdAndStudentTInterval() {
    // five seeds, given out of seed order
    double[] err = {0.15, 0.10, 0.13, 0.12, 0.11};
    double[] ll = {0.9, 0.5, 0.8, 0.7, 0.6};
    long[] seed = {2, 0, 4, 1, 3};
    long[] n = {100, 100, 101, 99, 100};
    List<Fit> fs = new ArrayList<>();
    for (int i = 0; i < 5; i++) fs.add(fit("lr", 10, seed[i], n[i], err[i], ll[i]));
    LearningCurve c = LearningCurve.of(fs, List.of("lr"));
    LearningCurve.Point p = c.at("lr", 10);

    // by hand: mean 0.122, squared deviations 0.000784 + 0.000484 + 0.000064 + 0.000004
    // + 0.000144 = 0.00148, / (5 - 1) = 0.00037
    assertEquals(5, p.seeds());
    assertEquals(100.0, p.nTrain(), 1e-12);
    assertEquals(0.122, p.errorMean(), 1e-15);
    assertEquals(Math.sqrt(0.00037), p.errorStd(), 1e-15);
    // not the population std (ddof 0): sqrt(0.00148 / 5) = 0.017204...
    assertTrue(Math.abs(p.errorStd() - Math.sqrt(0.00148 / 5)) > 1e-3);
    // t_{0.975, 4} = 2.7764451051977987; half-width t * s / sqrt(5) = 0.0238838838810.
    // Commons Math inverts the t CDF with a solver of absolute accuracy 1e-9 (its quantile
    // here is 2.77644510502, 1.8e-10 low), hence the tolerance.
    assertEquals(2.7764451051977987 * Math.sqrt(0.00037) / Math.sqrt(5), p.errorCi95(), 1e-10);
    assertEquals(0.0238838838810, p.errorCi95(), 1e-10);
    // not the normal quantile 1.96, not the t with 5 degrees of freedom (2.5706)
    assertTrue(Math.abs(p.errorCi95() - 1.959964 * Math.sqrt(0.00037 / 5)) > 1e-3);
    assertTrue(Math.abs(p.errorCi95() - 2.570582 * Math.sqrt(0.00037 / 5)) > 1e-3);
    // log-loss: mean 0.7, squared deviations 0.04 + 0.04 + 0.01 + 0.01 + 0 = 0.1, / 4 = 0.025
    assertEquals(0.7, p.loglossMean(), 1e-15);
    assertEquals(Math.sqrt(0.025), p.loglossStd(), 1e-15);
  }

  @Test
  void twoSeedIntervalUsesOneDegreeOfFreedom() {
    List<Fit> fs = List.of(fit("nb", 1, 0, 10, 0.5, 2.0), fit("nb", 1, 1, 10, 0.3, 1.0));
    LearningCurve.Point p = LearningCurve.of(fs, List.of("nb")).at("nb", 1);
    // s = sqrt(2 * 0.1^2 / 1) = 0.1 sqrt 2; t_{0.975, 1} = 12.706204736174698
    assertEquals(0.1 * Math.sqrt(2), p.errorStd(), 1e-15);
    assertEquals(12.706204736174698 * 0.1, p.errorCi95(), 1e-10);
    assertEquals(Math.sqrt(0.5), p.loglossStd(), 1e-15);
  }

  @Test
  void oneFitHasNoSpreadWhetherOneSeedOrAll() {
    List<Fit> fs = List.of(fit("nb", 5, 3, 50, 0.2, 1.1), fit("nb", ALL, -1, 1198, 0.1, 0.86));
    LearningCurve c = LearningCurve.of(fs, List.of("nb"));
    LearningCurve.Point one = c.at("nb", 5);
    assertEquals(1, one.seeds());
    assertTrue(Double.isNaN(one.errorStd()), "one seed: std undefined");
    assertTrue(Double.isNaN(one.errorCi95()), "one seed: interval undefined");
    assertTrue(Double.isNaN(one.loglossStd()));
    LearningCurve.Point all = c.at("nb", ALL);
    assertEquals(1, all.seeds());
    assertEquals(1198.0, all.nTrain());
    assertEquals(0.1, all.errorMean());
    assertEquals(0.86, all.loglossMean());
    // one fit: undefined as for one seed (a 0 would read as a zero-width interval)
    assertTrue(Double.isNaN(all.errorStd()), "all: std undefined");
    assertTrue(Double.isNaN(all.errorCi95()), "all: interval undefined");
    assertTrue(Double.isNaN(all.loglossStd()));
  }

  @Test
  void pointsOrderedByModelListThenShotsWithAllLast() {
    List<Fit> fs = List.of(fit("nb", ALL, -1, 100, 0.2, 1), fit("lr", 2, 0, 20, 0.3, 1),
        fit("extra", 1, 0, 10, 0.9, 1), fit("nb", 2, 0, 20, 0.4, 1), fit("nb", 1, 0, 10, 0.5, 1),
        fit("lr", 1, 0, 10, 0.6, 1));
    LearningCurve c = LearningCurve.of(fs, List.of("nb", "lr", "unused"));
    // listed models first in the given order (even without fits), unlisted ones after
    assertEquals(List.of("nb", "lr", "unused", "extra"), c.models());
    List<String> order = c.points().stream().map(p -> p.model() + "@" + p.shots()).toList();
    assertEquals(List.of("nb@1", "nb@2", "nb@" + ALL, "lr@1", "lr@2", "extra@1"), order);
    assertEquals(List.of(1, 2, ALL), c.shots());
    assertEquals(3, c.of("nb").size());
    assertTrue(c.of("unused").isEmpty());
    assertNull(c.at("lr", ALL));
    assertTrue(Double.isNaN(c.asymptoticError("unused")));
    assertNull(c.shotsToEpsilon("unused", 0.01));
  }

  @Test
  void asymptoticErrorIsTheLargestSize() {
    List<Fit> fs = new ArrayList<>(curve("nb", new int[] {1, 5, 10}, new double[] {0.4, 0.2, 0.3}));
    LearningCurve c = LearningCurve.of(fs, List.of("nb"));
    // the largest size, not the smallest error
    assertEquals(0.3, c.asymptoticError("nb"), 1e-12);
    fs.add(fit("nb", ALL, -1, 1000, 0.25, 1));
    assertEquals(0.25, LearningCurve.of(fs, List.of("nb")).asymptoticError("nb"), 0);
  }

  @Test
  void shotsToEpsilonIsWhereTheCurveStaysWithin() {
    int[] shots = {1, 2, 5, 10, 20, ALL};
    // asymptote 0.10, epsilon 0.01: target 0.11. Dips in at 2, leaves at 5, back from 10 on.
    double[] err = {0.40, 0.105, 0.13, 0.108, 0.104, 0.10};
    LearningCurve c = LearningCurve.of(curve("nb", shots, err), List.of("nb"));
    assertEquals(10, c.shotsToEpsilon("nb", 0.01));
    // a wide epsilon: everything after 1 is within 0.10 + 0.05
    assertEquals(2, c.shotsToEpsilon("nb", 0.05));
    // wider still: from the first size
    assertEquals(1, c.shotsToEpsilon("nb", 0.5));
    // epsilon 0: only the asymptote itself (20 is 0.004 above it)
    assertEquals(ALL, c.shotsToEpsilon("nb", 0.0));
    // a negative epsilon: never
    assertNull(c.shotsToEpsilon("nb", -0.001));
  }

  @Test
  void shotsToEpsilonIsWithinOnEitherSide() {
    // per-class naive Bayes on the packages sample: its error grows from 1 shot to 2, 0.64 to
    // 0.91; 1 shot is 0.27 below the asymptote, not within 0.01 of it
    LearningCurve c = LearningCurve.of(curve("nb", new int[] {1, 2}, new double[] {0.64, 0.91}),
        List.of("nb"));
    assertEquals(2, c.shotsToEpsilon("nb", 0.01));
    // below by 0.02, then at: within 0.05 from the start, within 0.01 only at the end
    LearningCurve d = LearningCurve.of(curve("nb", new int[] {1, 5, 20},
        new double[] {0.58, 0.59, 0.60}), List.of("nb"));
    assertEquals(1, d.shotsToEpsilon("nb", 0.05));
    assertEquals(5, d.shotsToEpsilon("nb", 0.01));
  }

  @Test
  void shotsToEpsilonCountsAPointExactlyAtTheTarget() {
    // 0.125 = 0.1 + 0.025 up to rounding of the sum: the boundary point counts as within
    LearningCurve c = LearningCurve.of(curve("nb", new int[] {1, 2, 3},
        new double[] {0.2, 0.125, 0.1}), List.of("nb"));
    assertEquals(2, c.shotsToEpsilon("nb", 0.025));
    assertEquals(3, c.shotsToEpsilon("nb", 0.0249));
  }

  @Test
  void crossoverIsWhereLrStaysStrictlyBelow() {
    int[] shots = {1, 2, 5, 10, ALL};
    List<Fit> fs = new ArrayList<>();
    fs.addAll(curve("nb", shots, new double[] {0.40, 0.30, 0.20, 0.15, 0.12}));
    // lr below at 1, equal at 2 (not strictly below), below from 5 on
    fs.addAll(curve("lr", shots, new double[] {0.39, 0.30, 0.18, 0.10, 0.05}));
    // lr never below
    fs.addAll(curve("nb-worse", shots, new double[] {0.50, 0.40, 0.30, 0.20, 0.01}));
    // lr below everywhere
    fs.addAll(curve("nb-bad", shots, new double[] {0.45, 0.35, 0.25, 0.15, 0.10}));
    // lr below in the middle only, equal at the end
    fs.addAll(curve("nb-tie", shots, new double[] {0.30, 0.35, 0.25, 0.15, 0.05}));
    LearningCurve c = LearningCurve.of(fs, List.of("nb", "lr"));
    assertEquals(5, c.crossover("nb", "lr"));
    assertNull(c.crossover("nb-worse", "lr"));
    assertEquals(1, c.crossover("nb-bad", "lr"));
    assertNull(c.crossover("nb-tie", "lr"));
    assertNull(c.crossover("missing", "lr"));
    assertNull(c.crossover("nb", "missing"));
  }

  @Test
  void crossoverSkipsSizesOnlyOneModelHas() {
    List<Fit> fs = new ArrayList<>();
    fs.addAll(curve("nb", new int[] {1, 2, 5, 10}, new double[] {0.4, 0.3, 0.2, 0.2}));
    // lr has no 2; at 10 it is below, at 5 too; at 1 above. Its 20 has no nb partner.
    fs.addAll(curve("lr", new int[] {1, 5, 10, 20}, new double[] {0.5, 0.1, 0.1, 0.9}));
    LearningCurve c = LearningCurve.of(fs, List.of("nb", "lr"));
    assertEquals(5, c.crossover("nb", "lr"));
  }
}
