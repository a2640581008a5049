package linprobe.curve;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's tables as text: fits.csv, curve.csv, per_class.csv, comparison.csv and curve.md. A
 * number that is not defined for the run (top-5 error with 5 classes or fewer) is left empty.
 */
public final class Tables {
  public static final String FITS_HEADER = "model,shots,seed,n_train,error,logloss,top5_error,"
      + "balanced_error,c,c_source,iterations,converged,fit_ms";
  public static final String CURVE_HEADER = "model,shots,n_train,seeds,error_mean,error_std,"
      + "error_ci95,logloss_mean,logloss_std,top5_error_mean,top5_error_std,"
      + "balanced_error_mean,balanced_error_std,c_median";
  public static final String PER_CLASS_HEADER = "model,shots,seed,class,n_test,recall";
  public static final String COMPARISON_HEADER =
      "nb_model,shots,seeds,mean_diff,std_diff,ci95,verdict,lr_only_right,nb_only_right,"
          + "mcnemar_p";

  private Tables() {}

  public static String fitsCsv(List<Fit> fits) {
    StringBuilder sb = new StringBuilder(FITS_HEADER).append('\n');
    for (Fit f : fits) {
      sb.append(f.model()).append(',').append(Fit.shotsLabel(f.shots())).append(',')
          .append(f.seed() < 0 ? "" : Long.toString(f.seed())).append(',').append(f.nTrain())
          .append(',').append(num(f.error())).append(',').append(num(f.logloss())).append(',')
          .append(defined(f.top5Error())).append(',').append(defined(f.balancedError()))
          .append(',').append(defined(f.c())).append(',')
          .append(f.cSource() == null ? "" : f.cSource())
          .append(',').append(f.iterations()).append(',').append(f.converged()).append(',')
          .append(f.fitMs()).append('\n');
    }
    return sb.toString();
  }

  public static String curveCsv(LearningCurve c) {
    StringBuilder sb = new StringBuilder(CURVE_HEADER).append('\n');
    for (LearningCurve.Point p : c.points()) {
      sb.append(p.model()).append(',').append(Fit.shotsLabel(p.shots())).append(',')
          .append(num(p.nTrain())).append(',').append(p.seeds()).append(',')
          .append(num(p.errorMean())).append(',').append(defined(p.errorStd())).append(',')
          .append(defined(p.errorCi95())).append(',').append(num(p.loglossMean())).append(',')
          .append(defined(p.loglossStd())).append(',')
          .append(meanAndStd(p.top5ErrorMean(), p.top5ErrorStd())).append(',')
          .append(meanAndStd(p.balancedErrorMean(), p.balancedErrorStd())).append(',')
          .append(defined(p.cMedian())).append('\n');
    }
    return sb.toString();
  }

  /**
   * per_class.csv: one row per (fit, class) in fits.csv's order, classes in index order.
   *
   * @param classes the class labels by index (as summary.json has them)
   * @param nTest test rows per class index
   */
  public static String perClassCsv(List<Fit> fits, List<?> classes, long[] nTest) {
    StringBuilder sb = new StringBuilder(PER_CLASS_HEADER).append('\n');
    for (Fit f : fits) {
      String prefix = f.model() + ',' + Fit.shotsLabel(f.shots()) + ','
          + (f.seed() < 0 ? "" : Long.toString(f.seed())) + ',';
      for (int c = 0; c < f.recall().size(); c++) {
        sb.append(prefix).append(csvField(String.valueOf(classes.get(c)))).append(',')
            .append(nTest[c]).append(',').append(defined(f.recall().get(c))).append('\n');
      }
    }
    return sb.toString();
  }

  /** A number, or empty when it is not defined (NaN). */
  static String defined(double v) {
    return Double.isNaN(v) ? "" : num(v);
  }

  /** "mean,std", both empty when the mean is not defined, the std empty with one fit. */
  static String meanAndStd(double mean, double std) {
    return Double.isNaN(mean) ? "," : num(mean) + "," + defined(std);
  }

