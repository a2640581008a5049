package linprobe.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Paired differences lr - nb against hand-computed values; no Spark. */
class ComparisonTest {
  static final int ALL = Fit.ALL;

  static Fit fit(String model, int shots, long seed, double error) {
    return new Fit(model, shots, seed, 10, error, 1.0, 0, true, 0);
  }

  /** nb at 0.5 for every seed, lr at 0.5 + diff[i] for seed i: the differences given. */
  static List<Fit> pairs(int shots, double... diff) {
    List<Fit> fs = new ArrayList<>();
    for (int i = 0; i < diff.length; i++) {
      long seed = shots == ALL ? -1 : i;
      fs.add(fit("nb", shots, seed, 0.5));
      fs.add(fit("lr", shots, seed, 0.5 + diff[i]));
    }
    return fs;
  }

  static final double[] LEVEL = {-0.01, 0.01, 0.0};
  static final double[] LR_BETTER = {-0.1, -0.11, -0.09};
  static final double[] NB_BETTER = {0.1, 0.11, 0.09};

  @Test
  void fiveSeedsWhoseIntervalExcludesZero() {
    // made-up errors, seeds out of order; differences lr - nb per seed:
    // seed 0: 0.26 - 0.30 = -0.04, 1: 0.24 - 0.25 = -0.01, 2: 0.22 - 0.28 = -0.06,
    // 3: 0.31 - 0.35 = -0.04, 4: 0.30 - 0.32 = -0.02
    double[] nb = {0.30, 0.25, 0.28, 0.35, 0.32};
    double[] lr = {0.26, 0.24, 0.22, 0.31, 0.30};
    List<Fit> fs = new ArrayList<>();
    for (int s : new int[] {3, 0, 4, 2, 1}) fs.add(fit("lr", 10, s, lr[s]));
    for (int s = 0; s < 5; s++) fs.add(fit("nb", 10, s, nb[s]));
    Comparison.Row r = Comparison.of(fs, "nb", "lr").at(10);
    // by hand: mean -0.17 / 5 = -0.034; deviations -0.006, 0.024, -0.026, -0.006, 0.014,
    // squares 0.000036 + 0.000576 + 0.000676 + 0.000036 + 0.000196 = 0.00152, / 4 = 0.00038
    assertEquals(5, r.seeds());
    assertEquals(-0.034, r.meanDiff(), 1e-15);
    assertEquals(Math.sqrt(0.00038), r.stdDiff(), 1e-15);
    // t_{0.975, 4} = 2.7764451051977987; commons-math's quantile is ~1.8e-10 off
    double h = 2.7764451051977987 * Math.sqrt(0.00038) / Math.sqrt(5);
    // sqrt(0.00038) = 0.0194935887, / sqrt 5 = 0.0087177979, x t = 0.0242044873
    assertEquals(0.0242044873, h, 1e-10);
    assertEquals(h, r.ci95(), 1e-9);
    // [-0.0582, -0.0098]: below 0
    assertEquals(Comparison.Verdict.LR_BETTER, r.verdict());
    assertEquals("lr better", r.verdictText());
  }

