package linprobe.curve;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The learning curve of every model: mean, spread and 95% confidence interval of test error and
 * log-loss across seeds at each training size, the asymptotic error, samples to within epsilon of
 * it, and logistic regression against each naive Bayes model from paired differences
 * ({@link Comparison}: verdict per size and crossover).
 */
public final class LearningCurve {

  /**
   * One (model, shots) point; std is the sample (ddof 1) standard deviation across seeds. The
   * top-5 numbers are NaN with 5 classes or fewer (see {@link Scores#top5Error()}).
   */
  public record Point(String model, int shots, double nTrain, int seeds, double errorMean,
      double errorStd, double errorCi95, double loglossMean, double loglossStd,
      double top5ErrorMean, double top5ErrorStd, double balancedErrorMean,
      double balancedErrorStd, double cMedian) {}

  /** The logistic regression model's name: naive Bayes models are compared with it. */
  public static final String LR = "lr";

  private final List<Point> points;
  private final List<String> models;
  private final Map<String, Comparison> comparisons;

  private LearningCurve(List<Point> points, List<String> models,
      Map<String, Comparison> comparisons) {
    this.points = points;
    this.models = models;
    this.comparisons = comparisons;
  }

  public static LearningCurve of(List<Fit> fits, List<String> models) {
    return of(fits, models, Map.of());
  }

  /**
   * The same, with the test rows only one model classifies correctly where a comparison has
   * one pair: by naive Bayes model, by shots, {rows only lr gets right, rows only it gets right}
   * ({@link Comparison#of(List, String, String, Map)}).
   */
  public static LearningCurve of(List<Fit> fits, List<String> models,
      Map<String, Map<Integer, long[]>> discordant) {
    Map<String, TreeMap<Integer, List<Fit>>> byModel = new LinkedHashMap<>();
    for (String m : models) byModel.put(m, new TreeMap<>());
    for (Fit f : fits) {
      byModel.computeIfAbsent(f.model(), k -> new TreeMap<>())
          .computeIfAbsent(f.shots(), k -> new ArrayList<>()).add(f);
    }
    List<Point> points = new ArrayList<>();
    for (var e : byModel.entrySet()) {
      for (var s : e.getValue().entrySet()) {
        List<Fit> fs = s.getValue();
        fs.sort(Comparator.comparingLong(Fit::seed));
        double[] err = fs.stream().mapToDouble(Fit::error).toArray();
        double[] ll = fs.stream().mapToDouble(Fit::logloss).toArray();
        double[] t5 = fs.stream().mapToDouble(Fit::top5Error).toArray();
        double[] be = fs.stream().mapToDouble(Fit::balancedError).toArray();
        double n = fs.stream().mapToDouble(Fit::nTrain).average().orElse(0);
        // one fit ("all", which is not sampled, or a run with one seed) has no spread across
        // seeds: its std and interval are not defined (NaN; empty in the tables), never 0
        double sd = std(err);
        points.add(new Point(e.getKey(), s.getKey(), n, fs.size(), mean(err), sd,
            ci95(sd, err.length), mean(ll), std(ll), mean(t5), std(t5), mean(be), std(be),
            median(fs.stream().mapToDouble(Fit::c).toArray())));
      }
    }
    // lr against every other model, paired by seed on the same subsets
    Map<String, Comparison> comparisons = new LinkedHashMap<>();
    if (!byModel.getOrDefault(LR, new TreeMap<>()).isEmpty()) {
      for (String m : byModel.keySet()) {
        if (m.equals(LR) || byModel.get(m).isEmpty()) continue;
        Comparison c = Comparison.of(fits, m, LR, discordant.getOrDefault(m, Map.of()));
        if (!c.rows().isEmpty()) comparisons.put(m, c);
      }
    }
    return new LearningCurve(points, new ArrayList<>(byModel.keySet()), comparisons);
  }

  /**
   * lr against each naive Bayes model (every other model with fits), in model order: paired
   * differences of error per size, verdicts and the crossover. Empty without lr.
   */
  public List<Comparison> comparisons() {
    return List.copyOf(comparisons.values());
  }

  /** lr against one naive Bayes model, or null when they share no size. */
  public Comparison comparison(String nbModel) {
    return comparisons.get(nbModel);
  }

  public List<Point> points() {
    return points;
  }

  public List<String> models() {
    return models;
  }

  /** The shots values present, ascending ("all" last). */
  public List<Integer> shots() {
    return points.stream().map(Point::shots).distinct().sorted().toList();
  }

  public List<Point> of(String model) {
    return points.stream().filter(p -> p.model().equals(model)).toList();
  }

  public Point at(String model, int shots) {
    for (Point p : points) if (p.model().equals(model) && p.shots() == shots) return p;
    return null;
  }

  /** Mean error at the largest training size: the model's asymptote on this data. */
  public double asymptoticError(String model) {
    List<Point> ps = of(model);
    return ps.isEmpty() ? Double.NaN : ps.get(ps.size() - 1).errorMean();
  }

  /**
   * The smallest shots from which the mean error stays within epsilon of the asymptote, on
   * either side of it, or null when the model never gets there. A curve that falls below its
   * asymptote and rises back to it (per-class naive Bayes, whose error can grow with the shots)
   * is not there yet where it is more than epsilon below.
   */
  public Integer shotsToEpsilon(String model, double epsilon) {
    double asymptote = asymptoticError(model);
    Integer from = null;
    for (Point p : of(model)) {
      if (Math.abs(p.errorMean() - asymptote) <= epsilon + 1e-12) {
        if (from == null) from = p.shots();
      } else {
        from = null;
      }
    }
    return from;
  }

  /**
   * The smallest shots from which logistic regression's mean error stays strictly below the
   * naive Bayes model's, or null when it is not below at the largest size: the means alone,
   * without their uncertainty. The crossover linprobe reports is the paired one,
   * {@link Comparison#crossover()}.
   */
  public Integer crossover(String nbModel, String lrModel) {
    Integer from = null;
    for (int s : shots()) {
      Point nb = at(nbModel, s), lr = at(lrModel, s);
      if (nb == null || lr == null) continue;
      if (lr.errorMean() < nb.errorMean()) {
        if (from == null) from = s;
      } else {
        from = null;
      }
    }
    return from;
  }

  /** Median of the defined values (logistic regression's chosen C), NaN when there are none. */
  static double median(double[] v) {
    double[] d = java.util.Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (d.length == 0) return Double.NaN;
    return d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  static double std(double[] v) {
    if (v.length < 2) return Double.NaN;
    double m = mean(v), s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return Math.sqrt(s / (v.length - 1));
  }

  /** Half-width of the Student-t 95% interval of the mean. */
  static double ci95(double sd, int n) {
    if (n < 2) return Double.NaN;
    double t = new TDistribution(n - 1).inverseCumulativeProbability(0.975);
    return t * sd / Math.sqrt(n);
  }
}