  /** A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break. */
  static String csvField(String v) {
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
      return v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }

  /** Shots down the side, the models side by side, then asymptotes and the crossover. */
  public static String markdown(LearningCurve c, double epsilon) {
    List<String> models = c.models();
    StringBuilder sb = new StringBuilder();
    sb.append("| shots | n_train |");
    for (String m : models) sb.append(' ').append(m).append(" error |");
    for (String m : models) sb.append(' ').append(m).append(" log-loss |");
    sb.append("\n|---:|---:|");
    sb.append("---:|".repeat(2 * models.size())).append('\n');
    for (int s : c.shots()) {
      LearningCurve.Point any = null;
      for (String m : models) if (any == null) any = c.at(m, s);
      sb.append("| ").append(Fit.shotsLabel(s)).append(" | ")
          .append(any == null ? "" : String.format(Locale.ROOT, "%.0f", any.nTrain())).append(" |");
      for (String m : models) sb.append(' ').append(cell(c.at(m, s), true)).append(" |");
      for (String m : models) sb.append(' ').append(cell(c.at(m, s), false)).append(" |");
      sb.append('\n');
    }
    sb.append('\n');
    sb.append(spreadNote(c, "±")).append(" Asymptotic error (largest size) and shots to within ")
        .append(num(epsilon)).append(" of it:\n");
    for (String m : models) {
      sb.append(String.format(Locale.ROOT, "- %s: %.4f, %s\n", m, c.asymptoticError(m),
          reached(c.shotsToEpsilon(m, epsilon))));
    }
    List<Comparison> comparisons = c.comparisons();
    if (!comparisons.isEmpty()) {
      sb.append("\nTest error of lr minus naive Bayes, paired by seed (the same subsets): mean ± "
          + "Student-t 95% half-width over seeds. Below 0: lr better; level when the interval "
          + "contains 0" + oneFitNote(c, "; ") + ".\n\n| shots |");
      for (Comparison k : comparisons) {
        sb.append(" lr - ").append(k.nbModel()).append(" | verdict |");
      }
      sb.append("\n|---:|").append("---:|---|".repeat(comparisons.size())).append('\n');
      for (int s : c.shots()) {
        sb.append("| ").append(Fit.shotsLabel(s)).append(" |");
        for (Comparison k : comparisons) {
          Comparison.Row r = k.at(s);
          sb.append(' ').append(diffCell(r)).append(" | ")
              .append(r == null ? "" : r.verdictText()).append(" |");
        }
        sb.append('\n');
      }
    }
    String verdict = verdict(c);
    if (verdict != null) sb.append("\nVerdict: ").append(verdict).append('\n');
    return sb.toString();
  }

  /**
   * The answer in one sentence, from the paired differences (see {@link Comparison}), e.g.
   * "lr is better than nb from 2 shots on (level at 1 shot)."; null without lr or without a
   * naive Bayes model.
   */
  public static String verdict(LearningCurve c) {
    List<String> parts = new ArrayList<>();
    for (Comparison k : c.comparisons()) {
      String s = k.sentence();
      if (s != null) parts.add(s);
    }
    return parts.isEmpty() ? null : String.join("; ", parts) + ".";
  }

