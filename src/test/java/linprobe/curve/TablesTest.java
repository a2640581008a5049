package linprobe.curve;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        + "logloss_std,top5_error_mean,top5_error_std,balanced_error_mean,balanced_error_std\n"
        + "nb,1,10,2,0.4,0.14142136,1.2706205,1.5,0.70710678,,,,\n"
        + "nb,all,100,1,0.2,0,0,0.9,0,,,,\n"
        + "lr,1,10,2,0.5,0.14142136,1.2706205,1.6,0.14142136,,,,\n"
        + "lr,all,100,1,0.1,0,0,0.3,0,,,,\n";
    assertEquals(expected, Tables.curveCsv(small()));
  }

  @Test
  void fitsCsv() {
    List<Fit> fs = List.of(fit("nb", 1, 4, 10, 1.0 / 3, 2.0 / 3), fit("lr", ALL, -1, 100, 0, 0.1));
    assertEquals("model,shots,seed,n_train,error,logloss,top5_error,balanced_error,iterations,"
        + "converged,fit_ms\n"
        + "nb,1,4,10,0.33333333,0.66666667,,,3,true,7\n"
        + "lr,all,,100,0,0.1,,,3,true,7\n", Tables.fitsCsv(fs));
  }

  static Fit scored(String model, int shots, long seed, double error, double top5,
      double balanced, List<Double> recall) {
    return new Fit(model, shots, seed, 10, error, 1.0, top5, balanced, recall, 3, true, 7);
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
    assertEquals("model,shots,seed,n_train,error,logloss,top5_error,balanced_error,iterations,"
        + "converged,fit_ms\n"
        + "nb,1,0,10,0.2,1,0.1,0.3,3,true,7\n"
        + "nb,1,1,10,0.4,1,0.2,0.5,3,true,7\n"
        + "lr,all,,10,0.1,1,,0.25,3,true,7\n", Tables.fitsCsv(fs));
    // top-5: mean 0.15, std sqrt(2 x 0.05^2 / 1) = 0.070710678; balanced: mean 0.4, std
    // 0.14142136; "all": one fit, std 0
    LearningCurve c = LearningCurve.of(fs, List.of("nb", "lr"));
    assertEquals("model,shots,n_train,seeds,error_mean,error_std,error_ci95,logloss_mean,"
        + "logloss_std,top5_error_mean,top5_error_std,balanced_error_mean,balanced_error_std\n"
        + "nb,1,10,2,0.3,0.14142136,1.2706205,1,0,0.15,0.070710678,0.4,0.14142136\n"
        + "lr,all,10,1,0.1,0,0,1,0,,,0.25,0\n", Tables.curveCsv(c));
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
        + "Mean over seeds ± sample std. Asymptotic error (largest size) and shots to within "
        + "0.25 of it:\n"
        // nb: 0.4 <= 0.2 + 0.25 already at 1 shot; lr: 0.5 > 0.1 + 0.25
        + "- nb: 0.2000, reached from 1 shots\n"
        + "- lr: 0.1000, reached from all shots\n"
        + "\n"
        + "Verdict: nb is as good or better up to 1 shot per class; lr from all on.\n";
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
        + "Mean over seeds ± sample std. Asymptotic error (largest size) and shots to within "
        + "0.01 of it:\n"
        + "- nb: 0.2000, reached from 2 shots\n", md);
  }

  @Test
  void verdictPerNaiveBayesModel() {
    int[] shots = {1, 2, 5, 10, 20, ALL};
    List<Fit> fs = new ArrayList<>();
    // nb wins up to 5 (a tie at 5 counts for nb), lr from 10
    fs.addAll(curve("nb", shots, new double[] {0.40, 0.20, 0.15, 0.12, 0.11, 0.10}));
    fs.addAll(curve("lr", shots, new double[] {0.45, 0.30, 0.15, 0.10, 0.06, 0.03}));
    // lr better everywhere
    fs.addAll(curve("nb-perclass", shots, new double[] {0.5, 0.4, 0.3, 0.2, 0.2, 0.2}));
    LearningCurve c = LearningCurve.of(fs, List.of("nb", "nb-perclass", "lr"));
    assertEquals("nb is as good or better up to 5 shots per class; lr from 10 on; "
        + "lr is better than nb-perclass at every size.", Tables.verdict(c));
  }

  @Test
  void verdictSingularShotAndNoCrossover() {
    int[] shots = {1, 2, ALL};
    List<Fit> fs = new ArrayList<>();
    fs.addAll(curve("lr", shots, new double[] {0.5, 0.2, 0.1}));
    fs.addAll(curve("nb", shots, new double[] {0.4, 0.3, 0.2})); // lr from 2
    fs.addAll(curve("nb-perclass", shots, new double[] {0.4, 0.1, 0.05})); // never
    LearningCurve c = LearningCurve.of(fs, List.of("lr", "nb", "nb-perclass"));
    assertEquals("nb is as good or better up to 1 shot per class; lr from 2 on; "
        + "lr never stays below nb-perclass (crossover: none).", Tables.verdict(c));
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
