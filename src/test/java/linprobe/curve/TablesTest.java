package linprobe.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** curve.csv, curve.md and the verdict on hand-made curves; expected text written by hand. */
class TablesTest {
  static final int ALL = Fit.ALL;

  static Fit fit(String model, int shots, long seed, long n, double error, double logloss) {
    return new Fit(model, shots, seed, n, error, logloss, 3, true, 7);
  }

  /** nb and lr at 1 shot (two seeds) and all; lr is worse at 1 and better at all. */
  static LearningCurve small() {
    return LearningCurve.of(List.of(
        fit("nb", 1, 0, 10, 0.5, 2.0), fit("nb", 1, 1, 10, 0.3, 1.0),
        fit("lr", 1, 1, 10, 0.6, 1.7), fit("lr", 1, 0, 10, 0.4, 1.5),
        fit("nb", ALL, -1, 100, 0.2, 0.9), fit("lr", ALL, -1, 100, 0.1, 0.3)),
        List.of("nb", "lr"));
  }

  /** Single-seed fits: the curve's mean errors are the given numbers. */
  static List<Fit> curve(String model, int[] shots, double[] errors) {
    List<Fit> fs = new ArrayList<>();
    for (int i = 0; i < shots.length; i++) {
      fs.add(fit(model, shots[i], shots[i] == ALL ? -1 : 0, 10L * Math.min(shots[i], 1000),
          errors[i], 1));
    }
    return fs;
  }

  @Test
  void curveCsv() {
    // std 0.1 sqrt 2 = 0.141421356...; 95% half-width with 2 seeds: 12.7062047... * 0.1;
    // log-loss std sqrt(0.5) = 0.707106781... (nb) and 0.1 sqrt 2 (lr)
    // fits without top-5 or balanced error: those columns empty
    String expected = "model,shots,n_train,seeds,error_mean,error_std,error_ci95,logloss_mean,"
        + "logloss_std,top5_error_mean,top5_error_std,balanced_error_mean,balanced_error_std,"
        + "c_median\n"
        + "nb,1,10,2,0.4,0.14142136,1.2706205,1.5,0.70710678,,,,,\n"
        + "nb,all,100,1,0.2,,,0.9,,,,,,\n"
        + "lr,1,10,2,0.5,0.14142136,1.2706205,1.6,0.14142136,,,,,\n"
        + "lr,all,100,1,0.1,,,0.3,,,,,,\n";
    assertEquals(expected, Tables.curveCsv(small()));
  }

  @Test
  void oneSeedLeavesTheSpreadEmptyAsAllDoes() {
    // a run with one seed: no std nor interval, written as all's (empty), never "NaN"
    LearningCurve c = LearningCurve.of(List.of(fit("nb", 5, 0, 50, 0.25, 0.5)), List.of("nb"));
    assertEquals("nb,5,50,1,0.25,,,0.5,,,,,,", Tables.curveCsv(c).split("\n")[1]);
  }

  @Test
  void fitsCsv() {
    List<Fit> fs = List.of(fit("nb", 1, 4, 10, 1.0 / 3, 2.0 / 3), fit("lr", ALL, -1, 100, 0, 0.1));
    assertEquals("model,shots,seed,n_train,error,logloss,top5_error,balanced_error,c,c_source,"
        + "iterations,converged,fit_ms\n"
        + "nb,1,4,10,0.33333333,0.66666667,,,,,3,true,7\n"
        + "lr,all,,100,0,0.1,,,,,3,true,7\n", Tables.fitsCsv(fs));
  }

  static Fit scored(String model, int shots, long seed, double error, double top5,
      double balanced, List<Double> recall) {
    return new Fit(model, shots, seed, 10, error, 1.0, top5, balanced, recall, Double.NaN, null,
        3, true, 7);
  }

