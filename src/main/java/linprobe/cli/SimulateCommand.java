package linprobe.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import linprobe.CurveOptions;
import linprobe.LinprobeException;
import linprobe.curve.BayesError;
import linprobe.curve.Fit;
import linprobe.curve.GrowthLaw;
import linprobe.curve.LearningCurve;
import linprobe.curve.Tables;
import linprobe.report.Plots;
import linprobe.spark.CurveJob;
import linprobe.spark.OutputDir;
import linprobe.spark.Sessions;
import linprobe.spark.Progress;
import linprobe.spark.Synthetic;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.VersionInfo.class,
    description = {"Reproduce the paper's Gaussian-mixture simulation: for every (classes K, "
        + "dimension n) generate a training pool and a test set in Spark tasks, fit the learning "
        + "curves, and measure m_eps, the smallest training size whose mean error stays within "
        + "epsilon of the Bayes classifier's error on the same test rows (the exact Bayes "
        + "error is reported beside it); then fit m_eps against log n and against n. "
        + "With --separation fixed the Bayes error is the same at every n, so only the "
        + "dimension changes."})
public final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(names = "--classes", paramLabel = "LIST",
      description = "Numbers of classes K (default: 2,3,5; the paper: 2,3,5,7).")
  String classes = "2,3,5";

  @Option(names = "--dims", paramLabel = "LIST",
      description = "Dimensions n (default: 25,50,100,200; the paper: 100,200,400,1000).")
  String dims = "25,50,100,200";

  @Option(names = "--separation", paramLabel = "KIND",
      description = "paper (default): the paper's mixture, whose class means get further apart "
          + "(in Mahalanobis distance) as n grows, so its Bayes error falls with n; fixed: the "
          + "same mixture with every class mean scaled so that the distances between the means, "
          + "and so the Bayes error, are the same at every n (only the dimension grows).")
  String separation = "paper";

  @Option(names = "--distance", paramLabel = "D",
      description = "With --separation fixed: the Mahalanobis distance between the means of "
          + "classes 0 and 1 (default: 3, a two-class Bayes error of Phi(-1.5) = 6.7%%); the "
          + "other classes keep the paper's proportions on the same line (-1, 1, 2, 4, ... "
          + "times D/2).")
  Double distance;

  @Option(names = "--sizes", paramLabel = "LIST",
      description = "Total training sizes m (default: K x 2,5,10,20,50,... from 2K up to the "
          + "pool), drawn as whole shots per class: each rounded down to a multiple of K (a "
          + "warning says so); a size below K, or one that would take every row of the pool "
          + "(which every setting fits anyway, as all), is left out.")
  String sizes;

  @Option(names = "--pool-factor", paramLabel = "F",
      description = "Training pool of F x n rows (default: 100, the paper's).")
  int poolFactor = 100;

  @Option(names = "--test-rows", paramLabel = "N", description = "Test rows (default: 10000).")
  int testRows = 10_000;

  @Option(names = "--seeds", paramLabel = "N", description = "Seeds 0..N-1 (default: 5).")
  Integer seeds;

  @Option(names = "--epsilon", paramLabel = "E",
      description = "m_eps tolerance above the Bayes classifier's test error (default: 0.01).")
  Double epsilon;

  @Option(names = "--lr-c", paramLabel = "C|auto",
      description = "LR's C (default: 1, the paper's); auto chooses it from data in every "
          + "subset, as curve does by default (several times slower).")
  String lrC;

  @Option(names = "--models", paramLabel = "LIST", description = "As curve (default: nb,lr).")
  String models;

  @picocli.CommandLine.Mixin RunOptions run = new RunOptions();


  static int[] ints(String s, String flag, int min) {
    String[] p = s.split(",");
    int[] v = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      try {
        v[i] = Integer.parseInt(p[i].trim());
      } catch (NumberFormatException e) {
        throw new LinprobeException(flag + " value '" + p[i].trim() + "' is not an integer");
      }
      if (v[i] < min) throw new LinprobeException(flag + " values must be at least " + min);
    }
    return v;
  }

  /** The default --distance of --separation fixed. */
  static final double DEFAULT_DISTANCE = 3;

  /**
   * One (model, K, n) result. wholePool: m_eps was reached only by the one fit on the whole
   * pool (poolFactor x n rows): a bound the pool sets, not a size the grid found.
   */
  record Complexity(String model, int classes, int dims, Long mEps, boolean wholePool,
      double asymptote, String method, double testBayes) {}

  /**
   * The growth laws of one (model, K) over its points, the m_eps reached before the whole pool:
   * null laws when fewer than 3. wholePool: the m_eps reached only with the whole pool, left
   * out (each is poolFactor x n, linear in n by the pool's construction, whatever the model
   * needs).
   */
  record Growth(String model, int classes, int points, int wholePool, GrowthLaw logN,
      GrowthLaw linear, double exponent) {
    /** "log n", "n", "no growth" (both slopes <= 0) or "too few points". */
    String better() {
      if (logN == null) return "too few points";
      if (logN.slope() <= 0 && linear.slope() <= 0) return "no growth";
      return logN.r2() > linear.r2() ? "log n" : "n";
    }

    /** The better law, null when there is none to draw: too few points, or no growth. */
    GrowthLaw best() {
      return switch (better()) {
        case "log n" -> logN;
        case "n" -> linear;
        default -> null;
      };
    }
  }

  /**
   * The checked --separation and --distance: null for the paper's separation, else the
   * distance of --separation fixed (default {@link #DEFAULT_DISTANCE}).
   */
  static Double fixedDistance(String separation, Double distance) {
    if (!separation.equals("paper") && !separation.equals("fixed")) {
      throw new LinprobeException("--separation must be paper or fixed, not '" + separation
          + "'");
    }
    if (separation.equals("paper")) {
      if (distance != null) {
        throw new LinprobeException("--distance applies to --separation fixed only; add "
            + "--separation fixed or drop --distance");
      }
      return null;
    }
    double d = distance != null ? distance : DEFAULT_DISTANCE;
    if (!(d > 0) || Double.isInfinite(d)) {
      throw new LinprobeException("--distance must be a positive number, not " + distance);
    }
    return d;
  }

  /** Class means (the same value on every coordinate) for K classes in n dimensions. */
  static double[] means(boolean fixed, double d, int k, int n) {
    return fixed ? Synthetic.fixedMeans(k, n, d) : Synthetic.paperMeans(k);
  }

  @Override
  public Integer call() throws Exception {
    int[] ks = ints(classes, "--classes", 2);
    int kMax = java.util.Arrays.stream(ks).max().orElse(2);
    if (kMax > 128) {
      throw new LinprobeException("--classes values must be at most 128: the mixture's class "
          + "means 2^(k-1) overflow float32 beyond (the paper's K is at most 7)");
    }
    int[] ns = ints(dims, "--dims", 2);
    int[] ms = sizes == null ? null : ints(sizes, "--sizes", 2);
    if (poolFactor < 1) throw new LinprobeException("--pool-factor must be at least 1");
    int nMin = java.util.Arrays.stream(ns).min().orElse(2);
    if ((long) poolFactor * nMin < 2L * kMax) {
      throw new LinprobeException("--pool-factor " + poolFactor + " x n = " + poolFactor * nMin
          + " training rows (n = " + nMin + ") cannot hold 2 rows of each of K = " + kMax
          + " classes: raise --pool-factor or the smallest --dims");
    }
    if (testRows < 1) throw new LinprobeException("--test-rows must be at least 1");
    Double fixedD = fixedDistance(separation, distance);
    boolean fixed = fixedD != null;
    double d = fixed ? fixedD : Double.NaN;
    // curve's options for every (K, n), but the data; unset ones take curve's defaults
    CurveOptions.Builder grid = CurveOptions.builder().quiet(true);
    if (models != null) grid.models(models);
    if (seeds != null) grid.seeds(seeds);
    grid.lrC(lrC != null ? lrC : "1"); // the paper's C, not curve's auto: this reproduces it
    if (epsilon != null) grid.epsilon(epsilon);
    // checked now, before Spark starts (the paths are placeholders, set for each run below)
    CurveOptions checked = grid.train("-").test("-").build();
    List<CurveOptions.Model> modelList = checked.models();
    double eps = checked.epsilon();
    SparkSession spark = Sessions.getOrCreate("linprobe simulate");
    OutputDir dir = OutputDir.check(out, run.overwrite, spark.sparkContext().hadoopConfiguration());
    Progress progress = new Progress(System.err, run.quiet);
    Progress curveRuns = Progress.silent(); // one for all the curve runs: a warning once
    if (ms != null) {
      for (int k : ks) roundedSizes(ms, k).ifPresent(progress::warn);
      beyondPool(ms, ks, ns, poolFactor).ifPresent(progress::warn);
    }
    try {
      StringBuilder fits = new StringBuilder("classes,dims," + Tables.FITS_HEADER + "\n");
      StringBuilder curve = new StringBuilder("classes,dims," + Tables.CURVE_HEADER + "\n");
      List<Complexity> results = new ArrayList<>();
      for (int k : ks) {
        for (int n : ns) {
          long pool = (long) poolFactor * n;
          String data = dir.stagingPath("_data/k" + k + "-n" + n);
          progress.stage("K=" + k + " n=" + n + ": generating " + pool + " training and "
              + testRows + " test rows");
          int parts = (int) Math.max(2, pool * n / 5_000_000L);
          if (fixed) {
            Synthetic.fixedMixture(spark, 0, pool, n, k, d, 1, parts).write()
                .parquet(data + "/train");
            Synthetic.fixedMixture(spark, pool, testRows, n, k, d, 2, 2).write()
                .parquet(data + "/test");
          } else {
            Synthetic.paperMixture(spark, 0, pool, n, k, 1, parts).write()
                .parquet(data + "/train");
            Synthetic.paperMixture(spark, pool, testRows, n, k, 2, 2).write()
                .parquet(data + "/test");
          }
          CurveOptions o = grid.train(data + "/train").test(data + "/test")
              .shots(shotsSpec(shotsFor(ms, k, pool))).build();
          CurveJob.Result r = new CurveJob(spark, o, curveRuns).run();
          for (String line : Tables.fitsCsv(r.fits()).split("\n", -1)) {
            if (!line.isEmpty() && !line.startsWith("model,")) {
              fits.append(k).append(',').append(n).append(',').append(line).append('\n');
            }
          }
          for (String line : Tables.curveCsv(r.curve()).split("\n", -1)) {
            if (!line.isEmpty() && !line.startsWith("model,")) {
              curve.append(k).append(',').append(n).append(',').append(line).append('\n');
            }
          }
          BayesError.Estimate bayes = BayesError.of(means(fixed, d, k, n), Synthetic.paperStd(n));
          // the reference for m_eps: the Bayes classifier on the same test rows, so that the
          // test set's sampling error (shared by every fit) mostly cancels
          double testBayes = Synthetic.bayesErrorOn(spark.read().parquet(data + "/test"),
              means(fixed, d, k, n), n);
          for (String m : r.curve().models()) {
            LearningCurve.Point at = samplesToBayes(r.curve(), m, testBayes + eps);
            Long mEps = at == null ? null : Math.round(at.nTrain());
            boolean wholePool = at != null && at.shots() == Fit.ALL;
            results.add(new Complexity(m, k, n, mEps, wholePool, bayes.error(), bayes.method(),
                testBayes));
            progress.stage(String.format(Locale.ROOT, "K=%d n=%d %s: m_eps=%s (Bayes error %.4f, "
                + "%s; on the test rows %.4f; asymptote %.4f)", k, n, m,
                mEps == null ? "not reached" : mEps + (wholePool ? " (all)" : ""), bayes.error(),
                bayes.method(), testBayes, r.curve().asymptoticError(m)));
          }
          org.apache.hadoop.fs.Path dp = new org.apache.hadoop.fs.Path(data);
          dp.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(dp, true);
        }
      }
      org.apache.hadoop.fs.Path dd = new org.apache.hadoop.fs.Path(dir.stagingPath("_data"));
      dd.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(dd, true);
      dir.writeText("fits.csv", fits.toString());
      dir.writeText("curve.csv", curve.toString());
      StringBuilder sc = new StringBuilder(
          "model,classes,dims,m_eps,m_eps_whole_pool,asymptotic_error,asymptote_method,"
              + "test_bayes_error\n");
      for (Complexity c : results) {
        sc.append(c.model()).append(',').append(c.classes()).append(',').append(c.dims())
            .append(',').append(c.mEps() == null ? "" : c.mEps()).append(',')
            .append(c.mEps() == null ? "" : c.wholePool()).append(',')
            .append(Tables.num(c.asymptote())).append(',').append(c.method()).append(',')
            .append(Tables.num(c.testBayes())).append('\n');
      }
      dir.writeText("sample_complexity.csv", sc.toString());
      List<Growth> growth = growth(results, modelList, ks);
      dir.writeText("growth.csv", growthCsv(growth));
      String setting = fixed
          ? "fixed separation: Mahalanobis distance " + Tables.num(d) + " between the means of "
              + "classes 0 and 1 at every n"
          : "the paper's separation: Mahalanobis distance sqrt(2 + 2n) between the means of "
              + "classes 0 and 1 (n even; 2 sqrt(floor(n/2)/n + ceil(n/2)) for odd n)";
      String md = markdown(results, ks, ns, growth, setting, eps);
      dir.writeText("simulate.md", md);
      List<Plots.Law> laws = new ArrayList<>();
      for (Growth g : growth) {
        if (g.best() != null) {
          laws.add(new Plots.Law(g.model(), g.classes(), g.best()));
        }
      }
      Plots.Picture pic = Plots.sampleComplexity(results.stream().map(c -> new Plots.MEps(
          c.model(), c.classes(), c.dims(), c.mEps(), c.wholePool())).toList(), laws,
          "m_eps against n, " + (fixed ? "fixed separation D = " + Tables.num(d)
              : "the paper's separation") + " (epsilon " + Tables.num(eps) + ")");
      dir.writeBytes("sample_complexity.png", pic.png());
      dir.writeText("sample_complexity.svg", pic.svg());
      dir.writeText("report.html", linprobe.report.HtmlReport.page("linprobe simulate",
          "<p>" + linprobe.report.HtmlReport.esc(verdict(results)) + "</p>\n"
              + linprobe.report.HtmlReport.stripXmlProlog(pic.svg()) + "\n"
              + linprobe.report.HtmlReport.fromMarkdown(md)));
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("linprobe_version", linprobe.Version.get());
      summary.put("spark_version", spark.version());
      summary.put("classes", ks);
      summary.put("dims", ns);
      summary.put("separation", separation);
      summary.put("distance", fixed ? d : null);
      summary.put("pool_factor", poolFactor);
      summary.put("test_rows", testRows);
      summary.put("sizes", ms); // null: the default grid
      summary.put("seeds", checked.seeds().length);
      summary.put("epsilon", eps);
      if (modelList.contains(CurveOptions.Model.LR)) {
        summary.put("lr_c", Double.isNaN(checked.lrC()) ? "auto" : checked.lrC());
      }
      summary.put("models", String.join(",", modelList.stream().map(m -> m.id).toList()));
      dir.writeText("summary.json", new com.fasterxml.jackson.databind.ObjectMapper()
          .writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
      dir.commit();
      System.out.println(md);
      return Main.EXIT_OK;
    } catch (Exception | Error e) {
      dir.abort();
      throw e;
    }
  }

  /**
   * What a --sizes value m is for K classes and a pool of that many training rows: its shots per
   * class, m / K rounded down, when it draws fewer rows than the pool holds; 0 below K rows (not
   * one row per class); -1 when it would take every row of the pool (all, which every setting
   * fits anyway). The one rule shotsFor and the warnings follow.
   */
  static int sizeShots(int m, int k, long pool) {
    int s = m / k;
    if (s < 1) return 0;
    return (long) s * k < pool ? s : -1;
  }

  /** Shots per class for the sizes m (or the default grid when null): see {@link #sizeShots}. */
  static int[] shotsFor(int[] ms, int k, long pool) {
    List<Integer> out = new ArrayList<>();
    if (ms != null) {
      for (int m : ms) {
        int s = sizeShots(m, k, pool);
        if (s > 0 && !out.contains(s)) out.add(s);
      }
    } else {
      // the paper's grid starts at m = 2K (2 rows per class)
      for (int s : CurveOptions.defaultShots(pool / k)) {
        if (s >= 2 && sizeShots(s * k, k, pool) == s) out.add(s);
      }
    }
    return out.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /**
   * The warning for --sizes that are not whole shots per class of K classes, or empty: "--sizes
   * with K=3 classes are whole shots per class: 4 is rounded down to 3, 10 to 9; 2 is left out
   * (fewer rows than classes)".
   */
  static java.util.Optional<String> roundedSizes(int[] ms, int k) {
    List<String> rounded = new ArrayList<>(), dropped = new ArrayList<>();
    for (int m : ms) {
      if (m < k) dropped.add(String.valueOf(m));
      else if (m % k != 0) {
        rounded.add(m + (rounded.isEmpty() ? " is rounded down to " : " to ") + m / k * k);
      }
    }
    if (rounded.isEmpty() && dropped.isEmpty()) return java.util.Optional.empty();
    List<String> parts = new ArrayList<>();
    if (!rounded.isEmpty()) parts.add(String.join(", ", rounded));
    if (!dropped.isEmpty()) {
      parts.add(String.join(", ", dropped) + (dropped.size() == 1 ? " is" : " are")
          + " left out (fewer rows than classes)");
    }
    return java.util.Optional.of("--sizes with K=" + k + " classes are whole shots per class: "
        + String.join("; ", parts));
  }

  /**
   * The warning for --sizes that would take every row of a setting's training pool, or empty:
   * "--sizes that take every row of the training pool (40 x n rows) are left to all, which every
   * setting fits: 160, 500 at K=2 n=4; 500 at K=3 n=4".
   */
  static java.util.Optional<String> beyondPool(int[] ms, int[] ks, int[] ns, int poolFactor) {
    List<String> where = new ArrayList<>();
    for (int k : ks) {
      for (int n : ns) {
        long pool = (long) poolFactor * n;
        List<String> left = new ArrayList<>();
        for (int m : ms) if (sizeShots(m, k, pool) < 0) left.add(String.valueOf(m));
        if (!left.isEmpty()) where.add(String.join(", ", left) + " at K=" + k + " n=" + n);
      }
    }
    if (where.isEmpty()) return java.util.Optional.empty();
    return java.util.Optional.of("--sizes that take every row of the training pool ("
        + poolFactor + " x n rows) are left to all, which every setting fits: "
        + String.join("; ", where));
  }

  /** The --shots text of a finite grid, with "all". */
  static String shotsSpec(int[] shots) {
    StringBuilder sb = new StringBuilder();
    for (int s : shots) sb.append(s).append(',');
    return sb.append("all").toString();
  }

  /**
   * The sentence: the most rows each model needs over the settings where it gets within epsilon
   * of the Bayes error, and the settings where it does not within the pool.
   */
  static String verdict(List<Complexity> rs) {
    List<String> parts = new ArrayList<>();
    for (String m : rs.stream().map(Complexity::model).distinct().toList()) {
      List<Complexity> own = rs.stream().filter(c -> c.model().equals(m)).toList();
      long max = own.stream().filter(c -> c.mEps() != null).mapToLong(Complexity::mEps).max()
          .orElse(-1);
      Map<Integer, List<String>> missed = new java.util.TreeMap<>();
      for (Complexity c : own) {
        if (c.mEps() == null) {
          missed.computeIfAbsent(c.classes(), x -> new ArrayList<>()).add("n=" + c.dims());
        }
      }
      if (max < 0) {
        parts.add(m + " does not get there within the pool at any setting");
        continue;
      }
      String part = m + " needs at most " + max + " rows";
      if (!missed.isEmpty()) {
        List<String> where = new ArrayList<>();
        missed.forEach((k, n) -> where.add("K=" + k + " " + String.join(", ", n)));
        part += " where it gets there, and does not within the pool at "
            + String.join("; ", where);
      }
      parts.add(part);
    }
    return "To get within epsilon of the Bayes error: " + String.join("; ", parts) + ".";
  }

  /** The smallest size from which the mean error stays at or below target, or null. */
  static LearningCurve.Point samplesToBayes(LearningCurve c, String model, double target) {
    LearningCurve.Point from = null;
    for (LearningCurve.Point p : c.of(model)) {
      if (p.errorMean() <= target) {
        if (from == null) from = p;
      } else {
        from = null;
      }
    }
    return from;
  }

  /**
   * m_eps against log n and against n, per model and K, over the m_eps reached before the whole
   * pool (see {@link Growth}).
   */
  static List<Growth> growth(List<Complexity> rs, List<CurveOptions.Model> models, int[] ks) {
    List<Growth> out = new ArrayList<>();
    for (CurveOptions.Model m : models) {
      for (int k : ks) {
        List<Complexity> reached = rs.stream().filter(c -> c.model().equals(m.id)
            && c.classes() == k && c.mEps() != null).toList();
        List<Complexity> pts = reached.stream().filter(c -> !c.wholePool()).toList();
        int wholePool = reached.size() - pts.size();
        if (pts.size() < 3) {
          out.add(new Growth(m.id, k, pts.size(), wholePool, null, null, Double.NaN));
          continue;
        }
        double[] n = pts.stream().mapToDouble(Complexity::dims).toArray();
        double[] y = pts.stream().mapToDouble(c -> c.mEps()).toArray();
        double[] logY = java.util.Arrays.stream(y).map(Math::log).toArray();
        out.add(new Growth(m.id, k, pts.size(), wholePool, GrowthLaw.fit(n, y, true),
            GrowthLaw.fit(n, y, false), GrowthLaw.fit(n, logY, true).slope()));
      }
    }
    return out;
  }

  static String growthCsv(List<Growth> gs) {
    StringBuilder sb = new StringBuilder("model,classes,points,whole_pool_points,exponent,"
        + "intercept_log_n,"
        + "slope_vs_log_n,"
        + "r2_log_n,intercept_n,slope_vs_n,r2_n,better_fit\n");
    for (Growth g : gs) {
      sb.append(g.model()).append(',').append(g.classes()).append(',').append(g.points())
          .append(',').append(g.wholePool());
      if (g.logN() == null) {
        sb.append(",,,,,,,,");
      } else {
        sb.append(',').append(Tables.num(g.exponent()));
        for (GrowthLaw l : new GrowthLaw[] {g.logN(), g.linear()}) {
          sb.append(',').append(Tables.num(l.intercept())).append(',')
              .append(Tables.num(l.slope())).append(',')
              .append(Double.isNaN(l.r2()) ? "" : Tables.num(l.r2()));
        }
        sb.append(',');
      }
      sb.append(g.better()).append('\n');
    }
    return sb.toString();
  }

  /**
   * simulate.md. An m_eps of the whole pool (poolFactor x n rows) comes from the one fit on
   * every row, not from a mean over seeds: marked "(all)".
   */
  static String markdown(List<Complexity> rs, int[] ks, int[] ns, List<Growth> growth,
      String setting, double eps) {
    StringBuilder sb = new StringBuilder("Setting: " + setting + ".\n\nm_eps (training rows "
        + "from which the mean test error stays within " + Tables.num(eps) + " of the Bayes "
        + "classifier's error on the same test rows; - not reached within the pool; (all) "
        + "reached only with the whole pool, one fit), by classes K and dimension n:\n\n"
        + "| model | K |");
    for (int n : ns) sb.append(" n=").append(n).append(" |");
    sb.append("\n|---|---:|").append("---:|".repeat(ns.length)).append('\n');
    List<String> models = rs.stream().map(Complexity::model).distinct().toList();
    for (String m : models) {
      for (int k : ks) {
        sb.append("| ").append(m).append(" | ").append(k).append(" |");
        for (int n : ns) {
          Complexity c = find(rs, m, k, n);
          sb.append(' ').append(c == null || c.mEps() == null ? "-" : c.mEps()
              + (c.wholePool() ? " (all)" : "")).append(" |");
        }
        sb.append('\n');
      }
    }
    sb.append("\nBayes error, exact (and the Bayes classifier's on the test rows):\n\n| K |");
    for (int n : ns) sb.append(" n=").append(n).append(" |");
    sb.append("\n|---:|").append("---:|".repeat(ns.length)).append('\n');
    for (int k : ks) {
      sb.append("| ").append(k).append(" |");
      for (int n : ns) {
        Complexity c = models.isEmpty() ? null : find(rs, models.get(0), k, n);
        sb.append(' ').append(c == null ? "-" : String.format(Locale.ROOT, "%.4g (%.4g)",
            c.asymptote(), c.testBayes())).append(" |");
      }
      sb.append('\n');
    }
    sb.append("\nGrowth of m_eps (least squares over the m_eps reached before the whole pool, "
        + "points; an m_eps marked (all), which the pool's size sets, is left out and counted; "
        + "R^2 - where m_eps is the same at every n; better: no growth when neither law rises, "
        + "else the law with the higher R^2, which over a narrow range of n tells the two apart poorly; p, the "
        + "slope of log m_eps on log n (m_eps ~ n^p), is the clearer sign: 1 for linear growth, "
        + "near 0 for logarithmic):\n\n"
        + "| model | K | points | (all) | p | a + b log n | R^2 | a + b n | R^2 | better |\n"
        + "|---|---:|---:|---:|---:|---|---:|---|---:|---|\n");
    for (Growth g : growth) {
      sb.append("| ").append(g.model()).append(" | ").append(g.classes()).append(" | ")
          .append(g.points()).append(" | ").append(g.wholePool()).append(" | ");
      if (g.logN() == null) {
        sb.append("| | | | | ");
      } else {
        sb.append(String.format(Locale.ROOT, "%.2f", g.exponent())).append(" | ")
            .append(g.logN().formula()).append(" | ")
            .append(r2(g.logN())).append(" | ")
            .append(g.linear().formula()).append(" | ")
            .append(r2(g.linear())).append(" | ");
      }
      sb.append(g.better()).append(" |\n");
    }
    return sb.toString();
  }

  /** R^2 to 3 decimals, "-" where it is undefined (m_eps the same at every n). */
  static String r2(GrowthLaw l) {
    return Double.isNaN(l.r2()) ? "-" : String.format(Locale.ROOT, "%.3f", l.r2());
  }

  static Complexity find(List<Complexity> rs, String model, int k, int n) {
    return rs.stream().filter(x -> x.model().equals(model) && x.classes() == k && x.dims() == n)
        .findFirst().orElse(null);
  }
}
