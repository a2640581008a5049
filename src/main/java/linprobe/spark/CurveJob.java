package linprobe.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import linprobe.CurveOptions;
import linprobe.CurveOptions.Model;
import linprobe.LinprobeException;
import linprobe.Version;
import linprobe.curve.Fit;
import linprobe.curve.LearningCurve;
import linprobe.curve.Scores;
import linprobe.math.Blas;
import linprobe.math.GaussianStats;
import linprobe.math.LinearModel;
import linprobe.math.LogisticRegression;
import linprobe.math.NaiveBayes;
import linprobe.math.ValidationRows;
import linprobe.plan.FitResult;
import linprobe.plan.LrChain;
import linprobe.plan.Subset;
import linprobe.plan.SubsetId;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * The learning-curve run: validate and lay out train and test, rank subsets, gather naive Bayes
 * statistics for the whole grid in one pass, fit logistic regression per subset by distributed
 * L-BFGS, and score every model on the test set (one pass for a small grid).
 */
public final class CurveJob {
  /** NB variance smoothing relative to the largest feature variance (scikit-learn's default). */
  public static final double PERCLASS_VAR_SMOOTHING = 1e-9;

  private final SparkSession spark;
  private final CurveOptions o;
  private final Progress progress;
  private final org.apache.hadoop.fs.Path storeFor;
  private FitStore store;
  private String fingerprint;
  private String record;
  /** What a finished output records of its run (--resume into it), else null. */
  private String finishedRecord;
  private boolean finished;

  /** The name of the file in which an output records its run's inputs and settings. */
  public static final String RECORD = ".linprobe-run";