  @Test
  void chosenCAndItsSourceAndTheMedianPerSize() {
    List<Fit> fs = List.of(
        new Fit("lr", 5, 0, 50, 0.2, 1.0, Double.NaN, 0.2, List.of(), 0.5, "cv", 3, true, 7),
        new Fit("lr", 5, 1, 50, 0.2, 1.0, Double.NaN, 0.2, List.of(), 2, "cv", 3, true, 7),
        new Fit("lr", 5, 2, 50, 0.2, 1.0, Double.NaN, 0.2, List.of(), 100, "cv", 3, true, 7),
        new Fit("lr", 1, 0, 10, 0.5, 2.0, Double.NaN, 0.5, List.of(), 1, "fallback", 3, true, 7));
    String fits = Tables.fitsCsv(fs);
    assertTrue(fits.contains("\nlr,5,1,50,0.2,1,,0.2,2,cv,3,true,7\n"), fits);
    assertTrue(fits.contains("\nlr,1,0,10,0.5,2,,0.5,1,fallback,3,true,7\n"), fits);
    String curve = Tables.curveCsv(LearningCurve.of(fs, List.of("lr")));
    // the median of 0.5, 2 and 100 is 2
    assertTrue(curve.contains("\nlr,5,50,3,") && curve.split("\n")[2].endsWith(",2"), curve);
    assertTrue(curve.split("\n")[1].endsWith(",1"), curve);
  }

  @Test
  void topFiveBalancedErrorAndPerClassRecall() {
    double nan = Double.NaN;
    // made-up numbers, the table's form only: nb at 1 shot, seeds 0 and 1, top-5 error 0.1 and
    // 0.2, balanced error 0.3 and 0.5; lr at all with top-5 undefined (NaN): empty
    List<Fit> fs = List.of(
        scored("nb", 1, 0, 0.2, 0.1, 0.3, List.of(1.0, 0.5, nan)),
        scored("nb", 1, 1, 0.4, 0.2, 0.5, List.of(0.0, 1.0, nan)),
        scored("lr", ALL, -1, 0.1, nan, 0.25, List.of(0.75, 1.0 / 3, nan)));
    assertEquals("model,shots,seed,n_train,error,logloss,top5_error,balanced_error,c,c_source,"
        + "iterations,converged,fit_ms\n"
        + "nb,1,0,10,0.2,1,0.1,0.3,,,3,true,7\n"
        + "nb,1,1,10,0.4,1,0.2,0.5,,,3,true,7\n"
        + "lr,all,,10,0.1,1,,0.25,,,3,true,7\n", Tables.fitsCsv(fs));
    // top-5: mean 0.15, std sqrt(2 x 0.05^2 / 1) = 0.070710678; balanced: mean 0.4, std
    // 0.14142136; "all": one fit, std and interval empty
    LearningCurve c = LearningCurve.of(fs, List.of("nb", "lr"));
    assertEquals("model,shots,n_train,seeds,error_mean,error_std,error_ci95,logloss_mean,"
        + "logloss_std,top5_error_mean,top5_error_std,balanced_error_mean,balanced_error_std,"
        + "c_median\n"
        + "nb,1,10,2,0.3,0.14142136,1.2706205,1,0,0.15,0.070710678,0.4,0.14142136,\n"
        + "lr,all,10,1,0.1,,,1,,,,0.25,,\n", Tables.curveCsv(c));
    // classes by label, in index order; a class without test rows has an empty recall; a label
    // with a comma is quoted
    assertEquals("model,shots,seed,class,n_test,recall\n"
        + "nb,1,0,cat,4,1\n"
        + "nb,1,0,\"dog, small\",2,0.5\n"
        + "nb,1,0,7,0,\n"
        + "nb,1,1,cat,4,0\n"
        + "nb,1,1,\"dog, small\",2,1\n"
        + "nb,1,1,7,0,\n"
        + "lr,all,,cat,4,0.75\n"
        + "lr,all,,\"dog, small\",2,0.33333333\n"
        + "lr,all,,7,0,\n",
        Tables.perClassCsv(fs, List.of("cat", "dog, small", 7), new long[] {4, 2, 0}));
  }

