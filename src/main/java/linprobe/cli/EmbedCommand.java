package linprobe.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import linprobe.embed.SentenceModel;
import linprobe.spark.OutputDir;
import linprobe.spark.Sessions;
import linprobe.spark.Progress;
import linprobe.spark.TextEmbedding;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "embed", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.VersionInfo.class,
    description = {"Embed a text column with a pre-trained sentence model, inside Spark tasks, "
        + "and write Parquet that curve reads: the id and label columns as they were and "
        + "embedding (array<float>), rows in input order. The model ships inside the jar "
        + "(all-minilm-l6-v2-q: sentence-transformers all-MiniLM-L6-v2, quantized ONNX, 384 "
        + "dimensions, mean pooling, unit norm), runs on ONNX Runtime in-process, one copy per "
        + "executor; nothing is downloaded."})
public final class EmbedCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "Table to read: Parquet, CSV with a header, or JSON lines (by extension, "
          + "or --format); a file or a directory, on any Hadoop path.")
  String input;

  @Option(names = "--text-col", paramLabel = "NAME",
      description = "Column of texts to embed (default: text).")
  String textCol = "text";

  @Option(names = "--out", required = true, paramLabel = "PATH", description = "Parquet output.")
  String out;

  @Option(names = "--label-col", paramLabel = "NAME",
      description = "Column kept as the label (default: label, if the input has it).")
  String labelCol;

  @Option(names = "--id-col", paramLabel = "NAME",
      description = "Column kept as the id (default: id, if the input has it).")
  String idCol;

  @Option(names = "--model", paramLabel = "NAME",
      description = "Sentence model (default: all-minilm-l6-v2-q, the only one bundled).")
  String model = SentenceModel.DEFAULT;

  @Option(names = "--batch", paramLabel = "N",
      description = "Texts handed to the model at a time (default: 256).")
  int batch = 256;

  @Option(names = "--format", paramLabel = "FMT",
      description = "parquet, csv or json (default: from the extension of --input or its "
          + "files).")
  String format;

  @Option(names = "--partitions", paramLabel = "N",
      description = "Spark partitions, i.e. output files (default: four per core, more for "
          + "over 1,000 rows each). The vectors and their order do not depend on it.")
  int partitions;

  @Option(names = "--drop-invalid",
      description = "Skip rows whose text is null, empty or blank (and say how many) instead "
          + "of refusing the input.")
  boolean dropInvalid;

  @Mixin RunOptions run = new RunOptions();

  @Override
  public Integer call() throws Exception {
    TextEmbedding.Options o = new TextEmbedding.Options(input, format, textCol, labelCol, idCol,
        model, batch, partitions, dropInvalid);
    SparkSession spark = Sessions.getOrCreate("linprobe embed");
    Progress progress = new Progress(System.err, run.quiet);
    OutputDir dir = OutputDir.check(out, run.overwrite, spark.sparkContext().hadoopConfiguration(),
        java.util.Map.of("--input", input));
    TextEmbedding.Plan plan = null;
    double seconds;
    try {
      plan = TextEmbedding.plan(spark, o, progress);
      seconds = TextEmbedding.write(plan, dir.stagingPath("data"), progress);
      dir.commitFrom("data");
    } catch (Exception | Error e) {
      dir.abort();
      throw e;
    } finally {
      if (plan != null) plan.release();
    }
    if (!run.quiet) {
      System.err.println(String.format(Locale.ROOT,
          "linprobe: wrote %,d embeddings of '%s' (%s, %d dimensions)%s to %s in %.1fs "
              + "(%s rows/s); columns: %s", plan.rows(), textCol, plan.model(),
          SentenceModel.dimensionOf(plan.model()),
          plan.dropped() > 0 ? String.format(Locale.ROOT, ", %,d rows without text skipped",
              plan.dropped()) : "", dir.target(), seconds,
          Progress.rate(plan.rows() / Math.max(seconds, 1e-3)),
          String.join(", ", plan.kept()) + (plan.kept().isEmpty() ? "" : ", ") + "embedding"));
      if (plan.labelCol() == null) {
        System.err.println("linprobe: no label column was kept (the input has no 'label'): "
            + "name one with --label-col for curve");
      } else if (!plan.labelCol().equals("label")) {
        System.err.println("linprobe: curve reads it with --label-col " + plan.labelCol());
      }
    }
    return Main.EXIT_OK;
  }
}
