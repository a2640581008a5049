package linprobe.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import linprobe.CurveOptions;
import linprobe.CurveOptions.Model;
import linprobe.LinprobeException;
import linprobe.Version;
import linprobe.curve.Fit;
import linprobe.curve.LearningCurve;
import linprobe.math.Blas;
import linprobe.math.GaussianStats;
import linprobe.math.LinearModel;
import linprobe.math.LogisticRegression;
import linprobe.math.NaiveBayes;
import linprobe.math.Preconditioner;
import linprobe.math.Scaler;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * The learning-curve run: validate and lay out train and test, rank subsets, gather naive Bayes
 * statistics for the whole grid in one pass, fit logistic regression per subset by distributed
 * L-BFGS, and score every model on the test set in one pass.
 */
public final class CurveJob {
  /** NB variance smoothing relative to the largest feature variance (scikit-learn's default). */
  public static final double PERCLASS_VAR_SMOOTHING = 1e-9;

  private final SparkSession spark;
  private final CurveOptions o;
  private final Progress progress;
  private final org.apache.hadoop.fs.Path storeFor;
  private FitStore store;

  public CurveJob(SparkSession spark, CurveOptions options, Progress progress) {
    this(spark, options, progress, null);
  }

  /**
   * @param storeFor the output directory whose fits are recorded as they finish (for --resume),
   *     or null to record nothing
   */
  public CurveJob(SparkSession spark, CurveOptions options, Progress progress,
      org.apache.hadoop.fs.Path storeFor) {
    this.spark = spark;
    this.o = options;
    this.progress = progress;
    this.storeFor = storeFor;
  }

  /** The store of finished fits (null when none); delete it once the output is committed. */
  public FitStore store() {
    return store;
  }

  /** What a run produced, before anything is written. */
  public record Result(List<Fit> fits, LearningCurve curve, Embeddings train, Embeddings test,
      List<Object> classes, int[] shots, boolean includeAll, long runtimeMs, String blas,
      double cachedBytesPerRow) {}

  public Result run() {
    // what a failed run must not leave behind in a long-lived session (a notebook's): cached
    // tables and the background job that lays out the test rows
    List<Runnable> onFailure = new ArrayList<>();
    try {
      return run(onFailure);
    } catch (RuntimeException | Error e) {
      for (int i = onFailure.size() - 1; i >= 0; i--) {
        try {
          onFailure.get(i).run();
        } catch (RuntimeException ignored) {
          // the original failure is what the user needs to see
        }
      }
      throw e;
    }
  }