  @Test
  void markdown() {
    String expected = "| shots | n_train | nb error | lr error | nb log-loss | lr log-loss |\n"
        + "|---:|---:|---:|---:|---:|---:|\n"
        + "| 1 | 10 | 0.4000 ± 0.1414 | 0.5000 ± 0.1414 | 1.5000 ± 0.7071 | 1.6000 ± 0.1414 |\n"
        + "| all | 100 | 0.2000 | 0.1000 | 0.9000 | 0.3000 |\n"
        + "\n"
        + "Mean over seeds ± sample std; all is one fit. Asymptotic error (largest size) and "
        + "shots to within 0.25 of it:\n"
        // nb: 0.4 <= 0.2 + 0.25 already at 1 shot; lr: 0.5 > 0.1 + 0.25
        + "- nb: 0.2000, reached from 1 shot\n"
        + "- lr: 0.1000, reached only with every row\n"
        + "\n"
        + "Test error of lr minus naive Bayes, paired by seed (the same subsets): mean ± "
        + "Student-t 95% half-width over seeds. Below 0: lr better; level when the interval "
        + "contains 0; one fit (all) is decided by the sign of its difference.\n"
        + "\n"
        + "| shots | lr - nb | verdict |\n"
        + "|---:|---:|---|\n"
        // seed 0: 0.4 - 0.5 = -0.1, seed 1: 0.6 - 0.3 = 0.3; mean 0.1, std 0.2 sqrt 2, half-width
        // 12.7062047 x 0.2 sqrt 2 / sqrt 2 = 2.5412409
        + "| 1 | +0.1000 ± 2.5412 | level |\n"
        + "| all | -0.1000 | lr better (one fit) |\n"
        + "\n"
        // lr's mean error is above nb's at 1 shot but the paired interval contains 0
        + "Verdict: lr is better than nb with all training rows only, from one fit (level at 1 "
        + "shot).\n";
    assertEquals(expected, Tables.markdown(small(), 0.25));
  }

  @Test
  void markdownWithoutLrHasNoVerdict() {
    LearningCurve c = LearningCurve.of(curve("nb", new int[] {1, 2}, new double[] {0.3, 0.2}),
        List.of("nb"));
    String md = Tables.markdown(c, 0.01);
    assertEquals("| shots | n_train | nb error | nb log-loss |\n"
        + "|---:|---:|---:|---:|\n"
        // one seed: std is NaN, the cell shows the mean alone
        + "| 1 | 10 | 0.3000 | 1.0000 |\n"
        + "| 2 | 20 | 0.2000 | 1.0000 |\n"
        + "\n"
        + "One fit per size (one seed): no spread to show. Asymptotic error (largest size) and "
        + "shots to within 0.01 of it:\n"
        + "- nb: 0.2000, reached from 2 shots\n", md);
  }

  @Test
  void verdictPerNaiveBayesModel() {
    int[] shots = {1, 2, 5, 10, 20, ALL};
    List<Fit> fs = new ArrayList<>();
    // one seed per size: each size decided by the sign of its one difference. nb wins up to 2,
    // a tie at 5 (level), lr from 10
    fs.addAll(curve("nb", shots, new double[] {0.40, 0.20, 0.15, 0.12, 0.11, 0.10}));
    fs.addAll(curve("lr", shots, new double[] {0.45, 0.30, 0.15, 0.10, 0.06, 0.03}));
    // lr better everywhere
    fs.addAll(curve("nb-perclass", shots, new double[] {0.5, 0.4, 0.3, 0.2, 0.2, 0.2}));
    LearningCurve c = LearningCurve.of(fs, List.of("nb", "nb-perclass", "lr"));
    assertEquals("lr is better than nb from 10 shots on (nb better at 1 and 2 shots, level at 5 "
        + "shots); lr is better than nb-perclass at every size.", Tables.verdict(c));
  }

  @Test
  void verdictSingularShotAndNoCrossover() {
    int[] shots = {1, 2, ALL};
    List<Fit> fs = new ArrayList<>();
    fs.addAll(curve("lr", shots, new double[] {0.5, 0.2, 0.1}));
    fs.addAll(curve("nb", shots, new double[] {0.4, 0.3, 0.2})); // lr from 2
    fs.addAll(curve("nb-perclass", shots, new double[] {0.4, 0.1, 0.05})); // never
    LearningCurve c = LearningCurve.of(fs, List.of("lr", "nb", "nb-perclass"));
    assertEquals("lr is better than nb from 2 shots on (nb better at 1 shot); "
        + "no crossover with nb-perclass (nb-perclass better at every size).", Tables.verdict(c));
  }

