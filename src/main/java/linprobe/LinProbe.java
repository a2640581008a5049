package linprobe;

import java.io.IOException;
import java.io.UncheckedIOException;
import linprobe.curve.Tables;
import linprobe.spark.CurveJob;
import linprobe.spark.CurveOutput;
import linprobe.spark.FitStore;
import linprobe.spark.OutputDir;
import linprobe.spark.Progress;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Java API for notebooks and other drivers (Databricks, Zeppelin, spark-shell, py4j):
 * the same run as {@code linprobe curve} (which calls {@link #curve}), on the caller's
 * SparkSession, which it never stops.
 *
 * <pre>{@code
 * CurveOptions o = CurveOptions.builder()
 *     .train("dbfs:/emb/train").test("dbfs:/emb/test")
 *     .shots("1,2,5,10,all")
 *     .build();
 * LinProbe.Result r = LinProbe.curve(spark, o);   // no out(...): nothing written
 * r.curve().show();
 * }</pre>
 */
public final class LinProbe {
  private LinProbe() {}

  /**
   * The run's tables as Datasets (small, on the driver), the markdown table and summary.json.
   */
  public record Result(Dataset<Row> fits, Dataset<Row> curve, String markdown, String summaryJson,
      String verdict) {}

  /**
   * Runs a learning curve, with progress lines on stderr unless options.quiet(); writes the
   * output directory only when options.out() is set, completely or not at all (a failed run
   * leaves it as it was).
   */
  public static Result curve(SparkSession spark, CurveOptions options) {
    java.util.Map<String, String> inputs = new java.util.LinkedHashMap<>();
    inputs.put("--train", options.train());
    inputs.put("--test", options.test());
    inputs.put("--validation", options.validation());
    OutputDir dir = options.out() == null ? null : OutputDir.check(options.out(),
        options.overwrite(), options.resume(), spark.sparkContext().hadoopConfiguration(), inputs);
    Progress progress = new Progress(System.err, options.quiet());
    try {
      CurveJob job = new CurveJob(spark, options, progress, dir == null ? null : dir.target());
      if (dir != null && dir.complete()) job.finishedOutput(dir.readFinished(CurveJob.RECORD));
      CurveJob.Result r;
      try {
        r = job.run();
      } catch (CurveJob.AlreadyComplete done) {
        Result finished = finished(spark, dir, options.out());
        FitStore.deleteLeftover(dir.target(), job.fingerprint(),
            spark.sparkContext().hadoopConfiguration());
        dir.abort(); // releases the lock; the finished output stays as it is
        progress.say("output " + options.out() + " is already complete, from the same inputs, "
            + "data and settings: nothing to resume");
        return finished;
      }
      if (dir != null) {
        progress.stage("writing " + dir.target());
        dir.writeText(CurveJob.RECORD, job.record());
        CurveOutput.write(spark, dir, r, options);
        job.store().delete();
      }
      Result result = new Result(CurveOutput.fitsFrame(spark, r.fits()),
          CurveOutput.curveFrame(spark, r.curve()), Tables.markdown(r.curve(), options.epsilon()),
          CurveOutput.summaryJson(spark, r, options), Tables.verdict(r.curve()));
      progress.stage("done in " + (r.runtimeMs() / 1000) + "s"
          + (dir == null ? "" : "; results in " + dir.target()));
      return result;
    } catch (IOException e) {
      if (dir != null) dir.abort();
      throw new UncheckedIOException(e);
    } catch (Throwable e) { // Spark's checked exceptions too, thrown undeclared: the lock goes
      if (dir != null) dir.abort();
      throw e;
    }
  }

  /** The result a finished output holds: its tables, read back. */
  private static Result finished(SparkSession spark, OutputDir dir, String out)
      throws IOException {
    String summary = dir.readFinished("summary.json"), markdown = dir.readFinished("curve.md");
    for (String[] need : new String[][] {{"fits/_SUCCESS", dir.readFinished("fits/_SUCCESS")},
        {"curve/_SUCCESS", dir.readFinished("curve/_SUCCESS")}, {"summary.json", summary},
        {"curve.md", markdown}}) {
      if (need[1] == null) {
        throw new LinprobeException("output " + out + " is complete but lacks " + need[0]
            + " (changed since it was written?): pass --overwrite to run it again");
      }
    }
    java.util.function.Function<String, Dataset<Row>> table = name -> {
      Dataset<Row> read = spark.read().parquet(new org.apache.hadoop.fs.Path(dir.target(), name)
          .toString());
      return spark.createDataFrame(read.collectAsList(), read.schema());
    };
    var v = new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary).path("verdict");
    String verdict = v.isTextual() ? v.asText() : null; // none without naive Bayes
    return new Result(table.apply("fits"), table.apply("curve"), markdown, summary, verdict);
  }
}