  @Test
  void fiveSeedsWhoseIntervalContainsZeroAreLevel() {
    // differences -0.05, 0.01, 0.01, 0, -0.01: mean -0.008; deviations -0.042, 0.018, 0.018,
    // 0.008, -0.002, squares sum 0.00248, / 4 = 0.00062
    double[] nb = {0.44, 0.38, 0.46, 0.52, 0.45};
    double[] lr = {0.39, 0.39, 0.47, 0.52, 0.44};
    List<Fit> fs = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      fs.add(fit("nb", 1, s, nb[s]));
      fs.add(fit("lr", 1, s, lr[s]));
    }
    Comparison.Row r = Comparison.of(fs, "nb", "lr").at(1);
    assertEquals(-0.008, r.meanDiff(), 1e-15);
    assertEquals(Math.sqrt(0.00062), r.stdDiff(), 1e-15);
    double h = 2.7764451051977987 * Math.sqrt(0.00062) / Math.sqrt(5);
    assertEquals(h, r.ci95(), 1e-9);
    // h = 0.0309171842: [-0.0389, 0.0229] contains 0, although lr's mean error is lower
    assertEquals(0.0309171842, h, 1e-10);
    assertTrue(r.meanDiff() + r.ci95() > 0 && r.meanDiff() - r.ci95() < 0);
    assertEquals(Comparison.Verdict.LEVEL, r.verdict());
    // mirrored: nb better
    List<Fit> mirrored = pairs(2, NB_BETTER);
    assertEquals(Comparison.Verdict.NB_BETTER,
        Comparison.of(mirrored, "nb", "lr").at(2).verdict());
  }

  @Test
  void pairsBySeedOverTheSeedsBothHave() {
    // lr has seeds 0, 1, 2; nb has 1, 2, 7: pairs on 1 and 2 only
    List<Fit> fs = List.of(fit("lr", 5, 0, 0.9), fit("lr", 5, 1, 0.2), fit("lr", 5, 2, 0.3),
        fit("nb", 5, 7, 0.0), fit("nb", 5, 2, 0.4), fit("nb", 5, 1, 0.4),
        fit("nb", 10, 1, 0.4)); // no lr at 10: no row
    Comparison k = Comparison.of(fs, "nb", "lr");
    assertEquals(1, k.rows().size());
    Comparison.Row r = k.at(5);
    assertEquals(2, r.seeds());
    // -0.2 and -0.1: mean -0.15, std 0.1 / sqrt 2, t_{0.975, 1} = 12.706204736174698
    assertEquals(-0.15, r.meanDiff(), 1e-15);
    assertEquals(0.1 / Math.sqrt(2), r.stdDiff(), 1e-15);
    assertEquals(12.706204736174698 * 0.1 / Math.sqrt(2) / Math.sqrt(2), r.ci95(), 1e-9);
    assertEquals(Comparison.Verdict.LEVEL, r.verdict(), "two seeds: a wide interval");
    assertNull(k.at(10));
  }

  @Test
  void mcnemarsExactTestEqualsScipys() {
    // scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue
    long[][] bc = {{50, 5}, {98, 8}, {10, 3}, {15, 4}, {1, 0}, {7, 7}, {3, 10}, {300, 340},
        {0, 6}, {0, 5}, {0, 0}};
    double[] scipy = {2.1358426138817774e-10, 8.07995881983345e-21, 0.09228515625,
        0.0192108154296875, 1.0, 1.0, 0.09228515625, 0.12310113072196793, 0.03125, 0.0625, 1};
    for (int i = 0; i < bc.length; i++) {
      double p = Comparison.mcnemarP(bc[i][0], bc[i][1]);
      assertEquals(scipy[i], p, 1e-9 * scipy[i], bc[i][0] + " vs " + bc[i][1]);
    }
  }

  @Test
  void oneFitIsDecidedByMcNemarWhenItsRowsAreCounted() {
    List<Fit> fs = pairs(ALL, -0.0751);
    // 50 rows only lr gets right, 5 only nb: p = 2.1e-10, lr better
    Comparison.Row r = Comparison.of(fs, "nb", "lr", java.util.Map.of(ALL, new long[] {50, 5}))
        .at(ALL);
    assertEquals(Comparison.Verdict.LR_BETTER, r.verdict());
    assertEquals("lr better (one fit; McNemar p < 0.001)", r.verdictText());
    assertEquals(50, r.lrOnly());
    // a difference of the same sign that the test rows cannot tell from chance: level
    Comparison.Row close = Comparison.of(pairs(ALL, -0.01), "nb", "lr",
        java.util.Map.of(ALL, new long[] {10, 3})).at(ALL);
    assertEquals(Comparison.Verdict.LEVEL, close.verdict());
    assertEquals("level (one fit; McNemar p = 0.092)", close.verdictText());
    // p = 0.0498 (scipy's binomtest(25, 67)) would print as 0.050 beside "better"
    assertEquals("lr better (one fit; McNemar p < 0.05)",
        Comparison.row("nb", ALL, List.of(-0.01), new long[] {42, 25}).verdictText());
    // nb's way
    assertEquals("nb better (one fit; McNemar p = 0.019)", Comparison.of(pairs(ALL, 0.02), "nb",
        "lr", java.util.Map.of(ALL, new long[] {4, 15})).at(ALL).verdictText());
    // sampled sizes keep their interval: no counts there
    Comparison.Row sampled = Comparison.of(pairs(5, LR_BETTER), "nb", "lr",
        java.util.Map.of(ALL, new long[] {1, 1})).at(5);
    assertEquals(-1, sampled.lrOnly());
    assertTrue(Double.isNaN(sampled.mcnemarP()));
    // the tables' note says how such a size is decided
    String note = Tables.oneFitNote(LearningCurve.of(fs, List.of("nb", "lr"),
        java.util.Map.of("nb", java.util.Map.of(ALL, new long[] {50, 5}))), "; ");
    assertEquals("; one fit per size (one seed) is decided by McNemar's exact test on the test "
        + "rows only one of the two models classifies correctly: better when p < 0.05, else "
        + "level", note);
  }

  @Test
  void seedsThatAllDifferAlikeAreMarkedNoSpread() {
    // three seeds, each lr 0.01 below nb: sd 0, an interval of no width, decided by the sign
    Comparison.Row same = Comparison.of(pairs(5, -0.01, -0.01, -0.01), "nb", "lr").at(5);
    assertEquals(0, same.stdDiff());
    assertEquals(0, same.ci95());
    assertTrue(same.noSpread() && !same.oneFit());
    assertEquals("lr better (no spread)", same.verdictText());
    // all alike at 0: level, nothing to mark
    Comparison.Row zero = Comparison.of(pairs(5, 0, 0), "nb", "lr").at(5);
    assertEquals("level", zero.verdictText());
    // a spread: an interval, no mark
    assertEquals("lr better", Comparison.of(pairs(5, LR_BETTER), "nb", "lr").at(5).verdictText());
    // the tables' note says what the mark means, beside all's
    List<Fit> fs = new ArrayList<>(pairs(5, -0.01, -0.01, -0.01));
    fs.addAll(pairs(ALL, -0.02));
    String note = Tables.oneFitNote(LearningCurve.of(fs, List.of("nb", "lr")), "; ");
    assertEquals("; one fit (all) is decided by the sign of its difference; a size whose "
        + "seeds all differ by the same amount (no spread) is decided by the sign of its "
        + "difference", note);
    // the same number of rows apart on every seed, errors varying by seed (360 test rows: lr
    // wrong on 0, 7, 14, nb on 3, 10, 17): the doubles differ in their last bits, still alike
    List<Fit> rows = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      rows.add(fit("lr", 5, s, 7 * s / 360.0));
      rows.add(fit("nb", 5, s, (7 * s + 3) / 360.0));
    }
    Comparison.Row rounded = Comparison.of(rows, "nb", "lr").at(5);
    assertEquals(0, rounded.stdDiff());
    assertEquals(0, rounded.ci95());
    assertEquals("lr better (no spread)", rounded.verdictText());
    // three copies of -0.1: the mean rounds, the std would be 1.7e-17
    assertEquals("lr better (no spread)",
        Comparison.row("nb", 5, List.of(-0.1, -0.1, -0.1)).verdictText());
    // one row apart on one of the seeds is a spread
    List<Fit> apart = new ArrayList<>(rows);
    apart.set(5, fit("nb", 5, 2, (7 * 2 + 4) / 360.0));
    Comparison.Row spread = Comparison.of(apart, "nb", "lr").at(5);
    assertTrue(spread.stdDiff() > 0 && !spread.noSpread(), spread.toString());
    // a sampled size where the two models share one seed is one fit too, not "all"
    List<Fit> one = new ArrayList<>(pairs(5, LR_BETTER));
    one.add(fit("lr", 10, 0, 0.2));
    one.add(fit("nb", 10, 0, 0.3));
    one.add(fit("lr", 10, 1, 0.2)); // no nb on seed 1
    one.addAll(pairs(ALL, -0.02));
    assertEquals("; one fit (all, or one seed both models have) is decided by the sign of its "
        + "difference", Tables.oneFitNote(LearningCurve.of(one, List.of("nb", "lr")), "; "));
  }

  @Test
  void allIsOneExactDifferenceDecidedByItsSign() {
    Comparison.Row better = Comparison.of(pairs(ALL, -0.07), "nb", "lr").at(ALL);
    assertEquals(1, better.seeds());
    assertEquals(-0.07, better.meanDiff(), 1e-15);
    assertTrue(Double.isNaN(better.stdDiff()) && Double.isNaN(better.ci95()), "no interval");
    assertTrue(better.oneFit());
    assertEquals("lr better (one fit)", better.verdictText());
    assertEquals("nb better (one fit)",
        Comparison.of(pairs(ALL, 0.01), "nb", "lr").at(ALL).verdictText());
    assertEquals("level (one fit)",
        Comparison.of(pairs(ALL, 0.0), "nb", "lr").at(ALL).verdictText());
  }

  @Test
  void crossoverIsWhereLrIsBetterAtThatSizeAndEveryLargerOne() {
    List<Fit> fs = new ArrayList<>();
    fs.addAll(pairs(1, LEVEL));
    fs.addAll(pairs(2, LR_BETTER)); // better here, but level again at 5
    fs.addAll(pairs(5, LEVEL));
    fs.addAll(pairs(10, LR_BETTER));
    fs.addAll(pairs(20, LR_BETTER));
    fs.addAll(pairs(ALL, -0.05));
    Comparison k = Comparison.of(fs, "nb", "lr");
    assertEquals(10, k.crossover());
    assertEquals("lr is better than nb from 10 shots on (level at 1 shot, lr better at 2 shots, "
        + "level at 5 shots)", k.sentence());

    // not better at the largest size: no crossover
    List<Fit> none = new ArrayList<>(fs.subList(0, fs.size() - 2));
    none.addAll(pairs(ALL, 0.0));
    Comparison n = Comparison.of(none, "nb", "lr");
    assertNull(n.crossover());
    assertEquals("no crossover with nb (level at 1 shot, lr better at 2 shots, level at 5 shots, "
        + "lr better at 10 and 20 shots, level with all training rows)", n.sentence());

    // better from the first size: at every size
    List<Fit> every = new ArrayList<>(pairs(1, LR_BETTER));
    every.addAll(pairs(2, LR_BETTER));
    assertEquals(1, Comparison.of(every, "nb", "lr").crossover());
    assertEquals("lr is better than nb at every size",
        Comparison.of(every, "nb", "lr").sentence());

    // better with all rows only (one fit), nb better before it over a run of sizes
    List<Fit> onlyAll = new ArrayList<>();
    for (int s : new int[] {1, 2, 5}) onlyAll.addAll(pairs(s, NB_BETTER));
    onlyAll.addAll(pairs(10, LEVEL));
    onlyAll.addAll(pairs(ALL, -0.01));
    Comparison a = Comparison.of(onlyAll, "nb", "lr");
    assertEquals(ALL, a.crossover());
    assertEquals("lr is better than nb with all training rows only, from one fit (nb better at 1 "
        + "to 5 shots, level at 10 shots)", a.sentence());

    // never: one verdict everywhere
    Comparison nbAlways = Comparison.of(pairs(1, NB_BETTER), "nb", "lr");
    assertEquals("no crossover with nb (nb better at every size)", nbAlways.sentence());
    // nothing shared: no sentence
    assertNull(Comparison.of(List.of(fit("nb", 1, 0, 0.1)), "nb", "lr").sentence());
  }
}
