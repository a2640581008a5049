package linprobe.bench;

import static org.apache.spark.sql.functions.col;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import linprobe.CurveOptions;
import linprobe.curve.Fit;
import linprobe.spark.CurveJob;
import linprobe.spark.EmbeddingSource;
import linprobe.spark.Embeddings;
import linprobe.spark.SubsetRanking;
import linprobe.spark.Progress;
import linprobe.spark.RowBlock;
import linprobe.spark.SubsetPlan;
import linprobe.spark.Synthetic;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.NaiveBayes;
import org.apache.spark.ml.feature.MinMaxScaler;
import org.apache.spark.ml.feature.MinMaxScalerModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Whole-job benchmark: linprobe's grid against the naive MLlib loop (MinMaxScaler, NaiveBayes
 * "gaussian" and LogisticRegression per (seed, shots) on the same cached data and the same
 * subsets, equivalent settings), in one run, on synthetic Gaussian-mixture embeddings.
 * Run by jobs/bench.
 */
public final class GridBenchmark {
  record Workload(String name, long rows, long testRows, int dim, int classes, String shots,
      int seeds, double separation) {}

  static final Map<String, Workload> WORKLOADS = Map.of(
      "A", new Workload("A", 50_000, 10_000, 768, 10,
          "1,2,5,10,20,50,100,200,500,1000,2000,all", 5, 0.06),
      "B", new Workload("B", 50_000, 10_000, 2048, 100, "1,2,5,10,20,50,100,200,all", 5, 0.06),
      "small", new Workload("small", 5_000, 2_000, 128, 10, "1,2,5,10,20,50,100,all", 3, 0.1),
      // the table of jobs/bench small-process (generate --separation random --spread 0.2)
      "small20k", new Workload("small20k", 20_000, 5_000, 256, 10,
          "1,2,5,10,20,50,100,200,500,1000,all", 3, 0.2),
      "K1000", new Workload("K1000", 50_000, 10_000, 768, 1000, "1,2,5,10,20,all", 5, 0.2));

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "A";
    java.util.List<String> flags = java.util.Arrays.asList(args);
    boolean baseline = !flags.contains("--no-baseline");
    boolean warm = flags.contains("--warm");
    boolean tuned = flags.contains("--tuned");
    SparkSession spark = SparkSession.builder().appName("linprobe-bench").getOrCreate();
    System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, heap "
        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, Spark " + spark.version() + ", master "
        + spark.sparkContext().master() + ", BLAS " + linprobe.math.Blas.implementation()
        + ", Java " + Runtime.version() + ", " + classData());
    if (which.equals("C")) {
      scale(spark);
      return;
    }
    if (which.equals("digits-tuned")) {
      digitsTuned(spark);
      return;
    }
    if (which.equals("K1000")) {
      thousandClasses(spark, WORKLOADS.get(which), flags.contains("--nb-only"));
      return;
    }
    Workload w = WORKLOADS.get(which);
    if (w == null) throw new IllegalArgumentException("workload A, B, C, K1000, small or small20k");
    run(spark, w, baseline, warm, tuned);
  }

  /** The class-data file this JVM maps (jobs/bench --cached), or "no class-data file". */
  static String classData() {
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-XX:AOTCache=")) {
        return "ahead-of-time cache " + Path.of(a.substring(13)).getFileName();
      }
      if (a.startsWith("-XX:SharedArchiveFile=")) {
        return "class-data archive " + Path.of(a.substring(22)).getFileName();
      }
    }
    return "no class-data file";
  }

  /**
   * The tuned grid on the bundled digits (default shots, 5 seeds, --lr-c auto) against the same
   * grid with C fixed, timed in this JVM; jobs/bench runs scikit-learn's LogisticRegressionCV on
   * the same grid right after (scripts/sklearn_cv_bench.py).
   */
  static void digitsTuned(SparkSession spark) throws Exception {
    String root = System.getProperty("user.dir") + "/data-samples/digits/";
    CurveOptions fixed = CurveOptions.builder().train(root + "train.parquet")
        .test(root + "test.parquet").models("lr").lrC(1).quiet(true).build();
    warmUp(spark, fixed);
    Measured<CurveJob.Result> f = measure(spark,
        () -> new CurveJob(spark, fixed, Progress.silent()).run());
    CurveOptions auto = fixed.toBuilder().lrC("auto").build();
    Measured<CurveJob.Result> t = measure(spark,
        () -> new CurveJob(spark, auto, Progress.silent()).run());
    CurveOptions whole = auto.toBuilder().lrCPatience(0).build();
    Measured<CurveJob.Result> w = measure(spark,
        () -> new CurveJob(spark, whole, Progress.silent()).run());
    System.out.printf(Locale.ROOT, "%ndigits, lr only, default shots, 5 seeds: fixed C = 1 %.1f s;"
        + " tuned (5-fold CV in every subset, 1e-4..1e4, default walk) %.1f s = %.1fx;"
        + " every decade (patience 0) %.1f s = %.1fx%n", f.seconds, t.seconds,
        t.seconds / f.seconds, w.seconds, w.seconds / f.seconds);
    System.out.printf(Locale.ROOT, "  CPU time: fixed %.1f s, tuned %.1f s = %.1fx, every decade "
        + "%.1f s = %.1fx%n", f.cpuSeconds, t.cpuSeconds, t.cpuSeconds / f.cpuSeconds,
        w.cpuSeconds, w.cpuSeconds / f.cpuSeconds);
    for (var p : t.value.curve().points()) {
      var e = w.value.curve().at(p.model(), p.shots());
      System.out.printf(Locale.ROOT, "  shots %-4s tuned error %.4f (median C %.3g), every decade"
          + " %.4f (median C %.3g)  C = 1: %.4f%n", Fit.shotsLabel(p.shots()), p.errorMean(),
          p.cMedian(), e.errorMean(), e.cMedian(),
          f.value.curve().at(p.model(), p.shots()).errorMean());
    }
  }

  /** Workload data, generated once under ${TMPDIR:-/tmp}/linprobe-bench as jobs/bench says. */
  static Path data(SparkSession spark, String name, long rows, long testRows, int dim,
      int classes, double sep) {
    String tmp = System.getenv("TMPDIR");
    Path dir = Path.of(tmp == null || tmp.isEmpty() ? "/tmp" : tmp, "linprobe-bench",
        name + "-" + rows + "x" + dim + "x" + classes);
    if (!Files.exists(dir.resolve("test/_SUCCESS"))) {
      int parts = (int) Math.max(2, rows / 25_000);
      Synthetic.mixture(spark, 0, rows, dim, classes, sep, 1, parts).write().mode("overwrite")
          .parquet(dir.resolve("train").toString());
      Synthetic.mixture(spark, rows, testRows, dim, classes, sep, 1, 2).write().mode("overwrite")
          .parquet(dir.resolve("test").toString());
    }
    return dir;
  }

  static void run(SparkSession spark, Workload w, boolean baseline, boolean warm, boolean tuned)
      throws Exception {
    Path dir = data(spark, w.name(), w.rows(), w.testRows(), w.dim(), w.classes(), w.separation());
    CurveOptions o = CurveOptions.builder().train(dir.resolve("train").toString())
        .test(dir.resolve("test").toString()).out("unused").shots(w.shots()).seeds(w.seeds())
        .models("nb,nb-perclass,lr").lrC(1).build(); // the MLlib loop's fixed C
    System.out.printf(Locale.ROOT, "%nworkload %s: %d train x %d dims, %d classes, %d test rows, "
        + "shots %s, %d seeds%n", w.name(), w.rows(), w.dim(), w.classes(), w.testRows(),
        w.shots(), w.seeds());

    warmUp(spark, o);
    Measured<CurveJob.Result> lp = measure(spark,
        () -> new CurveJob(spark, o, new Progress(System.err, false)).run());
    CurveJob.Result r = lp.value;
    int lrIter = r.fits().stream().filter(f -> f.model().equals("lr")).mapToInt(Fit::iterations).sum();
    System.out.printf(Locale.ROOT, "linprobe: %.1f s, %d Spark jobs, peak heap %d MiB (most in "
        + "use at once %d MiB), cached %.0f bytes/row (4 x dim = %d, ratio %.3f), LR iterations "
        + "%d%n", lp.seconds, lp.jobs, lp.peakHeapMiB, lp.inUseMiB, r.cachedBytesPerRow(),
        4 * w.dim(), r.cachedBytesPerRow() / (4.0 * w.dim()), lrIter);
    // the same grid again in this JVM: the first run also paid the JIT compilation of Spark's
    // and linprobe's code (a compiler thread busy for most of it on 2 cores), which a long job
    // amortizes; both numbers are reported, and the tables must come out identical
    Measured<CurveJob.Result> again = measure(spark,
        () -> new CurveJob(spark, o, Progress.silent()).run());
    boolean same = again.value.fits().stream().map(Fit::withoutTiming).toList()
        .equals(r.fits().stream().map(Fit::withoutTiming).toList());
    System.out.printf(Locale.ROOT, "linprobe, second run in this JVM: %.1f s, %d Spark jobs, "
        + "tables %s%n", again.seconds, again.jobs, same ? "identical" : "DIFFERENT");
    if (warm) {
      // the same grid with warm starts: iterations saved (or not) by starting each size from the
      // next-smaller size's solution of the same seed
      CurveOptions warmStarts = o.toBuilder().lrWarmStart(true).build();
      Measured<CurveJob.Result> ws = measure(spark,
          () -> new CurveJob(spark, warmStarts, Progress.silent()).run());
      int warmIter = ws.value.fits().stream().filter(f -> f.model().equals("lr"))
          .mapToInt(Fit::iterations).sum();
      double worst = 0;
      for (var p : r.curve().points()) {
        worst = Math.max(worst, Math.abs(p.errorMean()
            - ws.value.curve().at(p.model(), p.shots()).errorMean()));
      }
      System.out.printf(Locale.ROOT, "warm starts: %.1f s, LR iterations %d (cold %d: %+d), "
          + "largest mean-error change %.4f%n", ws.seconds, warmIter, lrIter, warmIter - lrIter,
          worst);
    }
    if (tuned) {
      // C chosen by 5-fold cross-validation in every subset instead of fixed: the cost
      CurveOptions auto = o.toBuilder().lrC("auto").build();
      Measured<CurveJob.Result> t = measure(spark,
          () -> new CurveJob(spark, auto, Progress.silent()).run());
      int tunedIter = t.value.fits().stream().filter(f -> f.model().equals("lr"))
          .mapToInt(Fit::iterations).sum();
      System.out.printf(Locale.ROOT, "tuned (--lr-c auto): %.1f s = %.1fx the first fixed-C run, "
          + "%.1fx the second; refits' LR iterations %d; CPU time %.1f s = %.1fx the second "
          + "fixed-C run's (%.1f s)%n", t.seconds, t.seconds / lp.seconds,
          t.seconds / again.seconds, tunedIter, t.cpuSeconds, t.cpuSeconds / again.cpuSeconds,
          again.cpuSeconds);
      for (var p : t.value.curve().of("lr")) {
        System.out.printf(Locale.ROOT, "  lr shots %-5s tuned %.4f (median C %.3g)  C = 1: %.4f%n",
            Fit.shotsLabel(p.shots()), p.errorMean(), p.cMedian(),
            r.curve().at("lr", p.shots()).errorMean());
      }
    }
    if (!baseline) return;

    Measured<Map<String, Double>> base = baseline(spark, o, r);
    System.out.printf(Locale.ROOT, "MLlib loop: %.1f s, %d Spark jobs, peak heap %d MiB (most in "
        + "use at once %d MiB)%n", base.seconds, base.jobs, base.peakHeapMiB, base.inUseMiB);
    System.out.printf(Locale.ROOT, "speed-up: %.1fx (first run), %.1fx (second run)%n",
        base.seconds / lp.seconds, base.seconds / again.seconds);
    double worstNb = 0, worstLr = 0;
    for (var p : r.curve().points()) {
      Double b = base.value.get((p.model().equals("lr") ? "lr" : "nb") + "@" + p.shots());
      if (b == null || p.model().equals("nb")) continue;
      double diff = Math.abs(p.errorMean() - b);
      System.out.printf(Locale.ROOT, "  %-11s shots %-5s linprobe %.4f  MLlib %.4f  diff %.4f%n",
          p.model(), Fit.shotsLabel(p.shots()), p.errorMean(), b, diff);
      if (p.model().equals("lr")) worstLr = Math.max(worstLr, diff);
      else worstNb = Math.max(worstNb, diff);
    }
    System.out.printf(Locale.ROOT, "largest mean-error difference: lr vs MLlib LR %.4f, "
        + "nb-perclass vs MLlib NaiveBayes %.4f%n", worstLr, worstNb);
  }

  /**
   * The first Spark job of a JVM pays class loading and code generation (about 5 s here): pay it
   * before anything is timed, with a full read of both tables.
   */
  static void warmUp(SparkSession spark, CurveOptions o) {
    long t = System.nanoTime();
    for (String path : new String[] {o.train(), o.test()}) {
      spark.read().parquet(path).javaRDD().map(row -> row.getList(2).size()).reduce(Integer::sum);
    }
    System.out.printf(Locale.ROOT, "warm-up (untimed): a full read of both tables, %.1f s%n",
        (System.nanoTime() - t) / 1e9);
  }

  /** The naive loop on the same rows and the same subsets, cached as MLlib wants them. */
  static Measured<Map<String, Double>> baseline(SparkSession spark, CurveOptions o,
      CurveJob.Result r) throws Exception {
    EmbeddingSource src = new EmbeddingSource(spark, o.featuresCol(), o.labelCol(), null, false);
    EmbeddingSource.Profile tp = src.profile(o.train(), "train");
    Embeddings train = src.load(tp, tp.labels(), 0, EmbeddingSource.ROWS_PER_PARTITION);
    SubsetPlan plan = SubsetRanking.plan(train, r.shots(), o.seeds());
    int s = o.seeds().length;
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType());
    for (int i = 0; i < s; i++) schema = schema.add("b" + i, DataTypes.IntegerType);
    var rows = SubsetRanking.bucketed(train, plan).flatMap(b -> toRows(b, s).iterator());
    Dataset<Row> cached = spark.createDataFrame(rows, schema).persist(StorageLevel.MEMORY_AND_DISK());
    cached.count();
    train.blocks().unpersist(false);
    tp.release();
    EmbeddingSource.Profile ep = src.profile(o.test(), "test");
    Embeddings test = src.load(ep, tp.labels(), 0, EmbeddingSource.TEST_ROWS_PER_PARTITION);
    var testRows = test.blocks().flatMap(b -> toRows(b, 0).iterator());
    Dataset<Row> testDf = spark.createDataFrame(testRows, new StructType()
        .add("label", DataTypes.DoubleType).add("features", SQLDataTypes.VectorType()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long nTest = testDf.count();
    test.blocks().unpersist(false);
    ep.release();
    int[] shots = r.shots();
    return measure(spark, () -> {
      Map<String, List<Double>> errs = new HashMap<>();
      int done = 0;
      for (int si = 0; si <= s; si++) {
        boolean all = si == s;
        if (all && !r.includeAll()) break;
        for (int b = 0; b < (all ? 1 : shots.length); b++) {
          Dataset<Row> sub = all ? cached : cached.filter(col("b" + si).leq(b));
          long m = sub.count();
          MinMaxScalerModel sc = new MinMaxScaler().setInputCol("features").setOutputCol("x")
              .fit(sub);
          Dataset<Row> tr = sc.transform(sub);
          Dataset<Row> te = sc.transform(testDf);
          var nb = new NaiveBayes().setModelType("gaussian").setFeaturesCol("x").fit(tr);
          var lr = new LogisticRegression().setFeaturesCol("x").setFamily("multinomial")
              .setRegParam(1.0 / (o.lrC() * m)).setElasticNetParam(0).setStandardization(false)
              .setMaxIter(o.lrMaxIter()).setTol(o.lrTol()).fit(tr);
          String key = all ? "all" : Integer.toString(shots[b]);
          errs.computeIfAbsent("nb@" + key, k -> new ArrayList<>()).add(
              nb.transform(te).filter(col("prediction").notEqual(col("label"))).count()
                  / (double) nTest);
          errs.computeIfAbsent("lr@" + key, k -> new ArrayList<>()).add(
              lr.transform(te).filter(col("prediction").notEqual(col("label"))).count()
                  / (double) nTest);
          System.err.printf("MLlib loop: [%d] seed=%s shots=%s n=%d%n", ++done,
              all ? "-" : si, key, m);
        }
      }
      Map<String, Double> mean = new HashMap<>();
      for (var e : errs.entrySet()) {
        String[] k = e.getKey().split("@");
        int sh = k[1].equals("all") ? Fit.ALL : Integer.parseInt(k[1]);
        mean.put(k[0] + "@" + sh, e.getValue().stream().mapToDouble(d -> d).average().orElse(0));
      }
      return mean;
    });
  }

  static List<Row> toRows(RowBlock b, int seeds) {
    List<Row> out = new ArrayList<>(b.n);
    for (int r = 0; r < b.n; r++) {
      double[] x = new double[b.dim];
      for (int j = 0; j < b.dim; j++) x[j] = b.x[r * b.dim + j];
      Object[] v = new Object[2 + seeds];
      v[0] = (double) b.label[r];
      v[1] = Vectors.dense(x);
      for (int s = 0; s < seeds; s++) v[2 + s] = (int) b.buckets[s][r];
      out.add(RowFactory.create(v));
    }
    return out;
  }

  /**
   * Workload K1000, the shape of the classic linear-probe benchmark (ImageNet-1k): 1,000
   * classes, 768 dimensions, 50 training rows per class. Run as a user runs it, whole-process
   * through jobs/linprobe with the launcher's default heap and Spark's default driver settings
   * (this JVM only writes the data and stops its Spark first): once with the two naive Bayes
   * models alone, then with logistic regression too (C = 1); the stage lines are echoed and
   * timed, and the logistic-regression stage reports its own GFLOP/s.
   */
  static void thousandClasses(SparkSession spark, Workload w, boolean nbOnly) throws Exception {
    Path dir = data(spark, w.name(), w.rows(), w.testRows(), w.dim(), w.classes(), w.separation());
    spark.stop();
    System.out.printf(Locale.ROOT, "%nworkload %s: %d train x %d dims, %d classes, %d test rows, "
        + "shots %s, %d seeds; whole process through jobs/linprobe (default heap)%n", w.name(),
        w.rows(), w.dim(), w.classes(), w.testRows(), w.shots(), w.seeds());
    String home = System.getProperty("linprobe.home", System.getProperty("user.dir"));
    List<String> models = nbOnly ? List.of("nb,nb-perclass") : List.of("nb,nb-perclass",
        "nb,nb-perclass,lr");
    for (String m : models) {
      Path out = dir.resolveSibling(w.name() + "-out");
      List<String> cmd = List.of(home + "/jobs/linprobe", "curve",
          "--train", dir.resolve("train").toString(), "--test", dir.resolve("test").toString(),
          "--out", out.toString(), "--overwrite", "--shots", w.shots(),
          "--seeds", Integer.toString(w.seeds()), "--models", m, "--lr-c", "1");
      System.out.println("\n$ " + String.join(" ", cmd));
      System.out.println("load average before: " + loadAverage());
      List<String> timed = new ArrayList<>(cmd);
      if (Files.isExecutable(Path.of("/usr/bin/time"))) {
        timed.addAll(0, List.of("/usr/bin/time", "-f",
            "process: %e s wall, %U s user + %S s system CPU, peak RSS %M KiB"));
      }
      ProcessBuilder pb = new ProcessBuilder(timed).redirectErrorStream(true);
      pb.environment().remove("LINPROBE_JAVA_OPTS");
      pb.environment().remove("LINPROBE_MASTER");
      long t0 = System.nanoTime();
      Process p = pb.start();
      List<double[]> at = new ArrayList<>();
      List<String> stages = new ArrayList<>();
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          // the stage lines and the end; not every fit's progress line
          boolean fitLine = line.startsWith("linprobe: [") || line.startsWith("linprobe: scored");
          if (!fitLine) System.out.println("  " + line);
          var stage = java.util.regex.Pattern.compile("linprobe: +([0-9.]+)s (.*)").matcher(line);
          if (stage.matches()) {
            at.add(new double[] {Double.parseDouble(stage.group(1))});
            stages.add(stage.group(2));
          }
        }
      }
      int rc = p.waitFor();
      double sec = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "models %s: exit %d, %.1f s whole process; load average "
          + "after: %s%nstages (seconds from the first stage line to the next):%n", m, rc, sec,
          loadAverage());
      for (int i = 0; i + 1 < at.size(); i++) {
        String name = stages.get(i);
        System.out.printf(Locale.ROOT, "  %7.1f s  %s%n", at.get(i + 1)[0] - at.get(i)[0],
            name.length() > 70 ? name.substring(0, 70) + "..." : name);
      }
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** Workload C: linprobe's time at 100k, 300k and 1M rows of 256 dims, 10 classes. */
  static void scale(SparkSession spark) throws Exception {
    System.out.println("\nworkload C: 256 dims, 10 classes, shots 1,2,5,10,20,50,100,all, "
        + "3 seeds, models nb,lr");
    double base = 0;
    for (long rows : new long[] {100_000, 300_000, 1_000_000}) {
      Path dir = data(spark, "C", rows, 10_000, 256, 10, 0.1);
      CurveOptions o = CurveOptions.builder().train(dir.resolve("train").toString())
          .test(dir.resolve("test").toString()).shots("1,2,5,10,20,50,100,all").seeds(3)
          .lrC(1).quiet(true).build();
      if (base == 0) warmUp(spark, o);
      Measured<CurveJob.Result> m = measure(spark,
          () -> new CurveJob(spark, o, Progress.silent()).run());
      if (base == 0) base = m.seconds;
      System.out.printf(Locale.ROOT, "  %,9d rows: %.1f s (%.2fx the 100k time, %.2fx rows), "
          + "%d jobs, peak heap %d MiB, cached %.0f bytes/row (4 x dim = 1024)%n", rows,
          m.seconds, m.seconds / base, rows / 100_000.0, m.jobs, m.peakHeapMiB,
          m.value.cachedBytesPerRow());
    }
  }

  /**
   * cpuSeconds: the process's CPU time over the body, all threads (less sensitive than seconds
   * to other processes on the machine). peakHeapMiB: the sum of the heap pools' peaks (each
   * pool's own peak, at different moments: it can exceed -Xmx); inUseMiB: the most heap in use at
   * any moment, the largest total before a collection or at the end (between collections the
   * heap in use only grows: true of G1 and the other stop-the-world collectors these benchmarks
   * run on, not of ZGC or Shenandoah, which collect while the program allocates).
   */
  record Measured<T>(T value, double seconds, int jobs, long peakHeapMiB, double cpuSeconds,
      long inUseMiB) {}

  /** Collections so far, all collectors together. */
  static long collections(java.util.List<java.lang.management.GarbageCollectorMXBean> collectors) {
    long n = 0;
    for (var gc : collectors) n += Math.max(0, gc.getCollectionCount());
    return n;
  }

  static double processCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  interface Body<T> {
    T run() throws Exception;
  }

  static <T> Measured<T> measure(SparkSession spark, Body<T> body) throws Exception {
    AtomicInteger jobs = new AtomicInteger();
    SparkListener l = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        jobs.incrementAndGet();
      }
    };
    var sc = spark.sparkContext();
    sc.listenerBus().waitUntilEmpty();
    sc.addSparkListener(l);
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
    java.util.Set<String> heapPools = new java.util.HashSet<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) heapPools.add(p.getName());
    }
    java.util.concurrent.atomic.AtomicLong inUse = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
    long startMs = ManagementFactory.getRuntimeMXBean().getUptime();
    javax.management.NotificationListener beforeGc = (n, handback) -> {
      if (!n.getType().equals(
          com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
        return;
      }
      var info = com.sun.management.GarbageCollectionNotificationInfo.from(
          (javax.management.openmbean.CompositeData) n.getUserData());
      seen.incrementAndGet();
      if (info.getGcInfo().getStartTime() < startMs) return; // a collection from before the body
      long used = 0;
      for (var e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
        if (heapPools.contains(e.getKey())) used += e.getValue().getUsed();
      }
      inUse.accumulateAndGet(used, Math::max);
    };
    var collectors = ManagementFactory.getGarbageCollectorMXBeans();
    long collections0 = collections(collectors);
    for (var gc : collectors) {
      ((javax.management.NotificationEmitter) gc).addNotificationListener(beforeGc, null, null);
    }
    T v;
    double sec, cpu;
    try {
      double cpu0 = processCpuSeconds();
      long t0 = System.nanoTime();
      v = body.run();
      sec = (System.nanoTime() - t0) / 1e9;
      cpu = processCpuSeconds() - cpu0;
      sc.listenerBus().waitUntilEmpty();
      sc.removeSparkListener(l);
      inUse.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
          Math::max);
      // the notifications come on their own thread: wait (up to a second) for the body's last
      long collected = collections(collectors) - collections0;
      for (int i = 0; i < 100 && seen.get() < collected; i++) Thread.sleep(10);
    } finally {
      for (var gc : collectors) {
        ((javax.management.NotificationEmitter) gc).removeNotificationListener(beforeGc);
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
    }
    return new Measured<>(v, sec, jobs.get(), peak >> 20, cpu, inUse.get() >> 20);
  }
}
