package linprobe.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import linprobe.LinprobeException;
import linprobe.embed.SentenceModel;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * Text to embeddings inside Spark tasks: reads a table (Parquet, CSV with a header, JSON lines),
 * checks its text column, and embeds it with a {@link SentenceModel} in mapPartitions, one model
 * per executor JVM, batch by batch. The output has the schema curve reads: the id and label
 * columns as they were, and {@code embedding array<float>}.
 *
 * <p>Deterministic: rows are numbered in input order (a directory's files in the order Spark
 * reads them, largest first) and cut into contiguous ranges, one per partition, sorted by
 * number within it, so the output files hold the rows in that order whatever the partitioning,
 * and each text's vector is computed alone (it does not depend on its batch or partition).
 */
public final class TextEmbedding {
  /** The largest --batch: a batch's rows and vectors are held in a task at once. */
  public static final int MAX_BATCH = 100_000;

  /** Name of the output's vector column (curve's default --features-col). */
  public static final String EMBEDDING = "embedding";
  /**
   * Rows per task when --partitions is not given: a few seconds of one core, so that progress
   * (counted as tasks finish) moves; at least four tasks per core for the same reason.
   */
  static final long ROWS_PER_TASK = 1_000;

  /**
   * What to embed. labelCol and idCol: the column to keep, or null for "label" and "id" when
   * the input has them (a column named explicitly must exist).
   *
   * @param format parquet, csv or json; null to tell it from the path's extension
   * @param partitions Spark partitions (output files); 0 for a multiple of the parallelism
   */
  public record Options(String input, String format, String textCol, String labelCol,
      String idCol, String model, int batch, int partitions, boolean dropInvalid) {
    public Options {
      if (input == null) throw new LinprobeException("--input is required");
      if (textCol == null || textCol.isEmpty()) throw new LinprobeException("--text-col is empty");
      if (batch < 1 || batch > MAX_BATCH) { // a batch's rows and vectors are held at once
        throw new LinprobeException("--batch must be 1 to " + MAX_BATCH + ", got " + batch);
      }
      if (partitions < 0) {
        throw new LinprobeException("--partitions must be 0 (the default: four per core) or "
            + "more, got " + partitions);
      }
      if (format != null && !List.of("parquet", "csv", "json").contains(format)) {
        throw new LinprobeException("unknown --format '" + format + "': use parquet, csv or json");
      }
      SentenceModel.check(model);
    }
  }

  /**
   * A checked input, ready to embed: its valid rows counted, the output's columns chosen.
   *
   * @param frame the embeddings (lazy: computed when written)
   * @param input the selected input rows, cached for the passes over them
   * @param idCol the id column kept, or null
   * @param labelCol the label column kept, or null
   * @param dropped rows skipped for having no text (only with --drop-invalid)
   */
  public record Plan(Dataset<Row> frame, JavaRDD<Row> input, long rows, long dropped,
      String idCol, String labelCol, String format, int partitions, LongAccumulator done,
      String model) {
    /** The input columns kept beside the embedding, in output order. */
    public List<String> kept() {
      List<String> k = new ArrayList<>();
      if (idCol != null) k.add(idCol);
      if (labelCol != null && !labelCol.equals(idCol)) k.add(labelCol);
      return k;
    }

    /** Drops the cached input rows. */
    public void release() {
      input.unpersist(false);
    }
  }

  private TextEmbedding() {}

