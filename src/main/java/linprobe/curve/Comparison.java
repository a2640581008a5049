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
 * "all" (and any size with one seed) has one pair, with no spread over seeds: when the test rows
 * each of the two models alone classifies correctly are counted, McNemar's exact test on them
 * decides it (the two models scored on the same rows): better when p &lt; 0.05, level otherwise,
 * marked "(one fit; McNemar p ...)"; without the counts, by its sign, marked "(one fit)". A size
 * whose pairs all differ by the same amount (up to rounding) is decided by its sign, marked
 * "(no spread)".
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
   * @param lrOnly with one pair, the test rows lr classifies correctly and nb does not; else -1
   * @param nbOnly with one pair, the test rows nb classifies correctly and lr does not; else -1
   * @param mcnemarP McNemar's exact two-sided p-value on lrOnly and nbOnly; NaN without them
   */
  public record Row(String nbModel, int shots, int seeds, double meanDiff, double stdDiff,
      double ci95, Verdict verdict, long lrOnly, long nbOnly, double mcnemarP) {
    /** Decided by the sign of one exact difference, without an interval. */
    public boolean oneFit() {
      return seeds == 1;
    }

    /**
     * Two pairs or more that all differ by the same non-zero amount (up to rounding): an
     * interval of no width, so the size is decided by the sign alone (seeds whose subsets nearly
     * coincide, or a small test set whose error moves in whole rows).
     */
    public boolean noSpread() {
      return seeds > 1 && stdDiff == 0 && meanDiff != 0;
    }

    /**
     * How the verdict was reached when not by an interval over seeds: " (one fit; McNemar p =
     * 0.023)", " (one fit; McNemar p < 0.001)", " (one fit)", " (no spread)"; else "". A p under
     * 0.05 that rounds to 0.050 prints as "< 0.05".
     */
    public String mark() {
      if (oneFit()) {
        if (Double.isNaN(mcnemarP)) return " (one fit)";
        String p = String.format(java.util.Locale.ROOT, "= %.3f", mcnemarP);
        // a p just under 0.05 would print as 0.050 beside a verdict of "better"
        return " (one fit; McNemar p " + (mcnemarP < 0.001 ? "< 0.001"
            : mcnemarP < 0.05 && p.equals("= 0.050") ? "< 0.05" : p) + ")";
      }
      return noSpread() ? " (no spread)" : "";
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
    return of(fits, nbModel, lrModel, Map.of());
  }

  /**
   * The same, with the test rows only one model classifies correctly at the sizes of one pair:
   * by shots, {rows only lr gets right, rows only nb gets right} (sizes missing: no test).
   */
  public static Comparison of(List<Fit> fits, String nbModel, String lrModel,
      Map<Integer, long[]> discordant) {
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
      if (!d.isEmpty()) rows.add(row(nbModel, e.getKey(), d, discordant.get(e.getKey())));
    }
    return new Comparison(nbModel, lrModel, rows);
  }

  /**
   * Differences at most this far apart are the same difference: a test set's error moves in
   * steps of 1 / rows, at least 4.7e-10 (rows are counted in an int), and the rounding of
   * count / rows is near 1e-17.
   */
  static final double SAME = 1e-12;

  static Row row(String nbModel, int shots, List<Double> diffs) {
    return row(nbModel, shots, diffs, null);
  }

  /** @param discordant with one pair, {rows only lr gets right, rows only nb does}, or null */
  static Row row(String nbModel, int shots, List<Double> diffs, long[] discordant) {
    double[] d = diffs.stream().mapToDouble(Double::doubleValue).toArray();
    double mean = LearningCurve.mean(d);
    if (d.length == 1) {
      Verdict sign = mean < 0 ? Verdict.LR_BETTER : mean > 0 ? Verdict.NB_BETTER
          : Verdict.LEVEL;
      if (discordant == null) {
        return new Row(nbModel, shots, 1, mean, Double.NaN, Double.NaN, sign, -1, -1,
            Double.NaN);
      }
      long lrOnly = discordant[0], nbOnly = discordant[1];
      double p = mcnemarP(lrOnly, nbOnly);
      Verdict v = p >= 0.05 ? Verdict.LEVEL
          : lrOnly > nbOnly ? Verdict.LR_BETTER : Verdict.NB_BETTER;
      return new Row(nbModel, shots, 1, mean, Double.NaN, Double.NaN, v, lrOnly, nbOnly, p);
    }
    // differences equal up to rounding (errors are whole rows over the test size, and the
    // mean rounds: three -0.1 give a std of 1.7e-17) have no spread: sd and interval 0
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double x : d) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    boolean alike = hi - lo <= SAME;
    double sd = alike ? 0 : LearningCurve.std(d);
    double h = alike ? 0 : LearningCurve.ci95(sd, d.length);
    Verdict v = mean + h < 0 ? Verdict.LR_BETTER
        : mean - h > 0 ? Verdict.NB_BETTER : Verdict.LEVEL;
    return new Row(nbModel, shots, d.length, mean, sd, h, v, -1, -1, Double.NaN);
  }

  /**
   * McNemar's exact test: of the b + c test rows exactly one of two models classifies correctly,
   * b went to one and c to the other; under "equally good" each is either's with probability
   * 1/2. The two-sided p-value, 2 P(X &lt;= min(b, c)) for X ~ Binomial(b + c, 1/2), at most 1
   * (1 when no row tells them apart).
   */
  public static double mcnemarP(long b, long c) {
    long n = b + c;
    if (n == 0) return 1;
    int k = Math.toIntExact(Math.min(b, c));
    // the tail summed from its largest term down (k <= n / 2), each term from the binomial's
    // log-probability: accurate however small (the distribution's own cumulative probability is
    // 1 - a regularized beta, which loses a tail below 1e-16 to cancellation)
    var binomial = new org.apache.commons.math3.distribution.BinomialDistribution(null,
        Math.toIntExact(n), 0.5);
    double top = binomial.logProbability(k), sum = 0;
    for (int i = k; i >= 0; i--) {
      double t = Math.exp(binomial.logProbability(i) - top);
      sum += t;
      if (t < 1e-17 * sum) break;
    }
    return Math.min(1, 2 * Math.exp(top) * sum);
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
