package linprobe.curve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Logistic regression against one naive Bayes model, size by size, from paired differences:
 * both are fitted on the same subsets, so at each shots value the difference of test error
 * lr - nb is taken per seed (fits paired by seed, over the seeds both have). Its mean, sample
 * standard deviation (ddof 1) and Student-t 95% half-width over seeds decide the size: "lr
 * better" when the interval lies below 0, "nb better" above 0, "level" when it contains 0.
 * "all" (and any size with one seed) has one pair: its difference is exact, with no interval,
 * and is decided by its sign alone, marked "(one fit)"; so is a size whose pairs all differ by
 * the same amount, marked "(no spread)".
 */
public final class Comparison {
  /** What one size shows. */
  public enum Verdict {
    LR_BETTER("lr better"), NB_BETTER("nb better"), LEVEL("level");

    public final String text;

    Verdict(String text) {
      this.text = text;
    }
  }

  /**
   * One size: the paired difference of test error, lr - nb.
   *
   * @param seeds pairs (seeds both models have); 1 for "all"
   * @param stdDiff sample std of the differences; NaN with one pair
   * @param ci95 Student-t 95% half-width of the mean difference; NaN with one pair
   */
  public record Row(String nbModel, int shots, int seeds, double meanDiff, double stdDiff,
      double ci95, Verdict verdict) {
    /** Decided by the sign of one exact difference, without an interval. */
    public boolean oneFit() {
      return seeds == 1;
    }

    /**
     * Two pairs or more that all differ by the same non-zero amount: an interval of no width,
     * so the size is decided by the sign alone, as one fit is (seeds whose subsets nearly
     * coincide, or a small test set whose error moves in whole rows).
     */
    public boolean noSpread() {
      return seeds > 1 && stdDiff == 0 && meanDiff != 0;
    }

    /** " (one fit)", " (no spread)", or "": how the verdict was reached when not by an interval. */
    public String mark() {
      return oneFit() ? " (one fit)" : noSpread() ? " (no spread)" : "";
    }

    /** "lr better", "nb better" or "level", with {@link #mark()}. */
    public String verdictText() {
      return verdict.text + mark();
    }
  }

  private final String nbModel;
  private final String lrModel;
  private final List<Row> rows;

  private Comparison(String nbModel, String lrModel, List<Row> rows) {
    this.nbModel = nbModel;
    this.lrModel = lrModel;
    this.rows = List.copyOf(rows);
  }

  /** The paired differences lr - nb at every size where both have fits on a common seed. */
  public static Comparison of(List<Fit> fits, String nbModel, String lrModel) {
    Map<Integer, Map<Long, Double>> nb = new TreeMap<>();
    Map<Integer, TreeMap<Long, Double>> lr = new TreeMap<>();
    for (Fit f : fits) {
      if (f.model().equals(nbModel)) {
        nb.computeIfAbsent(f.shots(), k -> new HashMap<>()).put(f.seed(), f.error());
      } else if (f.model().equals(lrModel)) {
        lr.computeIfAbsent(f.shots(), k -> new TreeMap<>()).put(f.seed(), f.error());
      }
    }
    List<Row> rows = new ArrayList<>();
    for (var e : lr.entrySet()) {
      Map<Long, Double> other = nb.get(e.getKey());
      if (other == null) continue;
      List<Double> d = new ArrayList<>();
      for (var s : e.getValue().entrySet()) {
        Double n = other.get(s.getKey());
        if (n != null) d.add(s.getValue() - n);
      }
      if (!d.isEmpty()) rows.add(row(nbModel, e.getKey(), d));
    }
    return new Comparison(nbModel, lrModel, rows);
  }

  static Row row(String nbModel, int shots, List<Double> diffs) {
    double[] d = diffs.stream().mapToDouble(Double::doubleValue).toArray();
    double mean = LearningCurve.mean(d);
    if (d.length == 1) {
      Verdict v = mean < 0 ? Verdict.LR_BETTER : mean > 0 ? Verdict.NB_BETTER : Verdict.LEVEL;
      return new Row(nbModel, shots, 1, mean, Double.NaN, Double.NaN, v);
    }
    double sd = LearningCurve.std(d);
    double h = LearningCurve.ci95(sd, d.length);
    Verdict v = mean + h < 0 ? Verdict.LR_BETTER
        : mean - h > 0 ? Verdict.NB_BETTER : Verdict.LEVEL;
    return new Row(nbModel, shots, d.length, mean, sd, h, v);
  }

  public String nbModel() {
    return nbModel;
  }

  public String lrModel() {
    return lrModel;
  }

  /** One row per size both models have, ascending ("all" last). */
  public List<Row> rows() {
    return rows;
  }

  public Row at(int shots) {
    for (Row r : rows) if (r.shots() == shots) return r;
    return null;
  }

  /**
   * The smallest shots from which lr is better at that size and at every larger one (by its
   * interval, or by the sign of one fit), or null when it is not better at the largest size.
   */
  public Integer crossover() {
    Integer from = null;
    for (int i = rows.size() - 1; i >= 0 && rows.get(i).verdict() == Verdict.LR_BETTER; i--) {
      from = rows.get(i).shots();
    }
    return from;
  }

  /**
   * The verdict in words, e.g. "lr is better than nb from 2 shots on (level at 1 shot)", "lr is
   * better than nb at every size" or "no crossover with nb (nb better at 1 and 2 shots, level
   * from 5 shots on)"; null when the two models share no size.
   */
  public String sentence() {
    if (rows.isEmpty()) return null;
    Integer x = crossover();
    int before = x == null ? rows.size() : indexOf(x);
    String head;
    if (x == null) {
      head = "no crossover with " + nbModel;
    } else if (before == 0) {
      return lrModel + " is better than " + nbModel + " at every size";
    } else {
      head = lrModel + " is better than " + nbModel + " "
          + (x == Fit.ALL ? "with all training rows only, from one fit"
              : "from " + shots(x) + " on");
    }
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < before; ) {
      int j = i;
      while (j + 1 < before && rows.get(j + 1).verdict() == rows.get(i).verdict()) j++;
      Verdict v = rows.get(i).verdict();
      String what = v == Verdict.LR_BETTER ? lrModel + " better"
          : v == Verdict.NB_BETTER ? nbModel + " better" : "level";
      groups.add(what + " " + (i == 0 && j == rows.size() - 1 ? "at every size"
          : sizes(rows.subList(i, j + 1))));
      i = j + 1;
    }
    return head + " (" + String.join(", ", groups) + ")";
  }

  private int indexOf(int shots) {
    for (int i = 0; i < rows.size(); i++) if (rows.get(i).shots() == shots) return i;
    return -1;
  }

  /** "at 1 shot", "at 1 and 2 shots", "at 1 to 10 shots", "from 20 shots on", "with all ...". */
  static String sizes(List<Row> run) {
    int first = run.get(0).shots(), last = run.get(run.size() - 1).shots();
    if (last == Fit.ALL) {
      return first == Fit.ALL ? "with all training rows" : "from " + shots(first) + " on";
    }
    if (run.size() == 1) return "at " + shots(first);
    return "at " + first + (run.size() == 2 ? " and " : " to ") + shots(last);
  }

  /** "1 shot", "5 shots". */
  public static String shots(int s) {
    return s + (s == 1 ? " shot" : " shots");
  }
}
