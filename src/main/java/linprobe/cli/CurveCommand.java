package linprobe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import linprobe.CurveOptions;
import linprobe.LinProbe;
import linprobe.LinprobeException;
import linprobe.TransientFailure;
import linprobe.spark.Sessions;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linprobe curve}: the options are {@link CurveOptions}' settings, one flag each, named
 * as the setting; their help text and defaults come from {@link CurveOptions.Setting} (through
 * {@link CurveHelp}), so an option left unset here takes the built-in default there.
 */
@Command(name = "curve", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.VersionInfo.class,
    resourceBundle = "linprobe.cli.CurveHelp",
    // picocli shows --train, --test and --out as optional: any of them may come from --config
    customSynopsis = {"linprobe curve --train=PATH --test=PATH --out=DIR [OPTIONS]",
        "       (any option may come from a --config file or spark.linprobe.* instead)"},
    description = {"Fit naive Bayes and logistic regression on nested training subsets of "
        + "growing size for several seeds, score them on the test set, and write learning-curve "
        + "tables to --out (fits.csv, curve.csv, per_class.csv, comparison.csv, curve.md, "
        + "summary.json, report.html, learning_curve, logloss_curve and chosen_c (when C is "
        + "chosen) as .png and .svg, Parquet fits/, curve/ and per_class/, _SUCCESS last). "
        + "Prints curve.md at the end."})
public final class CurveCommand implements Callable<Integer> {
  // unset options stay null: CurveOptions.builder() holds the defaults
  @Option(names = "--train", paramLabel = "PATH")
  String train;

  @Option(names = "--test", paramLabel = "PATH")
  String test;

  @Option(names = "--out", paramLabel = "DIR")
  String out;

  @Option(names = "--validation", paramLabel = "PATH")
  String validation;