  /** comparison.csv: lr against each naive Bayes model, one row per size. */
  public static String comparisonCsv(LearningCurve c) {
    StringBuilder sb = new StringBuilder(COMPARISON_HEADER).append('\n');
    for (Comparison k : c.comparisons()) {
      for (Comparison.Row r : k.rows()) {
        sb.append(k.nbModel()).append(',').append(Fit.shotsLabel(r.shots())).append(',')
            .append(r.seeds()).append(',').append(num(r.meanDiff())).append(',')
            .append(defined(r.stdDiff())).append(',').append(defined(r.ci95())).append(',')
            .append(csvField(r.verdictText())).append(',')
            .append(r.lrOnly() < 0 ? "" : String.valueOf(r.lrOnly())).append(',')
            .append(r.nbOnly() < 0 ? "" : String.valueOf(r.nbOnly())).append(',')
            .append(defined(r.mcnemarP())).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * What a table's "mean ± std" cells are: "Mean over seeds ± sample std.", saying which sizes
   * are one fit, shown without a std ("all"; every size with one seed).
   */
  public static String spreadNote(LearningCurve c, String plusMinus) {
    boolean spread = c.points().stream().anyMatch(p -> p.seeds() > 1);
    boolean all = c.points().stream().anyMatch(p -> p.shots() == Fit.ALL);
    if (!spread) return "One fit per size (one seed): no spread to show.";
    return "Mean over seeds " + plusMinus + " sample std" + (all ? "; all is one fit." : ".");
  }

  /**
   * How a comparison decides a size without an interval, after sep, or "" when it has none: one
   * fit ("all", every size with one seed, or a size whose two models share one seed) by
   * McNemar's exact test when its discordant rows were counted, else by the sign; a size whose
   * differences are all the same ("(no spread)") by the sign.
   */
  public static String oneFitNote(LearningCurve c, String sep) {
    List<Comparison.Row> rows = c.comparisons().stream().flatMap(k -> k.rows().stream())
        .toList();
    List<String> notes = new ArrayList<>();
    if (rows.stream().anyMatch(Comparison.Row::oneFit)) {
      boolean mcnemar = rows.stream().anyMatch(r -> r.oneFit() && !Double.isNaN(r.mcnemarP()));
      notes.add((rows.stream().allMatch(Comparison.Row::oneFit) ? "one fit per size (one seed)"
          : rows.stream().allMatch(r -> !r.oneFit() || r.shots() == Fit.ALL) ? "one fit (all)"
          : "one fit (all, or one seed both models have)")
          + (mcnemar ? " is decided by McNemar's exact test on the test rows only one of the "
              + "two models classifies correctly: better when p < 0.05, else level"
              : " is decided by the sign of its difference"));
    }
    if (rows.stream().anyMatch(Comparison.Row::noSpread)) {
      notes.add("a size whose seeds all differ by the same amount (no spread) is decided by "
          + "the sign of its difference");
    }
    return notes.isEmpty() ? "" : sep + String.join("; ", notes);
  }

  /** "-0.0033 ± 0.0264", or the one exact difference "-0.0701"; empty without a row. */
  public static String diffCell(Comparison.Row r) {
    if (r == null) return "";
    return r.oneFit() ? String.format(Locale.ROOT, "%+.4f", r.meanDiff())
        : String.format(Locale.ROOT, "%+.4f ± %.4f", r.meanDiff(), r.ci95());
  }

  /**
   * Whether and from which size a model gets within epsilon of its asymptote, given {@link
   * LearningCurve#shotsToEpsilon}: "reached from 20 shots", "reached only with every row", "not
   * reached".
   */
  public static String reached(Integer shots) {
    return shots == null ? "not reached"
        : shots == Fit.ALL ? "reached only with every row"
        : "reached from " + Comparison.shots(shots);
  }

  /** "mean ± std" of a point's error or log-loss; one fit ("all", one seed) shows the mean. */
  public static String cell(LearningCurve.Point p, boolean error) {
    if (p == null) return "";
    return meanStd(error ? p.errorMean() : p.loglossMean(),
        error ? p.errorStd() : p.loglossStd());
  }

  /** "0.1234 ± 0.0056"; the mean alone without a spread (one fit); empty without a mean. */
  public static String meanStd(double mean, double std) {
    if (Double.isNaN(mean)) return "";
    return Double.isNaN(std) ? String.format(Locale.ROOT, "%.4f", mean)
        : String.format(Locale.ROOT, "%.4f ± %.4f", mean, std);
  }

  /** Eight significant digits, plain notation: stable text for identical numbers. */
  public static String num(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    return new BigDecimal(v).round(new MathContext(8)).stripTrailingZeros().toPlainString();
  }
}