  private Result run(List<Runnable> onFailure) {
    long t0 = System.currentTimeMillis();
    EmbeddingSource source = new EmbeddingSource(spark, o.featuresCol(), o.labelCol(), o.idCol(),
        o.dropInvalid());
    if (o.models().contains(Model.LR)) {
      // in local mode the fits run in this JVM: load Breeze while Spark reads the data
      Thread warm = new Thread(LogisticRegression::warmUp, "linprobe-warm-up");
      warm.setDaemon(true);
      warm.start();
    }
    progress.stage("reading and validating " + o.train());
    EmbeddingSource.Profile trainProfile = source.profile(o.train(), "train");
    onFailure.add(trainProfile::release);
    progress.stage("reading and validating " + o.test());
    EmbeddingSource.Profile testProfile = source.profile(o.test(), "test");
    onFailure.add(testProfile::release);
    if (trainProfile.dim() != testProfile.dim()) {
      throw new LinprobeException("train embeddings have dimension " + trainProfile.dim()
          + " but test embeddings have " + testProfile.dim()
          + ": both must come from the same model and layer");
    }
    if (trainProfile.labels().size() < 2) {
      throw new LinprobeException("train data has only one class ('"
          + trainProfile.labels().get(0) + "'): a classifier needs at least two");
    }
    List<Object> classes = trainProfile.labels();
    long[] counts = trainProfile.counts();
    int[] shots = o.shots() != null ? o.shots() : CurveOptions.defaultShots(min(counts));
    // the default grid ends with "all", unless its last value already takes every row
    boolean includeAll = o.shots() != null ? o.includeAll()
        : shots.length == 0 || shots[shots.length - 1] < Arrays.stream(counts).max().orElse(0);
    checkShots(shots, classes, counts);
    if (storeFor != null) {
      store = FitStore.open(storeFor, fingerprint(trainProfile, testProfile, shots, includeAll),
          o.resume(), o.overwrite(), spark.sparkContext().hadoopConfiguration());
      if (o.resume()) {
        progress.stage("resuming: " + store.count() + " logistic regressions already fitted");
      }
    } else if (o.resume()) {
      throw new LinprobeException("--resume needs an output directory (--out)");
    }

    progress.stage("laying out " + Arrays.stream(counts).sum() + " training rows");
    Embeddings train = source.load(trainProfile, classes, o.partitions(),
        EmbeddingSource.ROWS_PER_PARTITION);
    onFailure.add(() -> train.blocks().unpersist(false));
    Embeddings test = source.load(testProfile, classes, o.partitions(),
        EmbeddingSource.TEST_ROWS_PER_PARTITION);
    int k = classes.size(), d = train.dim();
    long[] seeds = o.seeds();

    // lay the test rows out now, interleaved with the training passes (whose few partitions
    // leave cores idle), not alone at the end; the scoring pass finds them cached
    onFailure.add(() -> test.blocks().unpersist(false));
    org.apache.spark.api.java.JavaFutureAction<Long> testLayout = test.blocks().countAsync();
    onFailure.add(() -> testLayout.cancel(true));
    progress.stage("ranking subsets for " + seeds.length + " seeds");
    SubsetPlan plan = Passes.plan(train, shots, seeds);
    trainProfile.release(); // the plan's pass cached the training blocks
    JavaRDD<RowBlock> bucketed = Passes.bucketed(train, plan);
    onFailure.add(() -> bucketed.unpersist(false));
    progress.stage("naive Bayes statistics for the whole grid (one pass)");
    GridStats grid = Passes.nbStats(bucketed, seeds.length, k, shots.length, d);
    train.blocks().unpersist(false);
    double cachedPerRow = cachedBytes(bucketed.id()) / (double) train.rows();

    List<Model> models = o.models();
    // subsets in output order: (seed, shots) then "all"; each with its statistics and scaler
    List<int[]> subsets = new ArrayList<>();
    for (int si = 0; si < seeds.length; si++) {
      for (int b = 0; b < shots.length; b++) subsets.add(new int[] {si, b});
    }
    if (includeAll) subsets.add(new int[] {-1, shots.length});
    progress.start((int) models.stream().filter(Model::isNaiveBayes).count() * subsets.size(), 0);
    LinearModel[][] byModel = new LinearModel[models.size()][subsets.size()];
    Fit[][] info = new Fit[models.size()][subsets.size()];
    Scaler[] scalers = new Scaler[subsets.size()];
    Preconditioner[] pre = new Preconditioner[subsets.size()];
    long[] rows = new long[subsets.size()];
    for (int i = 0; i < subsets.size(); i++) {
      int[] sub = subsets.get(i);
      GaussianStats[] st = sub[0] < 0 ? grid.all() : grid.subset(sub[0], sub[1]);
      GaussianStats pooled = GaussianStats.pooled(st);
      rows[i] = pooled.count();
      scalers[i] = Scaler.fit(o.scaling(), pooled);
      pre[i] = Preconditioner.of(scalers[i], pooled);
      for (int mi = 0; mi < models.size(); mi++) {
        Model m = models.get(mi);
        if (!m.isNaiveBayes()) continue;
        long t = System.currentTimeMillis();
        byModel[mi][i] = m == Model.NB ? NaiveBayes.sharedVariance(st, scalers[i], o.nbEpsilon())
            : NaiveBayes.perClassVariance(st, scalers[i], PERCLASS_VAR_SMOOTHING);
        info[mi][i] = pendingFit(m.id, sub, shots, seeds, rows[i], 0, true,
            System.currentTimeMillis() - t);
        progress.fitted(m.id, info[mi][i].seed(), Fit.shotsLabel(info[mi][i].shots()), rows[i], 0,
            true, info[mi][i].fitMs(), 0);
      }
    }
    int lr = models.indexOf(Model.LR);
    if (lr >= 0) {
      fitLogistic(bucketed, subsets, shots.length, scalers, pre, rows, k, d, byModel[lr], info[lr],
          seeds, shots);
    }
    List<Fit> pending = new ArrayList<>();
    List<LinearModel> fitted = new ArrayList<>();
    for (int i = 0; i < subsets.size(); i++) {
      for (int mi = 0; mi < models.size(); mi++) {
        pending.add(info[mi][i]);
        fitted.add(byModel[mi][i]);
      }
    }
    progress.stage("scoring " + fitted.size() + " models on " + test.rows()
        + " test rows (one pass)");
    double[][] eval = Passes.evaluate(test, fitted);
    List<Fit> fits = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      Fit p = pending.get(i);
      Fit f = new Fit(p.model(), p.shots(), p.seed(), p.nTrain(), eval[i][0] / test.rows(),
          eval[i][1] / test.rows(), p.iterations(), p.converged(), p.fitMs());
      fits.add(f);
      progress.scored(f);
    }
    bucketed.unpersist(false);
    test.blocks().unpersist(false);
    testProfile.release();
    List<String> names = models.stream().map(m -> m.id).toList();
    return new Result(fits, LearningCurve.of(fits, names), train, test, classes, shots, includeAll,
        System.currentTimeMillis() - t0, Blas.implementation(), cachedPerRow);
  }

  /**
   * Logistic regression for every subset: per seed one task of nested fits (warm-started), plus
   * one for "all". The small subsets of every task are fitted inside Spark tasks in one job; the
   * rest by distributed L-BFGS on the driver, continuing each task's warm-start chain.
   */
  private void fitLogistic(JavaRDD<RowBlock> bucketed, List<int[]> subsets, int finite,
      Scaler[] scalers, Preconditioner[] pre, long[] rows, int k, int d, LinearModel[] models,
      Fit[] info, long[] seeds, int[] shots) {
    List<LrTask> tasks = new ArrayList<>();
    List<int[]> members = new ArrayList<>(); // subset indices of each task, ascending size
    for (int si = 0; si < seeds.length; si++) {
      int[] idx = new int[finite];
      for (int b = 0; b < finite; b++) idx[b] = si * finite + b;
      members.add(idx);
    }
    if (subsets.size() > seeds.length * finite) members.add(new int[] {subsets.size() - 1});
    long budget = localFitBudget();
    int[] upTo = new int[members.size()];
    int local = 0;
    for (int[] idx : members) {
      int[] maxBucket = new int[idx.length];
      Scaler[] sc = new Scaler[idx.length];
      Preconditioner[] pc = new Preconditioner[idx.length];
      long[] n = new long[idx.length];
      for (int j = 0; j < idx.length; j++) {
        maxBucket[j] = subsets.get(idx[j])[1];
        sc[j] = scalers[idx[j]];
        pc[j] = pre[idx[j]];
        n[j] = rows[idx[j]];
      }
      int seed = subsets.get(idx[0])[0];
      LrTask task = new LrTask(seed, maxBucket, sc, pc, n, k, d, o.lrC(), o.lrMaxIter(), o.lrTol(),
          o.lrWarmStart() && seed >= 0);
      task.store = store;
      int t = tasks.size();
      while (upTo[t] < idx.length && n[upTo[t]] * d * 4L <= budget) upTo[t]++;
      local += upTo[t];
      tasks.add(task);
    }
    long distributedWork = 0;
    for (int t = 0; t < tasks.size(); t++) {
      distributedWork += tasks.get(t).work(members.get(t).length) - tasks.get(t).work(upTo[t]);
    }
    progress.start(subsets.size(), 0);
    List<List<LrTask.Outcome>> done = new ArrayList<>();
    if (local > 0) {
      progress.stage("logistic regression: " + local + " fits inside Spark tasks (subsets up to "
          + (budget >> 20) + " MiB each)");
      done = Passes.fitLocally(bucketed, tasks, upTo, !o.quiet());
      for (int t = 0; t < tasks.size(); t++) {
        List<LrTask.Outcome> outs = done.get(t);
        for (int j = 0; j < outs.size(); j++) record(members.get(t)[j], outs.get(j), subsets, rows,
            models, info, seeds, shots, false);
      }
    }
    progress.estimateFrom(distributedWork);
    for (int t = 0; t < tasks.size(); t++) {
      LrTask task = tasks.get(t);
      int[] idx = members.get(t);
      if (upTo[t] == idx.length) continue;
      double[] x0 = upTo[t] > 0 ? done.get(t).get(upTo[t] - 1).solution() : null;
      for (int j = upTo[t]; j < idx.length; j++) {
        LrTask.TermFactory dist = (mb, sc) -> Passes.softmaxTerm(bucketed, task.seed, mb, k, d, sc);
        LrTask.Outcome out = task.fit(j, j + 1, dist, x0).get(0);
        x0 = out.solution();
        record(idx[j], out, subsets, rows, models, info, seeds, shots, true);
      }
    }
  }

  private void record(int i, LrTask.Outcome out, List<int[]> subsets, long[] rows,
      LinearModel[] models, Fit[] info, long[] seeds, int[] shots, boolean distributed) {
    models[i] = out.model();
    info[i] = pendingFit("lr", subsets.get(i), shots, seeds, rows[i], out.iterations(),
        out.converged(), out.fitMs());
    Fit f = info[i];
    progress.fitted("lr", f.seed(), Fit.shotsLabel(f.shots()), f.nTrain(), f.iterations(),
        f.converged(), f.fitMs(), distributed ? f.nTrain() : 0);
  }

  private static Fit pendingFit(String model, int[] sub, int[] shots, long[] seeds, long n,
      int iterations, boolean converged, long ms) {
    boolean all = sub[0] < 0;
    return new Fit(model, all ? Fit.ALL : shots[sub[1]], all ? -1 : seeds[sub[0]], n, Double.NaN,
        Double.NaN, iterations, converged, ms);
  }

  /**
   * Largest training subset (bytes of float32 features) fitted inside one Spark task: a fit
   * there holds its rows as float32 plus a scaled double copy (12 bytes per value), which must
   * stay within half of the memory one concurrent task may use; --local-fit-mb overrides it.
   * Either way at most 8 GiB: the double copy is one Java array (under 2^31 values).
   */
  long localFitBudget() {
    return Math.min(4L * (Integer.MAX_VALUE - 8), uncappedLocalFitBudget());
  }

  private long uncappedLocalFitBudget() {
    if (o.localFitMb() >= 0) return (long) o.localFitMb() << 20;
    var sc = spark.sparkContext();
    long perTask;
    if (sc.isLocal()) {
      perTask = Runtime.getRuntime().maxMemory() / Math.max(1, sc.defaultParallelism());
    } else {
      int cores = sc.getConf().getInt("spark.executor.cores", 1)
          / Math.max(1, sc.getConf().getInt("spark.task.cpus", 1));
      perTask = ((long) sc.executorMemory() << 20) / Math.max(1, cores);
    }
    return perTask / 2 / 3;
  }

  /**
   * What makes two runs' fits interchangeable: facts of the input tables, the grid as resolved
   * against them, and every setting that can change a fit (CurveOptions.fitSettings()).
   */
  private String fingerprint(EmbeddingSource.Profile train, EmbeddingSource.Profile test,
      int[] shots, boolean includeAll) {
    return String.join("\n", "linprobe fits v2", Arrays.toString(train.counts()),
        Arrays.toString(test.counts()), train.labels().toString(), String.valueOf(train.dim()),
        Arrays.toString(shots), String.valueOf(includeAll), o.fitSettings().toString(),
        Version.get());
  }

  /** Bytes Spark's block manager holds for a cached RDD (memory and disk). */
  private long cachedBytes(int rddId) {
    for (var info : spark.sparkContext().getRDDStorageInfo()) {
      if (info.id() == rddId) return info.memSize() + info.diskSize();
    }
    return 0;
  }

  private static void checkShots(int[] shots, List<Object> classes, long[] counts) {
    if (shots.length == 0) return;
    int max = shots[shots.length - 1];
    int worst = -1;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] < max && (worst < 0 || counts[c] < counts[worst])) worst = c;
    }
    if (worst >= 0) {
      throw new LinprobeException("class '" + classes.get(worst) + "' has only " + counts[worst]
          + " training rows, fewer than the " + max + " shots requested: lower --shots to at most "
          + counts[worst] + " (or use 'all')");
    }
  }

  private static long min(long[] v) {
    return Arrays.stream(v).min().orElse(0);
  }
}