  @Option(names = "--validation-fraction", paramLabel = "F")
  Double validationFraction;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file of defaults, keys are flag names (lr-c = 0.5). Precedence: "
          + "flag > Spark conf spark.linprobe.<flag> > this file > built-in defaults.")
  String config;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--features-col", paramLabel = "NAME")
  String featuresCol;

  @Option(names = "--label-col", paramLabel = "NAME")
  String labelCol;

  @Option(names = "--id-col", paramLabel = "NAME")
  String idCol;

  @Option(names = "--models", paramLabel = "LIST")
  String models;

  @Option(names = "--shots", paramLabel = "LIST")
  String shots;

  @Option(names = "--seeds", paramLabel = "N")
  Integer seeds;

  @Option(names = "--seed-list", paramLabel = "LIST",
      description = "Explicit seeds, e.g. 3,7,11 (instead of --seeds).")
  String seedList;

  @Option(names = "--scaling", paramLabel = "KIND")
  String scaling;

  @Option(names = "--lr-c", paramLabel = "C|auto")
  String lrC;

  @Option(names = "--select", paramLabel = "cv|validation")
  String select;

  @Option(names = "--lr-c-range", paramLabel = "LO..HI")
  String lrCRange;

  @Option(names = "--lr-c-patience", paramLabel = "STEPS")
  Integer lrCPatience;

  @Option(names = "--select-metric", paramLabel = "METRIC")
  String selectMetric;

  @Option(names = "--lr-c-fallback", paramLabel = "C")
  Double lrCFallback;

  @Option(names = "--lr-max-iter", paramLabel = "N")
  Integer lrMaxIter;

  @Option(names = "--lr-tol", paramLabel = "T")
  Double lrTol;

  @Option(names = "--lr-cv-tol", paramLabel = "T")
  Double lrCvTol;

  @Option(names = "--nb-epsilon", paramLabel = "E")
  Double nbEpsilon;

  @Option(names = "--epsilon", paramLabel = "E")
  Double epsilon;

  @Option(names = "--lr-gemm", paramLabel = "PRECISION")
  String lrGemm;

  @Option(names = "--score-gemm", paramLabel = "PRECISION")
  String scoreGemm;

  @Option(names = "--lr-warm-start")
  Boolean lrWarmStart;

  @Option(names = "--local-fit-mb", paramLabel = "MB")
  Integer localFitMb;

  @Option(names = "--partitions", paramLabel = "N")
  Integer partitions;

  @Option(names = "--drop-invalid")
  Boolean dropInvalid;

  @picocli.CommandLine.Mixin RunOptions run = new RunOptions();

  @Option(names = "--resume")
  Boolean resume;

  @Option(names = "--title", paramLabel = "TEXT")
  String title;

  CurveOptions options() {
    if (spec != null && spec.defaultValueProvider() instanceof LayeredDefaults d) {
      java.util.Set<String> flags = new java.util.HashSet<>();
      for (var opt : spec.options()) flags.add(opt.longestName().replaceFirst("^--", ""));
      d.checkKeys(flags);
    }
    List<String> missing = new ArrayList<>();
    if (train == null) missing.add("--train");
    if (test == null) missing.add("--test");
    if (out == null) missing.add("--out");
    if (!missing.isEmpty()) {
      throw new LinprobeException("missing " + String.join(", ", missing)
          + (missing.size() == 1 ? ": give it as a flag" : ": give them as flags")
          + " (or spark.linprobe.* settings, or in --config)");
    }
    CurveOptions.Builder b = CurveOptions.builder().train(train).test(test).out(out)
        .overwrite(run.overwrite).quiet(run.quiet);
    if (validation != null) b.validation(validation);
    if (validationFraction != null && validationFraction.isNaN()) { // the API's "not set"
      throw new LinprobeException("--validation-fraction must be between 0 and 1 (exclusive), "
          + "got NaN");
    }
    if (validationFraction != null) b.validationFraction(validationFraction);
    if (featuresCol != null) b.featuresCol(featuresCol);
    if (labelCol != null) b.labelCol(labelCol);
    if (idCol != null) b.idCol(idCol);
    if (dropInvalid != null) b.dropInvalid(dropInvalid);
    if (models != null) b.models(models);
    if (shots != null) b.shots(shots);
    if (seeds != null) b.seeds(seeds);
    if (seedList != null) b.seedList(seedList);
    if (scaling != null) b.scaling(scaling);
    if (lrC != null) b.lrC(lrC);
    if (select != null) b.select(select);
    if (lrCRange != null) b.lrCRange(lrCRange);
    if (lrCPatience != null) b.lrCPatience(lrCPatience);
    if (selectMetric != null) b.selectMetric(selectMetric);
    if (lrCFallback != null) b.lrCFallback(lrCFallback);
    if (lrMaxIter != null) b.lrMaxIter(lrMaxIter);
    if (lrTol != null) b.lrTol(lrTol);
    if (lrCvTol != null) b.lrCvTol(lrCvTol);
    if (lrGemm != null) b.lrGemm(lrGemm);
    if (scoreGemm != null) b.scoreGemm(scoreGemm);
    if (lrWarmStart != null) b.lrWarmStart(lrWarmStart);
    if (nbEpsilon != null) b.nbEpsilon(nbEpsilon);
    if (partitions != null) b.partitions(partitions);
    if (localFitMb != null) b.localFitMb(localFitMb);
    if (epsilon != null) b.epsilon(epsilon);
    if (resume != null) b.resume(resume);
    if (title != null) b.title(title);
    try {
      if (seeds != null && seedList != null) {
        throw new LinprobeException("give --seeds or --seed-list, not both");
      }
      return b.build();
    } catch (LinprobeException e) {
      throw blamed(e);
    }
  }

  /**
   * e with the place its value came from when the flag it names was not typed but came from
   * --config or spark.linprobe.* (a bad option value, or a path the run cannot use).
   */
  private LinprobeException blamed(LinprobeException e) {
    String message = blamed(e.getMessage());
    return message.equals(e.getMessage()) ? e : new LinprobeException(message, e);
  }

  private TransientFailure blamed(TransientFailure e) {
    String message = blamed(e.getMessage());
    return message.equals(e.getMessage()) ? e : new TransientFailure(message, e);
  }

  /** message, with where the value of the flag it names came from when it was not typed. */
  private String blamed(String message) {
    if (spec == null || !(spec.defaultValueProvider() instanceof LayeredDefaults d)) {
      return message;
    }
    return d.blame(message, spec.commandLine().getParseResult()::hasMatchedOption);
  }

  @Override
  public Integer call() throws Exception {
    CurveOptions o = options();
    try {
      return run(o);
    } catch (LinprobeException e) {
      throw blamed(e);
    } catch (TransientFailure e) {
      throw blamed(e); // a path from --config or spark.linprobe.* whose file system did not answer
    }
  }

  /** Runs a curve on this JVM's SparkSession and prints curve.md; shared with demo. */
  static int run(CurveOptions o) {
    SparkSession spark = Sessions.getOrCreate("linprobe curve");
    LinProbe.Result r = LinProbe.curve(spark, o);
    System.out.println(r.markdown());
    return Main.EXIT_OK;
  }
}