  /** Reads and checks the input (one pass over it) and plans the embedding; writes nothing. */
  public static Plan plan(SparkSession spark, Options o, Progress progress) {
    String format = o.format() != null ? o.format() : formatOf(spark, o.input());
    progress.stage("reading " + o.input() + " (" + format + ")");
    Dataset<Row> df = read(spark, o.input(), format);
    StructField text = field(df, o.input(), o.textCol(), "--text-col", true);
    if (text.dataType() != DataTypes.StringType) {
      throw new LinprobeException("text column '" + o.textCol() + "' in " + o.input()
          + " has type " + text.dataType().simpleString() + ": name a column of strings with "
          + "--text-col");
    }
    StructField id = field(df, o.input(), o.idCol() != null ? o.idCol() : "id", "--id-col",
        o.idCol() != null);
    StructField label = field(df, o.input(), o.labelCol() != null ? o.labelCol() : "label",
        "--label-col", o.labelCol() != null);
    String idCol = id == null ? null : id.name(), labelCol = label == null ? null : label.name();
    List<String> kept = new ArrayList<>();
    if (idCol != null) kept.add(idCol);
    if (labelCol != null && !labelCol.equals(idCol)) kept.add(labelCol);
    if (kept.contains(EMBEDDING)) {
      throw new LinprobeException("the input's column '" + EMBEDDING + "' would be replaced by "
          + "the embeddings: keep another column as --id-col or --label-col, or rename it");
    }
    List<Column> cols = new ArrayList<>();
    for (String k : kept) cols.add(EmbeddingSource.column(k));
    cols.add(EmbeddingSource.column(o.textCol()));
    int textIndex = kept.size();
    JavaRDD<Row> rows = df.select(cols.toArray(new Column[0])).javaRDD();
    rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long[] counts = count(rows, textIndex, labelCol == null ? -1 : kept.indexOf(labelCol),
          format, o.input());
      long total = counts[0], nulls = counts[1], blank = counts[2], unlabelled = counts[3];
      if (counts[4] > 0) {
        progress.warn(Progress.count(counts[4], "text") + " in '" + o.textCol() + "' "
            + (counts[4] == 1 ? "holds" : "hold") + " bytes that are not UTF-8 (read as U+FFFD, "
            + "which the model drops): re-encode the input as UTF-8");
      }
      if (counts[5] > 0) {
        progress.warn(Progress.count(counts[5], "text") + " in '" + o.textCol() + "' "
            + (counts[5] == 1 ? "is" : "are") + " read by " + o.model() + " as unknown word "
            + "pieces only (a script its English vocabulary lacks, or emoji): such texts embed "
            + "alike whatever they say, so no probe can tell them apart");
      }
      if (total == 0) {
        throw new LinprobeException("input " + o.input() + " has no rows: point --input at a "
            + "non-empty table");
      }
      long invalid = nulls + blank;
      if (invalid > 0 && !o.dropInvalid()) {
        throw new LinprobeException("input has " + String.format(Locale.ROOT, "%,d", invalid)
            + " of " + String.format(Locale.ROOT, "%,d", total) + " rows with no text in '"
            + o.textCol() + "' (" + nulls + " null, " + blank + " empty or blank): fill them in, "
            + "or pass --drop-invalid to skip them");
      }
      long n = total - invalid;
      if (n == 0) {
        throw new LinprobeException("input " + o.input() + " has no row with a text in '"
            + o.textCol() + "': check --text-col");
      }
      if (invalid > 0) {
        progress.warn("skipping " + Progress.count(invalid, "row") + " with no text in '"
            + o.textCol() + "' (" + nulls + " null, " + blank + " empty or blank; "
            + "--drop-invalid)");
      }
      if (unlabelled > 0) {
        progress.warn(Progress.count(unlabelled, "row") + " of " + String.format(Locale.ROOT,
            "%,d", n) + " to embed " + (unlabelled == 1 ? "has" : "have") + " no label in '"
            + labelCol + "' (null): curve refuses them; fill them in or filter them out first");
      }
      JavaRDD<Row> valid = invalid == 0 ? rows
          : rows.filter(r -> SentenceModel.embeddable(r.getString(textIndex)));
      int parts = (int) Math.min(n, o.partitions() > 0 ? o.partitions()
          : defaultPartitions(n, spark.sparkContext().defaultParallelism()));
      JavaPairRDD<Long, Row> numbered = valid.zipWithIndex()
          .mapToPair(t -> new Tuple2<>(t._2(), t._1()))
          .repartitionAndSortWithinPartitions(new Contiguous(parts, n));
      LongAccumulator done = spark.sparkContext().longAccumulator("linprobe embedded rows");
      JavaRDD<Row> embedded = numbered.mapPartitions(
          new EmbedPartition(o.model(), o.batch(), textIndex, done));
      StructType schema = new StructType();
      for (String k : kept) schema = schema.add(df.schema().apply(k));
      schema = schema.add(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), false);
      return new Plan(spark.createDataFrame(embedded, schema), rows, n, invalid, idCol,
          labelCol, format, parts, done, o.model());
    } catch (RuntimeException e) {
      rows.unpersist(false);
      throw e;
    }
  }

  /**
   * Embeds and writes the plan's rows as Parquet at path, with progress (rows, rows/s, time
   * left) on stderr as tasks finish. Returns the seconds it took.
   */
  public static double write(Plan p, String path, Progress progress) {
    progress.stage(String.format(Locale.ROOT, "embedding %,d texts with %s in %d partitions",
        p.rows(), p.model(), p.partitions()));
    long t0 = System.currentTimeMillis();
    java.util.concurrent.atomic.AtomicLong shown = new java.util.concurrent.atomic.AtomicLong();
    Thread ticker = new Thread(() -> {
      long lastAt = t0;
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Thread.sleep(500);
          long now = System.currentTimeMillis(), d = p.done().value();
          if (d > shown.get() && d < p.rows() && now - lastAt >= 2_000) {
            progress.rows("embedded", d, p.rows(), t0);
            shown.set(d);
            lastAt = now;
          }
        }
      } catch (InterruptedException stop) {
        // the write finished or failed
      }
    }, "linprobe-embed-progress");
    ticker.setDaemon(true);
    ticker.start();
    try {
      p.frame().write().parquet(path);
    } catch (Exception e) { // SparkException is checked but thrown undeclared
      LinprobeException inTask = LinprobeException.causeOf(e);
      if (inTask != null && inTask != e) throw new LinprobeException(inTask.getMessage(), e);
      throw e;
    } finally {
      ticker.interrupt();
    }
    return (System.currentTimeMillis() - t0) / 1000.0;
  }

  /**
   * Default partition count: a multiple of the parallelism, at most ROWS_PER_TASK rows each and
   * at least four rounds of tasks.
   */
  static int defaultPartitions(long rows, int parallelism) {
    int par = Math.max(1, parallelism);
    long rounds = Math.max(4, (rows + par * ROWS_PER_TASK - 1) / (par * ROWS_PER_TASK));
    return (int) Math.min(Integer.MAX_VALUE, par * rounds);
  }

  /** parquet, csv or json, from the path's extension (or, for a directory, its files'). */
  static String formatOf(SparkSession spark, String input) {
    FileSystem fs;
    Path p = new Path(input);
    try {
      fs = FileSystems.of(p, spark.sparkContext().hadoopConfiguration(), "--input");
      FileSystems.requireExists(fs, p, "input " + input, "--input");
      String f = formatOfName(p.getName());
      if (f != null) return f;
      FileStatus st = fs.getFileStatus(p);
      if (st.isDirectory()) {
        String inside = formatInside(fs, p, 3);
        if (inside != null) return inside;
      }
    } catch (IOException | IllegalArgumentException e) {
      throw FileSystems.accessError("cannot access input " + input, e, "--input");
    }
    throw new LinprobeException("cannot tell the format of " + input + " from its name: pass "
        + "--format parquet, csv or json");
  }

  static String formatOfName(String name) {
    String n = withoutCompression(name);
    if (n.endsWith(".parquet") || n.endsWith(".parq")) return "parquet";
    if (n.endsWith(".csv")) return "csv";
    if (n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".ndjson")) return "json";
    return null;
  }

  /**
   * Whether a file's name says it is not format: an extension of another format (notes.txt),
   * not a name without one, as Hadoop and Hive write their parts (part-r-00000, 000000_0).
   */
  private static boolean namesOtherFormat(String name, String format) {
    String f = formatOfName(name);
    if (f != null) return !f.equals(format);
    return withoutCompression(name).lastIndexOf('.') > 0;
  }

  private static String withoutCompression(String name) {
    return name.toLowerCase(Locale.ROOT).replaceFirst("\\.(gz|bz2|zst|snappy|lz4)$", "");
  }

  private static String formatInside(FileSystem fs, Path dir, int depth) throws IOException {
    FileStatus[] children = fs.listStatus(dir);
    java.util.Arrays.sort(children);
    for (FileStatus c : children) {
      String name = c.getPath().getName();
      if (FileSystems.hidden(name)) continue;
      if (c.isFile()) {
        String f = formatOfName(name);
        if (f != null) return f;
      } else if (depth > 1) {
        String f = formatInside(fs, c.getPath(), depth - 1);
        if (f != null) return f;
      }
    }
    return null;
  }

  static Dataset<Row> read(SparkSession spark, String input, String format) {
    try {
      Path p = new Path(input);
      FileSystem fs = FileSystems.of(p, spark.sparkContext().hadoopConfiguration(), "--input");
      FileSystems.requireExists(fs, p, "input " + input, "--input");
      if (!format.equals("parquet")) {
        String parquet = parquetFile(fs, p);
        if (parquet != null) {
          throw new LinprobeException("input " + input + " is Parquet, not " + label(format)
              + " (" + parquet + " begins with PAR1): pass --format parquet, or leave --format "
              + "out");
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw FileSystems.accessError("cannot access input " + input, e, "--input");
    }
    // the path exists as written: glob characters in it ([1], {a}) are literal
    String literal = input.replaceAll("([\\[\\]{}*?])", "\\\\$1");
    DataFrameReader r = spark.read();
    try {
      Dataset<Row> df = switch (format) {
        // every column as written (text: ids 007 and 7 stay two ids, labels 01 stay 01), and
        // each file's header checked against the first's, never matched by position
        case "csv" -> r.option("header", "true").option("enforceSchema", "false")
            .option("multiLine", "true").option("escape", "\"").option("mode", "FAILFAST")
            .csv(literal);
        case "json" -> r.option("mode", "FAILFAST").json(literal);
        default -> r.parquet(literal);
      };
      df.schema(); // the footer, header or inferred schema: bad files fail here
      return df;
    } catch (Exception e) { // Spark throws SparkException, a checked exception, undeclared
      throw unreadable(input, format, e);
    }
  }

  /**
   * Input that Spark cannot read as format: its first line, and the files of a directory input
   * whose names say another format (a stray notes.txt among JSON lines), the likely cause.
   */
  private static LinprobeException unreadable(String input, String format, Exception e) {
    String others = "";
    try {
      Path p = new Path(input);
      FileSystem fs = p.getFileSystem(SparkSession.active().sparkContext().hadoopConfiguration());
      if (fs.getFileStatus(p).isDirectory()) {
        List<String> names = FileSystems.dataFiles(fs, p).stream().map(Path::getName)
            .filter(n -> namesOtherFormat(n, format)).limit(4).toList();
        if (!names.isEmpty()) {
          others = "; it also holds " + (names.size() > 3
              ? String.join(", ", names.subList(0, 3)) + ", ..." : String.join(", ", names))
              + ", not " + label(format) + " by " + (names.size() == 1 ? "its name: move it"
              : "their names: move them") + " out";
        }
      }
    } catch (IOException | RuntimeException x) {
      // the message without the listing
    }
    return new LinprobeException("cannot read input " + input + " as " + label(format) + ": "
        + EmbeddingSource.firstLine(rootOf(e)) + " (check --input, or name its format with "
        + "--format" + others + ")", e);
  }

  /** The name of p, or of its first data file when a directory, when that is Parquet; else null. */
  private static String parquetFile(FileSystem fs, Path p) throws IOException {
    Path file = p;
    if (fs.getFileStatus(p).isDirectory()) {
      file = FileSystems.dataFiles(fs, p).stream().findFirst().orElse(null);
      if (file == null) return null;
    }
    return EmbeddingSource.notParquet(fs, file) == null ? file.getName() : null;
  }

  private static String label(String format) {
    return format.equals("json") ? "JSON lines" : format.equals("csv") ? "CSV" : "Parquet";
  }

  private static Throwable rootOf(Throwable e) {
    Throwable r = e;
    while (r.getCause() != null && r.getCause() != r) r = r.getCause();
    return r;
  }

  /** The named column; null when it is absent and was not named explicitly. */
  private static StructField field(Dataset<Row> df, String input, String name, String flag,
      boolean required) {
    for (StructField f : df.schema().fields()) if (f.name().equals(name)) return f;
    if (!required) return null;
    if (df.columns().length == 0) {
      throw new LinprobeException("input " + input + " is empty: not even a header; point "
          + "--input at a table with a text column");
    }
    throw new LinprobeException("input " + input + " has no column '" + name + "' (columns: "
        + String.join(", ", df.columns()) + "): name the right one with " + flag);
  }

  /**
   * Rows, null texts, blank texts, rows with a text but a null label (labelIndex, or -1 for
   * none), texts with bytes that were not UTF-8, and texts the model reads as unknown pieces
   * only, in one job; a malformed file is the user's error.
   */
  private static long[] count(JavaRDD<Row> rows, int textIndex, int labelIndex, String format,
      String input) {
    try {
      return rows.mapPartitions(it -> {
        long[] c = new long[6];
        while (it.hasNext()) {
          Row r = it.next();
          c[0]++;
          if (r.isNullAt(textIndex)) {
            c[1]++;
            continue;
          }
          String text = r.getString(textIndex);
          if (text.indexOf('\uFFFD') >= 0) c[4]++; // bytes a UTF-8 reader could not decode
          if (!SentenceModel.embeddable(text)) {
            c[2]++;
            continue;
          }
          if (labelIndex >= 0 && r.isNullAt(labelIndex)) c[3]++;
          if (SentenceModel.unknownOnly(text)) c[5]++;
        }
        return java.util.Collections.singletonList(c).iterator();
      }).fold(new long[6], (a, b) -> {
        long[] sum = new long[a.length];
        for (int i = 0; i < sum.length; i++) sum[i] = a[i] + b[i];
        return sum;
      });
    } catch (Exception e) { // SparkException is checked but thrown undeclared
      String m = String.valueOf(rootOf(e).getMessage()) + " " + e.getMessage();
      if (m.contains("CSV header does not conform")
          || m.contains("Number of column in CSV header is not equal")) {
        List<String> facts = String.valueOf(rootOf(e).getMessage()).lines().map(String::strip)
            .filter(l -> l.startsWith("Header") || l.startsWith("Schema:")
                || l.startsWith("CSV file:")).toList();
        throw new LinprobeException("the CSV files of input " + input + " do not share one "
            + "header (" + String.join("; ", facts) + "): give every file the same columns "
            + "in the same order, or move the other files out", e);
      }
      if (m.contains("MALFORMED") || m.contains("Malformed") || m.contains("FAILED_READ_FILE")
          || m.contains("not a Parquet file")) {
        throw unreadable(input, format, e);
      }
      throw e instanceof RuntimeException re ? re : new RuntimeException(e);
    }
  }

  /** Row numbers 0..n-1 in contiguous ranges: partition i holds [i n / P, (i + 1) n / P). */
  static final class Contiguous extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int parts;
    private final long rows;

    Contiguous(int parts, long rows) {
      this.parts = parts;
      this.rows = rows;
    }

    @Override
    public int numPartitions() {
      return parts;
    }

    @Override
    public int getPartition(Object key) {
      long i = (Long) key;
      long p = i < Long.MAX_VALUE / parts ? i * parts / rows : (long) ((double) i * parts / rows);
      return (int) Math.min(parts - 1, p);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Contiguous c && c.parts == parts && c.rows == rows;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(rows * 31 + parts);
    }
  }

  /** One partition's rows (number, kept columns + text) to (kept columns + embedding). */
  static final class EmbedPartition
      implements FlatMapFunction<Iterator<Tuple2<Long, Row>>, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String model;
    private final int batch;
    private final int textIndex;
    private final LongAccumulator done;

    EmbedPartition(String model, int batch, int textIndex, LongAccumulator done) {
      this.model = model;
      this.batch = batch;
      this.textIndex = textIndex;
      this.done = done;
    }

    @Override
    public Iterator<Row> call(Iterator<Tuple2<Long, Row>> in) {
      SentenceModel m = SentenceModel.get(model);
      return new Iterator<>() {
        private final List<Row> ready = new ArrayList<>();
        private int next;

        @Override
        public boolean hasNext() {
          if (next < ready.size()) return true;
          if (!in.hasNext()) return false;
          fill();
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) throw new NoSuchElementException();
          return ready.get(next++);
        }

        private void fill() {
          ready.clear();
          next = 0;
          List<Tuple2<Long, Row>> rows = new ArrayList<>(batch);
          List<String> texts = new ArrayList<>(batch);
          while (in.hasNext() && rows.size() < batch) {
            Tuple2<Long, Row> t = in.next();
            rows.add(t);
            texts.add(t._2().getString(textIndex));
          }
          float[][] vectors = embed(m, rows, texts);
          for (int i = 0; i < vectors.length; i++) {
            Row r = rows.get(i)._2();
            Object[] values = new Object[textIndex + 1];
            for (int c = 0; c < textIndex; c++) values[c] = r.get(c);
            values[textIndex] = vectors[i];
            ready.add(RowFactory.create(values));
          }
          done.add(vectors.length);
        }
      };
    }

    /** The batch's vectors; a text the model refuses is named by its row number. */
    private static float[][] embed(SentenceModel m, List<Tuple2<Long, Row>> rows,
        List<String> texts) {
      try {
        return m.embed(texts);
      } catch (RuntimeException e) {
        for (int i = 0; i < texts.size(); i++) {
          try {
            m.embed(texts.get(i));
          } catch (RuntimeException bad) {
            throw new LinprobeException("text number " + rows.get(i)._1() + " (counting from "
                + "0, in input order, among the rows embedded) cannot be embedded: "
                + EmbeddingSource.firstLine(bad) + "; fix or remove it");
          }
        }
        throw e;
      }
    }
  }
}