  /**
   * --resume into a finished output: its run is this one (the same inputs, data and settings,
   * as {@link #RECORD} says), so there is nothing to do. Thrown by {@link #run}.
   */
  public static final class AlreadyComplete extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AlreadyComplete() {
      super(null, null, false, false);
    }
  }

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

  /**
   * --resume found the output finished: {@link #run} compares the record it holds (null when
   * it holds none) with this run's inputs and settings, and throws {@link AlreadyComplete} when
   * they are the same, else refuses.
   */
  public void finishedOutput(String record) {
    this.finished = true;
    this.finishedRecord = record;
  }

  /**
   * What a finished output of this run records ({@link #RECORD}): the fits' fingerprint, the
   * test rows' digest and the settings that change the outputs but no fit (--score-gemm,
   * --epsilon, --title), one "what: value" a line (after {@link #run}).
   */
  public String record() {
    return record;
  }

  /** The fits' fingerprint, as the --resume record of fits has it (after {@link #run}). */
  public String fingerprint() {
    return fingerprint;
  }

  /** The store of finished fits (null when none); delete it once the output is committed. */
  public FitStore store() {
    return store;
  }

  /**
   * What a run produced, before anything is written.
   *
   * @param train the training pool subsets are drawn from (without held-out validation rows)
   * @param validation where C was chosen (--select validation), or null
   */
  public record Result(List<Fit> fits, LearningCurve curve, Embeddings train, Embeddings test,
      List<Object> classes, int[] shots, boolean includeAll, long runtimeMs, String blas,
      double cachedBytesPerRow, Validation validation, List<String> warnings) {}

  /**
   * The validation rows of --select validation.
   *
   * @param path the validation table, or null when the rows were held out of train
   * @param fraction the fraction held out of train (NaN with a table)
   * @param perClass rows per class index
   * @param invalid rows of the validation table dropped by --drop-invalid
   */
  public record Validation(String path, double fraction, long[] perClass, long invalid) {
    public long rows() {
      return java.util.Arrays.stream(perClass).sum();
    }
  }

  public Result run() {
    // what a failed run must not leave behind in a long-lived session (a notebook's): cached
    // tables and the background job that lays out the test rows
    List<Runnable> onFailure = new ArrayList<>();
    try {
      return run(onFailure);
    } catch (Exception | Error e) { // SparkException is checked but thrown undeclared
      awaitWarmUp();
      for (int i = onFailure.size() - 1; i >= 0; i--) {
        try {
          onFailure.get(i).run();
        } catch (RuntimeException ignored) {
          // the original failure is what the user needs to see
        }
      }
      LinprobeException inTask = LinprobeException.causeOf(e);
      if (inTask != null && inTask != e) throw new LinprobeException(inTask.getMessage(), e);
      throw e;
    }
  }

  /** --drop-invalid's rows, said on stderr as they are dropped, not only in summary.json. */
  private void warnDropped(EmbeddingSource.Profile p, String role) {
    if (p.invalid() > 0) {
      progress.warn("skipping " + Progress.count(p.invalid(), role + " row") + " with null, NaN "
          + "or infinite features (--drop-invalid)" + (role.equals("test")
          ? ": the test set is smaller than the table" : ""));
    }
  }

  /** What the warm-up runs (a test gives it one that takes its time). */
  static Runnable warmUpTask = LogisticRegression::warmUp;

  /** Loads Breeze and the BLAS binding while Spark reads the data; null without lr. */
  private Thread warmUp;

  /**
   * Lets a failed run's warm-up finish (a second or so) before the failure is reported: it may
   * still print, netlib's native library saying on stderr that the system has no libblas.so.3,
   * which must not come after the one-line error.
   */
  private void awaitWarmUp() {
    if (warmUp == null) return;
    try {
      warmUp.join(10_000);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  private Result run(List<Runnable> onFailure) {
    long t0 = System.currentTimeMillis();
    EmbeddingSource source = new EmbeddingSource(spark, o.featuresCol(), o.labelCol(), o.idCol(),
        o.dropInvalid());
    if (o.models().contains(Model.LR)) {
      // in local mode the fits run in this JVM: load Breeze while Spark reads the data
      warmUp = new Thread(warmUpTask, "linprobe-warm-up");
      warmUp.setDaemon(true);
      warmUp.start();
    }
    progress.stage("reading and validating " + o.train());
    EmbeddingSource.Profile trainProfile = source.profile(o.train(), "train");
    onFailure.add(trainProfile::release);
    warnDropped(trainProfile, "train");
    progress.stage("reading and validating " + o.test());
    EmbeddingSource.Profile testProfile = source.profile(o.test(), "test");
    onFailure.add(testProfile::release);
    warnDropped(testProfile, "test");
    if (trainProfile.dim() != testProfile.dim()) {
      throw new LinprobeException("train embeddings have dimension " + trainProfile.dim()
          + " but test embeddings have " + testProfile.dim()
          + ": both must come from the same model and layer");
    }
    var conf = spark.sparkContext().hadoopConfiguration();
    if (FileSystems.overlap(o.train(), o.test(), conf)) {
      progress.warn("train and test share files (" + o.train() + ", " + o.test() + "): the test "
          + "error is a training error, not an estimate of error on new data");
    }
    if (trainProfile.labels().size() < 2) {
      throw new LinprobeException("train data has only one class ('"
          + trainProfile.labels().get(0) + "'): a classifier needs at least two");
    }
    List<Object> classes = trainProfile.labels();
    EmbeddingSource.Profile validationProfile = null;
    if (o.validation() != null) {
      progress.stage("reading and validating " + o.validation());
      validationProfile = source.profile(o.validation(), "validation");
      onFailure.add(validationProfile::release);
      warnDropped(validationProfile, "validation");
      checkValidationTable(source, validationProfile, trainProfile, classes);
    }
    // rows held out of train for validation leave the pool before anything is drawn from it
    long[] heldOut = Double.isNaN(o.validationFraction()) ? null
        : HeldOut.counts(trainProfile.counts(), o.validationFraction(), classes);
    long[] counts = trainProfile.counts().clone();
    if (heldOut != null) {
      for (int c = 0; c < counts.length; c++) counts[c] -= heldOut[c];
      HeldOut.noneHeldOut(heldOut, classes).ifPresent(progress::warn);
    }
    int[] asked = o.shots() != null ? o.shots() : CurveOptions.defaultShots(min(counts));
    checkShots(asked, classes, counts, heldOut != null);
    // the default grid ends with "all"; a size that takes every row of every class is "all"
    // too: one fit, not a copy of it per seed, whose spread of zero and paired differences
    // would be no evidence of anything
    long largest = Arrays.stream(counts).max().orElse(0);
    boolean takesAll = asked.length > 0 && asked[asked.length - 1] >= largest;
    if (takesAll && o.shots() != null) {
      progress.warn("--shots " + asked[asked.length - 1] + " takes every training row (no class "
          + "has more): fitted once, as all");
    }
    int[] shots = takesAll ? Arrays.copyOf(asked, asked.length - 1) : asked;
    boolean includeAll = o.shots() == null || o.includeAll() || takesAll;
    boolean compares = o.models().stream().anyMatch(CurveOptions.Model::isNaiveBayes)
        && o.models().contains(CurveOptions.Model.LR);
    if (includeAll) singleRowClasses(o, counts, classes).ifPresent(progress::warn);
    if (o.seeds().length == 1 && shots.length > 0 && compares) {
      progress.warn("one seed: each sampled size is one subset, so its verdict (McNemar's test "
          + "on the test rows) compares two fits, not how the probes differ from subset to "
          + "subset; use --seeds 5 or more to compare them");
    }
    fingerprint = fingerprint(trainProfile, testProfile, validationProfile, shots, includeAll);
    List<String> outputFacts = new ArrayList<>(List.of(fingerprint,
        "test rows: " + Long.toHexString(testProfile.digest())));
    addSettings(outputFacts, o.outputSettings());
    record = String.join("\n", outputFacts);
    if (finished) {
      String again = "choose another --out, or pass --overwrite to run it again";
      if (finishedRecord == null) {
        throw new LinprobeException("output " + o.out() + " is already complete (it has "
            + "_SUCCESS) and records no run to compare with (an older linprobe wrote it): "
            + "nothing to resume; " + again);
      }
      if (!finishedRecord.equals(record)) {
        String difference = FitStore.difference(finishedRecord, record);
        throw new LinprobeException("output " + o.out() + " is already complete, from "
            + (difference.startsWith("recorded by ") ? "a run " + difference
            : "other inputs, data or settings (" + difference + ")") + ": nothing to resume; "
            + again);
      }
      throw new AlreadyComplete();
    }
    if (storeFor != null) {
      store = FitStore.open(storeFor, fingerprint, o.resume(), o.overwrite(),
          spark.sparkContext().hadoopConfiguration());
      if (o.resume()) {
        progress.stage("resuming: " + store.count() + " logistic regressions already fitted");
      }
    } else if (o.resume()) {
      throw new LinprobeException("--resume needs an output directory (--out)");
    }

    progress.stage("laying out " + Arrays.stream(trainProfile.counts()).sum()
        + " training rows");
    Embeddings loaded = source.load(trainProfile, classes, o.partitions(),
        EmbeddingSource.ROWS_PER_PARTITION);
    onFailure.add(() -> loaded.blocks().unpersist(false));
    Embeddings test = source.load(testProfile, classes, o.partitions(),
        EmbeddingSource.TEST_ROWS_PER_PARTITION);
    int k = classes.size(), d = loaded.dim();
    long[] seeds = o.seeds();
    Embeddings train = loaded;
    ValidationRows validationRows = null;
    Validation validation = null;
    if (heldOut != null) {
      progress.stage("holding out " + Arrays.stream(heldOut).sum() + " training rows ("
          + o.validationFraction() + " of every class) to choose C on");
      HeldOut.Split split = HeldOut.split(loaded, heldOut);
      train = split.pool();
      validationRows = split.validation();
      validation = new Validation(null, o.validationFraction(), validationRows.perClass(), 0);
    } else if (validationProfile != null) {
      progress.stage("laying out " + Arrays.stream(validationProfile.counts()).sum()
          + " validation rows");
      Embeddings table = source.load(validationProfile, classes, o.partitions(),
          EmbeddingSource.TEST_ROWS_PER_PARTITION, "validation");
      onFailure.add(() -> table.blocks().unpersist(false));
      validationRows = HeldOut.of(table, k);
      table.blocks().unpersist(false);
      validationProfile.release();
      validation = new Validation(o.validation(), Double.NaN, validationRows.perClass(),
          validationProfile.invalid());
    }

    // lay the test rows out now, interleaved with the training passes (whose few partitions
    // leave cores idle), not alone at the end; the scoring pass finds them cached
    onFailure.add(() -> test.blocks().unpersist(false));
    org.apache.spark.api.java.JavaFutureAction<Long> testLayout = test.blocks().countAsync();
    onFailure.add(() -> testLayout.cancel(true));
    progress.stage("ranking subsets for " + seeds.length + " seeds");
    // all's folds, when it chooses C by cross-validation, are stratified by the first seed's
    // rank of every row (up to a million rows)
    boolean rankEveryRow = includeAll && o.models().contains(Model.LR) && o.selection() != null
        && !o.validationSelect()
        && Arrays.stream(counts).sum() <= SubsetRanking.RANK_EVERY_ROW_LIMIT;
    SubsetPlan plan = SubsetRanking.plan(train, shots, seeds, rankEveryRow);
    trainProfile.release(); // the plan's pass cached the training blocks
    JavaRDD<RowBlock> bucketed = SubsetRanking.bucketed(train, plan);
    onFailure.add(() -> bucketed.unpersist(false));
    progress.stage("naive Bayes statistics for the whole grid (one pass)");
    java.util.Iterator<NaiveBayesPass.SubsetStats> grid = NaiveBayesPass.statistics(bucketed,
        seeds.length, k, shots.length, d, includeAll);
    loaded.blocks().unpersist(false);
    double cachedPerRow = cachedBytes(bucketed.id()) / (double) train.rows();

    // every subset in output order, with its scaler and preconditioner; naive Bayes from the
    // same statistics in closed form
    List<Model> models = o.models();
    List<Model> naiveBayes = models.stream().filter(Model::isNaiveBayes).toList();
    List<SubsetId> ids = plan.subsets(includeAll);
    progress.start(naiveBayes.size() * ids.size(), 0);
    List<Subset> subsets = new ArrayList<>();
    Map<Model, List<FitResult>> byModel = new EnumMap<>(Model.class);
    for (SubsetId id : ids) {
      NaiveBayesPass.SubsetStats st = next(grid, id);
      GaussianStats[] stats = st.perClass();
      Subset subset = Subset.of(id, st.pooled(), o.scaling());
      subsets.add(subset);
      for (Model m : naiveBayes) {
        FitResult f = naiveBayes(m, subset, stats);
        byModel.computeIfAbsent(m, x -> new ArrayList<>()).add(f);
        progress.fitted(f, 0);
      }
    }
    if (models.contains(Model.LR)) {
      byModel.put(Model.LR, fitLogistic(bucketed, subsets, k, d, validationRows));
    }

    List<FitResult> fitted = new ArrayList<>();
    for (int i = 0; i < subsets.size(); i++) {
      for (Model m : models) fitted.add(byModel.get(m).get(i));
    }
    int passes = ScoringPass.passes(fitted.stream().map(FitResult::fitted).toList());
    progress.stage("scoring " + Progress.count(fitted.size(), "model") + " on " + test.rows()
        + " test rows (" + passes + (passes == 1 ? " pass)" : " passes)"));
    List<Scores> scores = ScoringPass.score(test,
        fitted.stream().map(FitResult::fitted).toList(), o.scoreFloat32(k, d));
    List<Fit> fits = new ArrayList<>();
    for (int i = 0; i < fitted.size(); i++) {
      Fit f = requireFinite(fitted.get(i).scored(scores.get(i)));
      fits.add(f);
      progress.scored(f);
    }
    long lr = fits.stream().filter(f -> f.model().equals(Model.LR.id)).count();
    long stopped = fits.stream().filter(f -> f.model().equals(Model.LR.id) && !f.converged())
        .count();
    if (stopped > 0) {
      progress.warn(stopped + " of " + lr + " logistic regressions ended before meeting "
          + "--lr-tol (fits.csv, column converged, says which): raise --lr-max-iter (now "
          + o.lrMaxIter() + ") if they ran to it");
    }
    rangeEnds(fits, o.selection()).ifPresent(progress::warn);
    bucketed.unpersist(false);
    List<String> names = models.stream().map(m -> m.id).toList();
    Map<String, Map<Integer, long[]>> discordant = discordant(fits,
        fitted.stream().map(FitResult::fitted).toList(), test, o.scoreFloat32(k, d));
    test.blocks().unpersist(false);
    testProfile.release();
    return new Result(fits, LearningCurve.of(fits, names, discordant), train, test, classes,
        shots, includeAll,
        System.currentTimeMillis() - t0, Blas.implementation(), cachedPerRow, validation,
        progress.warnings());
  }

  /**
   * A warning when C was chosen from data at an end of the searched grid in some fits: the
   * held-out score may have gone on improving beyond it (or, by error, tied along a plateau
   * that reaches it).
   */
  static java.util.Optional<String> rangeEnds(List<Fit> fits, linprobe.plan.CSelection sel) {
    if (sel == null) return java.util.Optional.empty();
    int last = sel.size() - 1;
    long chosen = 0, low = 0, high = 0;
    for (Fit f : fits) {
      if (!"cv".equals(f.cSource()) && !"validation".equals(f.cSource())) continue;
      chosen++;
      int j = sel.index(f.c());
      if (j == 0) low++;
      else if (j == last) high++;
    }
    if (low + high == 0) return java.util.Optional.empty();
    List<String> ends = new ArrayList<>();
    if (low > 0) ends.add(low + " at " + cText(sel.c(0)) + ", the strongest regularization");
    if (high > 0) ends.add(high + " at " + cText(sel.c(last)) + ", the weakest");
    return java.util.Optional.of("C was chosen at an end of the searched range in " + (low + high)
        + " of " + Progress.count(chosen, "fit") + " where it was chosen ("
        + String.join("; ", ends) + "; fits.csv, column c, says which): the best C may lie "
        + "beyond it; widen --lr-c-range");
  }

  /**
   * A warning when C is chosen by cross-validation on all and some class has a single row
   * (while others have more, else all falls back): the fold model that holds that row out never
   * saw the class, and scores the row with a loss that grows with C and weighs on the choice.
   */
  static java.util.Optional<String> singleRowClasses(CurveOptions o, long[] counts,
      List<Object> classes) {
    if (o.selection() == null || o.validationSelect() || !o.models().contains(Model.LR)
        || Arrays.stream(counts).allMatch(n -> n <= 1)) {
      return java.util.Optional.empty();
    }
    List<String> single = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] == 1) single.add("'" + classes.get(c) + "'");
    }
    if (single.isEmpty()) return java.util.Optional.empty();
    String named = single.size() <= 3 ? String.join(", ", single)
        : String.join(", ", single.subList(0, 3)) + ", ...";
    return java.util.Optional.of((single.size() == 1 ? "class " + named + " has"
        : single.size() + " classes (" + named + ") have") + " a single training row: "
        + "choosing C for all, the fold model that holds such a row out never saw its class, "
        + "and its loss there, which grows with C, weighs on the choice");
  }

  /**
   * The rows of a chain's subsets [from, to) whose fits are still to make (not among the
   * recorded ones, by file name): the work the time-left estimates count.
   */
  static long workToDo(LrChain chain, int from, int to, java.util.Set<String> recorded) {
    long w = 0;
    for (int i = from; i < to; i++) {
      Subset s = chain.subsets().get(i);
      if (!FitStore.isRecorded(recorded, s)) w += s.rows();
    }
    return w;
  }

  /** A C as people read it: 0.5, 316 (3 digits), and the far ends as 1.0e-04, 1.0e+04. */
  static String cText(double c) {
    return c >= 1e-3 && c < 1e4 ? linprobe.curve.GrowthLaw.sig3(c)
        : String.format(java.util.Locale.ROOT, "%.1e", c);
  }

  /**
   * For every comparison of lr with a naive Bayes model that has one pair at a size ("all", or
   * every size of a one-seed run): the test rows only lr classifies correctly and those only
   * the naive Bayes model does, by naive Bayes model and shots (McNemar's test decides such a
   * size). One more pass over the cached test blocks, for the groups those models are scored
   * in; none when there is no such size. The counts must agree with the two errors (their
   * difference is the difference of misclassified rows), or the run fails.
   *
   * @param fits scored fits, in the order of models
   * @param test the test blocks, still cached
   */
  private Map<String, Map<Integer, long[]>> discordant(List<Fit> fits, List<LinearModel> models,
      Embeddings test, boolean float32) {
    Map<String, Map<Integer, Map<Long, Integer>>> index = new HashMap<>();
    for (int i = 0; i < fits.size(); i++) {
      Fit f = fits.get(i);
      index.computeIfAbsent(f.model(), x -> new java.util.TreeMap<>())
          .computeIfAbsent(f.shots(), x -> new java.util.TreeMap<>()).put(f.seed(), i);
    }
    Map<Integer, Map<Long, Integer>> lr = index.get(Model.LR.id);
    List<int[]> pairs = new ArrayList<>();
    List<String> pairModel = new ArrayList<>();
    if (lr != null) {
      for (var nb : index.entrySet()) {
        if (nb.getKey().equals(Model.LR.id)) continue;
        for (var e : lr.entrySet()) {
          Map<Long, Integer> other = nb.getValue().get(e.getKey());
          if (other == null) continue;
          List<Long> common = e.getValue().keySet().stream().filter(other::containsKey)
              .toList();
          if (common.size() != 1) continue;
          pairs.add(new int[] {e.getValue().get(common.get(0)), other.get(common.get(0))});
          pairModel.add(nb.getKey());
        }
      }
    }
    Map<String, Map<Integer, long[]>> out = new HashMap<>();
    if (pairs.isEmpty()) return out;
    boolean[] wanted = new boolean[models.size()];
    for (int[] p : pairs) wanted[p[0]] = wanted[p[1]] = true;
    progress.stage("McNemar's test for " + Progress.count(pairs.size(), "comparison")
        + " of one fit: which test rows each model gets right");
    java.util.BitSet[] right = ScoringPass.correctRows(test, models, float32, wanted);
    long rows = test.rows();
    for (int j = 0; j < pairs.size(); j++) {
      int l = pairs.get(j)[0], n = pairs.get(j)[1];
      java.util.BitSet lrOnly = (java.util.BitSet) right[l].clone();
      lrOnly.andNot(right[n]);
      java.util.BitSet nbOnly = (java.util.BitSet) right[n].clone();
      nbOnly.andNot(right[l]);
      long b = lrOnly.cardinality(), c = nbOnly.cardinality();
      long lrWrong = Math.round(fits.get(l).error() * rows);
      long nbWrong = Math.round(fits.get(n).error() * rows);
      if (b - c != nbWrong - lrWrong || rows - right[l].cardinality() != lrWrong) {
        throw new IllegalStateException("McNemar's counts disagree with the errors at "
            + Fit.shotsLabel(fits.get(l).shots()) + " shots (" + b + " rows only lr, " + c
            + " only " + fits.get(n).model() + ", against " + lrWrong + " and " + nbWrong
            + " misclassified)");
      }
      out.computeIfAbsent(pairModel.get(j), x -> new HashMap<>())
          .put(fits.get(l).shots(), new long[] {b, c});
    }
    return out;
  }

  /**
   * A fit whose test error or log-loss is not a number (a model with NaN or infinite weights)
   * fails the run: no table, picture or verdict is ever written from it.
   */
  static Fit requireFinite(Fit f) {
    if (!Double.isFinite(f.error()) || !Double.isFinite(f.logloss())
        || !Double.isFinite(f.balancedError())) {
      throw new IllegalStateException(f.model() + " at " + Fit.shotsLabel(f.shots())
          + " shots, seed " + f.seed() + ", scored the test rows to a non-finite error, log-loss "
          + "or balanced error (" + f.error() + ", " + f.logloss() + ", " + f.balancedError()
          + "): no table is written from it; features of extreme scale (try --scaling "
          + "standard) or a very large --lr-c can cause it");
    }
    return f;
  }

  /** The next subset's statistics from the naive Bayes pass, which come in subset order. */
  private static NaiveBayesPass.SubsetStats next(
      java.util.Iterator<NaiveBayesPass.SubsetStats> grid, SubsetId id) {
    NaiveBayesPass.SubsetStats s = grid.next();
    boolean same = id instanceof SubsetId.Sampled sm
        ? s.seedIndex() == sm.seedIndex() && s.bucket() == sm.bucket() : s.seedIndex() < 0;
    if (!same) {
      throw new IllegalStateException("naive Bayes statistics out of order: " + s.seedIndex()
          + "/" + s.bucket() + " for " + id.key());
    }
    return s;
  }

  private FitResult naiveBayes(Model m, Subset subset, GaussianStats[] stats) {
    long t = System.currentTimeMillis();
    LinearModel model = m == Model.NB
        ? NaiveBayes.sharedVariance(stats, subset.scaler(), o.nbEpsilon())
        : NaiveBayes.perClassVariance(stats, subset.scaler(), PERCLASS_VAR_SMOOTHING);
    return FitResult.closedForm(m.id, subset, model, System.currentTimeMillis() - t);
  }

  /**
   * Logistic regression for every subset, returned in the subsets' order: one chain of nested
   * fits per seed, plus "all". The prefix of every chain that fits one task's memory runs inside
   * Spark tasks, all chains in one job; the rest by distributed L-BFGS on the driver, continuing
   * the chain.
   */
  private List<FitResult> fitLogistic(JavaRDD<RowBlock> bucketed, List<Subset> subsets, int k,
      int d, ValidationRows validation) {
    LrChain.Settings settings = new LrChain.Settings(k, d, o.lrC(), o.lrMaxIter(), o.lrTol(),
        o.lrWarmStart(), o.selection(), o.lrFloat32(k, d));
    Blas.warning(spark.sparkContext().isLocal()).ifPresent(progress::warn);
    Blas.threadsWarning(spark.sparkContext().isLocal()).ifPresent(progress::warn);
    long budget = localFitBudget();
    List<LogisticPass.Split> splits = new ArrayList<>();
    int inTask = 0;
    long distributedWork = 0;
    // the estimates of time left count only the fits still to make: not those --resume reads
    java.util.Set<String> kept = store == null || !o.resume() ? java.util.Set.of()
        : store.recorded();
    for (LrChain chain : LrChain.of(subsets, settings)) {
      LogisticPass.Split split = new LogisticPass.Split(chain, chain.prefixWithin(budget));
      splits.add(split);
      inTask += split.inTask();
      distributedWork += workToDo(chain, split.inTask(), chain.size(), kept);
    }
    progress.start(subsets.size(), 0);
    long t0 = System.nanoTime();
    double cpu0 = processCpuSeconds();
    Map<SubsetId, FitResult> done = new HashMap<>();
    List<List<FitResult>> inTasks = List.of();
    if (inTask > 0) {
      progress.stage("logistic regression: " + inTask + " fits inside Spark tasks (those whose "
          + "subsets fit in --local-fit-mb, " + (budget >> 20) + " MiB here)");
      List<LogisticPass.Split> withFits = splits.stream().filter(x -> x.inTask() > 0).toList();
      progress.chainsStart(withFits.size(), withFits.stream()
          .mapToDouble(x -> workToDo(x.chain(), 0, x.inTask(), kept)).sum());
      inTasks = LogisticPass.fitInTasks(bucketed, splits, validation, store, !o.quiet(), t -> {
        LogisticPass.Split sp = splits.get(t);
        if (sp.inTask() > 0) progress.chainEnded(workToDo(sp.chain(), 0, sp.inTask(), kept));
      });
      for (List<FitResult> chainFits : inTasks) {
        for (FitResult f : chainFits) {
          done.put(f.subset().id(), f);
          progress.fitted(f, 0);
        }
      }
    }
    progress.estimateFrom(distributedWork);
    LogisticPass.OnCluster onCluster = new LogisticPass.OnCluster(bucketed, k, d, validation);
    for (int t = 0; t < splits.size(); t++) {
      LrChain chain = splits.get(t).chain();
      int from = splits.get(t).inTask();
      FitResult previous = from > 0 ? inTasks.get(t).get(from - 1) : null;
      for (int j = from; j < chain.size(); j++) {
        FitResult f = chain.fit(j, j + 1, onCluster, previous, store, false).get(0);
        previous = f;
        done.put(f.subset().id(), f);
        progress.fitted(f, FitStore.isRecorded(kept, f.subset()) ? 0 : f.subset().rows());
      }
    }
    List<FitResult> out = subsets.stream().map(s -> done.get(s.id())).toList();
    // in local mode this JVM is the executors too: its CPU time is the fits'
    double cpu = spark.sparkContext().isLocal() ? processCpuSeconds() - cpu0 : Double.NaN;
    progress.stage(work(out, k, d, (System.nanoTime() - t0) / 1e9, cpu));
    return out;
  }

  /**
   * Where the logistic regressions' time went: the rows their loss and gradient evaluations
   * summed, the flops of the two GEMMs each costs (4 k d a row, the rest is lower order) and
   * their rate over the stage's wall time, and per CPU second when the CPU time is known (not
   * NaN).
   */
  static String work(List<FitResult> fits, int k, int d, double seconds, double cpuSeconds) {
    long rows = 0;
    for (FitResult f : fits) rows += f.evaluatedRows();
    double gflop = 4.0 * k * d * rows / 1e9;
    String perCpu = Double.isNaN(cpuSeconds) || cpuSeconds <= 0 ? ""
        : String.format(java.util.Locale.ROOT, " (%.0f s of CPU: %.1f GFLOP per CPU second)",
            cpuSeconds, gflop / cpuSeconds);
    return String.format(java.util.Locale.ROOT, "logistic regression: %d fits in %.1f s; loss and "
        + "gradient over %,d rows in all, %.0f GFLOP in their GEMMs: %.1f GFLOP/s%s",
        fits.size(), seconds, rows, gflop, gflop / Math.max(seconds, 1e-9), perCpu);
  }

  /** This JVM's CPU time, every thread, in seconds (NaN where the JVM does not tell). */
  private static double processCpuSeconds() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
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

  /**
   * Cores of one executor: spark.executor.cores, or where it is unset (a standalone cluster's
   * executors take every core of their worker) the cluster's cores over its executors.
   */
  static int executorCores(org.apache.spark.SparkContext sc) {
    return executorCores(sc.getConf().getInt("spark.executor.cores", -1),
        sc.statusTracker().getExecutorInfos().length - 1, // less the driver
        sc.defaultParallelism());
  }

  /**
   * @param configured spark.executor.cores, or -1 when unset
   * @param executors the executors registered
   * @param clusterCores the scheduler's default parallelism: the cores of those executors
   */
  static int executorCores(int configured, int executors, int clusterCores) {
    if (configured >= 0) return Math.max(1, configured);
    return executors < 1 ? 1 : Math.max(1, clusterCores / executors);
  }

  private long uncappedLocalFitBudget() {
    if (o.localFitMb() >= 0) return (long) o.localFitMb() << 20;
    var sc = spark.sparkContext();
    long perTask;
    if (sc.isLocal()) {
      perTask = Runtime.getRuntime().maxMemory() / Math.max(1, sc.defaultParallelism());
    } else {
      int cores = executorCores(sc) / Math.max(1, sc.getConf().getInt("spark.task.cpus", 1));
      perTask = ((long) sc.executorMemory() << 20) / Math.max(1, cores);
    }
    return perTask / 2 / 3;
  }

  /**
   * What makes two runs' fits interchangeable: the training rows themselves (a digest from the
   * profile pass, so other files at the same path are other data), facts of the input tables,
   * the grid as resolved against them, and every setting that can change a fit
   * (CurveOptions.fitSettings()), --lr-gemm as resolved for the model's shape and whether the
   * fold fits that choose C follow it (auto's rule, and theirs, have changed between builds:
   * fits of another precision are other numbers), and the chunking of the rows' sums
   * (FoldChunks: another chunking, other bits). v4: all's folds stratified by rank (c7e55c0); v5: a
   * line per fact, named; v6: ties in held-out error go to the lower held-out log-loss (96c3dee),
   * another C where error chooses.
   */
  private String fingerprint(EmbeddingSource.Profile train, EmbeddingSource.Profile test,
      EmbeddingSource.Profile validation, int[] shots, boolean includeAll) {
    // one "what: value" a line, so that a refused --resume can name what changed (FitStore)
    List<String> lines = new ArrayList<>(List.of("linprobe fits v6",
        "train rows: " + Long.toHexString(train.digest()),
        "train class counts: " + Arrays.toString(train.counts()),
        "test class counts: " + Arrays.toString(test.counts()),
        "classes: " + train.labels(), "dimension: " + train.dim(),
        "shots: " + Arrays.toString(shots) + (includeAll ? " and all" : "")));
    addSettings(lines, o.fitSettings());
    lines.add("lr float32: " + o.lrFloat32(train.labels().size(), train.dim())
        + (o.selection() != null && !o.validationSelect() ? ", cv fold fits too" : ""));
    lines.add("lr chunks: at least " + FoldChunks.MIN_ROWS + " rows gathered across blocks");
    lines.add("linprobe version: " + Version.get());
    // the validation table's rows decide every C: other rows at its path are another run
    if (validation != null) {
      lines.add("validation rows: " + Long.toHexString(validation.digest()) + " "
          + Arrays.toString(validation.counts()));
    }
    return String.join("\n", lines);
  }

  /** Settings (CurveOptions' groups) as record lines, "--lr-c: 1.0", as the flag reads. */
  private static void addSettings(List<String> lines, Map<String, Object> groups) {
    for (Object group : groups.values()) {
      ((Map<?, ?>) group).forEach((key, value) -> lines.add("--"
          + String.valueOf(key).replace('_', '-') + ": " + value));
    }
  }

  /**
   * A validation table must be like train: same dimension, and every training class present
   * (each C is scored on every class); a class train lacks is refused when it is laid out.
   */
  private void checkValidationTable(EmbeddingSource source, EmbeddingSource.Profile v,
      EmbeddingSource.Profile train, List<Object> classes) {
    if (v.dim() != train.dim()) {
      throw new LinprobeException("train embeddings have dimension " + train.dim()
          + " but validation embeddings have " + v.dim()
          + ": both must come from the same model and layer");
    }
    var conf = spark.sparkContext().hadoopConfiguration();
    if (FileSystems.overlap(o.validation(), o.train(), conf)) {
      throw new LinprobeException("--validation shares files with the training table ("
          + o.validation() + ", " + o.train()
          + "): C would be chosen on the rows it is fitted on; give a held-out table, or "
          + "--validation-fraction F to hold rows out of train");
    }
    if (FileSystems.overlap(o.validation(), o.test(), conf)) {
      progress.warn("validation and test share files (" + o.test() + "): C is chosen "
          + "on the test rows, so the test error is optimistic");
    }
    long[] perClass = source.classCounts(v, classes, "validation");
    List<Object> missing = new ArrayList<>();
    for (int c = 0; c < perClass.length; c++) if (perClass[c] == 0) missing.add(classes.get(c));
    if (!missing.isEmpty()) {
      List<String> names = missing.stream().limit(5).map(l -> "'" + l + "'").toList();
      throw new LinprobeException("validation data at " + o.validation() + " has no rows of "
          + "training class" + (missing.size() == 1 ? " " : "es ") + String.join(", ", names)
          + (missing.size() > 5 ? " (and " + (missing.size() - 5) + " more)" : "")
          + ": every class needs validation rows to choose C on; add them, or use "
          + "--validation-fraction F to hold rows out of train");
    }
  }

  /** Bytes Spark's block manager holds for a cached RDD (memory and disk). */
  private long cachedBytes(int rddId) {
    for (var info : spark.sparkContext().getRDDStorageInfo()) {
      if (info.id() == rddId) return info.memSize() + info.diskSize();
    }
    return 0;
  }

  private static void checkShots(int[] shots, List<Object> classes, long[] counts,
      boolean heldOut) {
    if (shots.length == 0) return;
    int max = shots[shots.length - 1];
    int worst = -1;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] < max && (worst < 0 || counts[c] < counts[worst])) worst = c;
    }
    if (worst >= 0) {
      throw new LinprobeException("class '" + classes.get(worst) + "' has only " + counts[worst]
          + " training rows" + (heldOut ? " once the validation rows are held out" : "")
          + ", fewer than the " + max + " shots requested: lower --shots to at most "
          + counts[worst] + " (or use 'all')");
    }
  }

  private static long min(long[] v) {
    return Arrays.stream(v).min().orElse(0);
  }
}