  @Test
  void comparisonCsvAndTheVerdictComeFromPairedDifferences() {
    // five seeds at 1 shot: lr's mean error is lower (0.4404 against 0.4437, the demo's case)
    // but the differences lr - nb (-0.03, 0.0133, 0.0083, 0.0017, -0.01) are level; at 2 shots
    // every seed is better by 0.04 to 0.06; all: one fit
    double[] nb1 = {0.4157, 0.3806, 0.4574, 0.5175, 0.4474};
    double[] lr1 = {0.3857, 0.3939, 0.4657, 0.5192, 0.4374};
    double[] nb2 = {0.30, 0.35, 0.40, 0.33, 0.38};
    double[] lr2 = {0.25, 0.30, 0.34, 0.29, 0.32};
    List<Fit> fs = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      fs.add(fit("nb", 1, s, 10, nb1[s], 1));
      fs.add(fit("lr", 1, s, 10, lr1[s], 1));
      fs.add(fit("nb", 2, s, 20, nb2[s], 1));
      fs.add(fit("lr", 2, s, 20, lr2[s], 1));
    }
    fs.add(fit("nb", ALL, -1, 100, 0.10, 1));
    fs.add(fit("lr", ALL, -1, 100, 0.03, 1));
    LearningCurve c = LearningCurve.of(fs, List.of("nb", "lr"));
    // 1 shot: mean -0.00334, std 0.0172691, half-width 2.7764451 x 0.0172691 / sqrt 5 =
    // 0.0214425; 2 shots: differences -0.05, -0.05, -0.06, -0.04, -0.06, mean -0.052, std
    // sqrt(0.00028) = 0.0083666, half-width 0.0103885
    assertEquals("nb_model,shots,seeds,mean_diff,std_diff,ci95,verdict,lr_only_right,"
        + "nb_only_right,mcnemar_p\n"
        + "nb,1,5,-0.00334,0.017269134,0.021442462,level,,,\n"
        + "nb,2,5,-0.052,0.0083666003,0.010388506,lr better,,,\n"
        + "nb,all,1,-0.07,,,lr better (one fit),,,\n", Tables.comparisonCsv(c));
    // with all's rows counted (8 only lr gets right, 1 only nb: 7 of 100 test rows), McNemar
    LearningCurve counted = LearningCurve.of(fs, List.of("nb", "lr"),
        java.util.Map.of("nb", java.util.Map.of(ALL, new long[] {8, 1})));
    assertTrue(Tables.comparisonCsv(counted).endsWith(
        "nb,all,1,-0.07,,,lr better (one fit; McNemar p = 0.039),8,1,0.0390625\n"),
        Tables.comparisonCsv(counted));
    assertEquals("lr is better than nb from 2 shots on (level at 1 shot).", Tables.verdict(c));
  }

  @Test
  void noVerdictWithoutLrOrWithoutAnyNaiveBayes() {
    LearningCurve nbOnly = LearningCurve.of(curve("nb", new int[] {1, 2},
        new double[] {0.3, 0.2}), List.of("nb"));
    assertNull(Tables.verdict(nbOnly));
    LearningCurve lrOnly = LearningCurve.of(curve("lr", new int[] {1, 2},
        new double[] {0.3, 0.2}), List.of("lr"));
    assertNull(Tables.verdict(lrOnly));
  }

  @Test
  void numHasEightSignificantDigitsInPlainNotation() {
    assertEquals("0.33333333", Tables.num(1.0 / 3));
    assertEquals("12345679", Tables.num(12345678.9));
    assertEquals("0.000012345679", Tables.num(1.23456789e-5));
    assertEquals("0", Tables.num(0));
    assertEquals("0.1", Tables.num(0.1));
    assertEquals("NaN", Tables.num(Double.NaN));
    assertEquals("-Infinity", Tables.num(Double.NEGATIVE_INFINITY));
  }
}
