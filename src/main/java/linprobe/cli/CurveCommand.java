package linprobe.cli;

import java.util.concurrent.Callable;
import linprobe.CurveOptions;
import linprobe.LinprobeException;
import linprobe.math.Scaler;
import linprobe.spark.CurveJob;
import linprobe.spark.CurveOutput;
import linprobe.spark.OutputDir;
import linprobe.spark.Progress;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "curve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fit naive Bayes and logistic regression on nested training subsets of "
        + "growing size for several seeds, score them on the test set, and write learning-curve "
        + "tables to --out (fits.csv, curve.csv, curve.md, summary.json, Parquet fits/ and "
        + "curve/, _SUCCESS last). Prints curve.md at the end."})
public final class CurveCommand implements Callable<Integer> {
  @Option(names = "--train", paramLabel = "PATH",
      description = "Training embeddings: Parquet file or directory, any Hadoop path (required).")
  String train;

  @Option(names = "--test", paramLabel = "PATH",
      description = "Test embeddings, same columns and dimension (required).")
  String test;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output directory (required); refused if it exists and is not empty (see "
          + "--overwrite).")
  String out;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file of defaults, keys are flag names (lr-c = 0.5). Precedence: "
          + "flag > Spark conf spark.linprobe.<flag> > this file > built-in defaults.")
  String config;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--features-col", paramLabel = "NAME",
      description = "Embedding column: array<float>, array<double> or ML vector (default: "
          + CurveOptions.DEFAULT_FEATURES_COL + ").")
  String featuresCol = CurveOptions.DEFAULT_FEATURES_COL;

  @Option(names = "--label-col", paramLabel = "NAME",
      description = "Label column: int, long or string; classes in sorted order (default: "
          + CurveOptions.DEFAULT_LABEL_COL + ").")
  String labelCol = CurveOptions.DEFAULT_LABEL_COL;

  @Option(names = "--id-col", paramLabel = "NAME",
      description = "Optional row id column for subset sampling; default: a hash of the row.")
  String idCol;

  @Option(names = "--models", paramLabel = "LIST",
      description = "nb (shared-variance Gaussian NB, the paper's), nb-perclass (per-class "
          + "variance, scikit-learn/MLlib style), lr (multinomial logistic regression) "
          + "(default: " + CurveOptions.DEFAULT_MODELS + ").")
  String models = CurveOptions.DEFAULT_MODELS;

  @Option(names = "--shots", paramLabel = "LIST",
      description = "Shots per class, stratified and nested within a seed, e.g. 1,2,5,10,all "
          + "(default: 1,2,5,10,20,50,... up to the smallest class, then all).")
  String shots;

  @Option(names = "--seeds", paramLabel = "N",
      description = "Seeds 0..N-1 (default: " + CurveOptions.DEFAULT_SEEDS + ").")
  Integer seeds;

  @Option(names = "--seed-list", paramLabel = "LIST", description = "Explicit seeds, e.g. 3,7,11.")
  String seedList;

  @Option(names = "--scaling", paramLabel = "KIND",
      description = "minmax, standard or none, fitted on each training subset only (default: "
          + CurveOptions.DEFAULT_SCALING + ").")
  String scaling = CurveOptions.DEFAULT_SCALING;

  @Option(names = "--lr-c", paramLabel = "C",
      description = "Inverse L2 strength, scikit-learn's C (default: 1.0).")
  double lrC = CurveOptions.DEFAULT_LR_C;

  @Option(names = "--lr-max-iter", paramLabel = "N",
      description = "L-BFGS iteration limit (default: " + CurveOptions.DEFAULT_LR_MAX_ITER + ").")
  int lrMaxIter = CurveOptions.DEFAULT_LR_MAX_ITER;

  @Option(names = "--lr-tol", paramLabel = "T",
      description = "L-BFGS relative tolerance (default: 1e-6).")
  double lrTol = CurveOptions.DEFAULT_LR_TOL;

  @Option(names = "--nb-epsilon", paramLabel = "E",
      description = "Absolute variance smoothing of nb (default: 1e-9).")
  double nbEpsilon = CurveOptions.DEFAULT_NB_EPSILON;

  @Option(names = "--epsilon", paramLabel = "E",
      description = "Tolerance for shots-to-within-epsilon of the asymptotic error "
          + "(default: 0.01).")
  double epsilon = CurveOptions.DEFAULT_EPSILON;

  @Option(names = "--lr-warm-start",
      description = "Start each size's logistic regression from the next-smaller size's solution "
          + "of the same seed (mapped into the new subset's scaling) instead of from zero.")
  boolean warmStart;

  @Option(names = "--local-fit-mb", paramLabel = "MB",
      description = "Largest training subset (MiB of float32 features) fitted inside one Spark "
          + "task; larger ones use distributed L-BFGS (default: a sixth of one task's share "
          + "of executor memory, as a fit holds its rows in float32 and a scaled double copy; "
          + "at most 8192, the double copy being one Java array).")
  Integer localFitMb;

  @Option(names = "--partitions", paramLabel = "N",
      description = "Canonical partitions of the data (default: one per 20,000 training rows "
          + "and one per 5,000 test rows). Results "
          + "are bit-identical for a given value whatever the input files or cores; other values "
          + "agree to rounding.")
  int partitions;

  @Option(names = "--drop-invalid",
      description = "Skip rows with null, NaN or infinite features (counted in summary.json).")
  boolean dropInvalid;

  @picocli.CommandLine.Mixin RunOptions run = new RunOptions();

  @Option(names = "--resume",
      description = "Continue an interrupted run into the same --out with the same inputs and "
          + "settings: fits recorded before the interruption are not refitted.")
  boolean resume;


  CurveOptions options() {
    if (spec != null && spec.defaultValueProvider() instanceof LayeredDefaults d) {
      java.util.Set<String> flags = new java.util.HashSet<>();
      for (var opt : spec.options()) flags.add(opt.longestName().replaceFirst("^--", ""));
      d.checkKeys(flags);
    }
    java.util.List<String> missing = new java.util.ArrayList<>();
    if (train == null) missing.add("--train");
    if (test == null) missing.add("--test");
    if (out == null) missing.add("--out");
    if (!missing.isEmpty()) {
      throw new LinprobeException("missing " + String.join(", ", missing)
          + ": give them as flags (or spark.linprobe.* settings, or in --config)");
    }
    CurveOptions o = new CurveOptions();
    o.train = train;
    o.test = test;
    o.out = out;
    o.featuresCol = featuresCol;
    o.labelCol = labelCol;
    o.idCol = idCol;
    o.models = CurveOptions.Model.parseList(models);
    if (shots != null) o.parseShots(shots);
    if (seeds != null && seedList != null) {
      throw new LinprobeException("give --seeds or --seed-list, not both");
    }
    if (seeds != null) {
      if (seeds < 1) throw new LinprobeException("--seeds must be at least 1, got " + seeds);
      o.seeds = CurveOptions.range(seeds);
    }
    if (seedList != null) o.seeds = parseSeeds(seedList);
    try {
      o.scaling = Scaler.Kind.parse(scaling);
    } catch (IllegalArgumentException e) {
      throw new LinprobeException(e.getMessage() + " (--scaling)");
    }
    o.lrC = lrC;
    o.lrMaxIter = lrMaxIter;
    o.lrTol = lrTol;
    o.nbEpsilon = nbEpsilon;
    o.epsilon = epsilon;
    o.partitions = partitions;
    o.warmStart = warmStart;
    if (localFitMb != null) {
      if (localFitMb < 0) throw new LinprobeException("--local-fit-mb must be >= 0");
      o.localFitMb = localFitMb;
    }
    o.dropInvalid = dropInvalid;
    o.overwrite = run.overwrite;
    o.resume = resume;
    o.quiet = run.quiet;
    o.validate();
    return o;
  }

  static long[] parseSeeds(String s) {
    String[] parts = s.split(",");
    long[] out = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Long.parseLong(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new LinprobeException("--seed-list value '" + parts[i].trim()
            + "' is not an integer: use e.g. 3,7,11");
      }
    }
    if (java.util.Arrays.stream(out).distinct().count() != out.length) {
      throw new LinprobeException("--seed-list has a repeated seed: each seed once");
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    return run(options());
  }

  /** Runs a curve and prints curve.md; shared with demo. */
  static int run(CurveOptions o) throws Exception {
    SparkSession spark = SparkSession.builder().appName("linprobe curve").getOrCreate();
    OutputDir dir = OutputDir.check(o.out, o.overwrite,
        spark.sparkContext().hadoopConfiguration());
    Progress progress = new Progress(System.err, o.quiet);
    try {
      CurveJob job = new CurveJob(spark, o, progress, dir.target());
      CurveJob.Result r = job.run();
      progress.stage("writing " + dir.target());
      CurveOutput.write(spark, dir, r, o);
      if (job.store() != null) job.store().delete();
      System.out.println(linprobe.curve.Tables.markdown(r.curve(), o.epsilon));
      progress.stage("done in " + (r.runtimeMs() / 1000) + "s; results in " + dir.target());
      return Main.EXIT_OK;
    } catch (Exception | Error e) {
      dir.abort();
      throw e;
    }
  }
}
