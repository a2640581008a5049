package linprobe.cli;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import linprobe.LinprobeException;
import linprobe.spark.FileSystems;
import linprobe.spark.OutputDir;
import linprobe.spark.Progress;
import linprobe.spark.Sessions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import-idx", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.VersionInfo.class,
    description = {"Convert IDX image and label files (MNIST format, optionally gzipped, e.g. "
        + "Debian's dataset-fashion-mnist) to Parquet embeddings that curve reads: columns id "
        + "(row index), label (int) and embedding (array<float>, pixels flattened row-major)."})
public final class ImportIdxCommand implements Callable<Integer> {
  @Option(names = "--images", required = true, paramLabel = "FILE", description = "IDX images.")
  String images;

  @Option(names = "--labels", required = true, paramLabel = "FILE", description = "IDX labels.")
  String labels;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Parquet output.")
  String out;

  @Option(names = "--overwrite", description = "Replace --out if it is a finished output.")
  boolean overwrite;

  @Option(names = "--verbose", description = "Stack traces on errors.")
  boolean verbose;

  static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType, false)
      .add("label", DataTypes.IntegerType, false)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  @Override
  public Integer call() throws Exception {
    // no line until the files are read: a file refused then gets its error line alone
    Progress progress = new Progress(System.err, false);
    int[] lab = readLabels(labels);
    List<Row> rows = new ArrayList<>(lab.length);
    String shape;
    try (DataInputStream in = open(images, "--images")) {
      int magic = in.readInt();
      if (magic != 0x00000803) {
        throw new LinprobeException(images + " is not an IDX ubyte image file (magic 0x"
            + Integer.toHexString(magic) + ", expected 0x803): check --images");
      }
      int n = in.readInt(), h = in.readInt(), w = in.readInt();
      if (h <= 0 || w <= 0 || (long) h * w > 1 << 24) {
        throw new LinprobeException(images + " says its images are " + Integer.toUnsignedString(h)
            + " x " + Integer.toUnsignedString(w) + " pixels: not an image size (a damaged "
            + "header?); check --images");
      }
      if (n != lab.length) {
        throw new LinprobeException(images + " has " + n + " images but " + labels + " has "
            + lab.length + " labels: pass matching files");
      }
      shape = h + " x " + w;
      byte[] px = new byte[h * w];
      for (int i = 0; i < n; i++) {
        readFully(in, px, images, "--images", i, n, px.length);
        float[] x = new float[px.length];
        for (int j = 0; j < px.length; j++) x[j] = px[j] & 0xff;
        rows.add(RowFactory.create((long) i, lab[i], x));
      }
      readEnd(in, images, "--images");
    }
    progress.stage(String.format(java.util.Locale.ROOT, "read %,d images of %s pixels from %s; "
        + "starting Spark", rows.size(), shape, images));
    SparkSession spark = Sessions.getOrCreate("linprobe import-idx");
    OutputDir dir = OutputDir.check(out, overwrite, spark.sparkContext().hadoopConfiguration(),
        java.util.Map.of("--images", FileSystems.local(images), "--labels",
            FileSystems.local(labels)));
    try {
      int slices = Math.max(1, rows.size() / 10_000);
      var rdd = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(rows, slices);
      progress.stage(String.format(java.util.Locale.ROOT, "writing %,d rows to %s",
          rows.size(), dir.target()));
      spark.createDataFrame(rdd, SCHEMA).write().parquet(dir.stagingPath("data"));
      dir.commitFrom("data");
    } catch (Exception | Error e) {
      dir.abort();
      throw e;
    }
    System.err.println(String.format(java.util.Locale.ROOT, "linprobe: wrote %,d rows to %s",
        rows.size(), dir.target()));
    return Main.EXIT_OK;
  }

  static int[] readLabels(String path) throws IOException {
    try (DataInputStream in = open(path, "--labels")) {
      int magic = in.readInt();
      if (magic != 0x00000801) {
        throw new LinprobeException(path + " is not an IDX ubyte label file (magic 0x"
            + Integer.toHexString(magic) + ", expected 0x801): check --labels");
      }
      int n = in.readInt();
      if (n < 0) {
        throw new LinprobeException(path + " says it holds " + Integer.toUnsignedString(n)
            + " labels: more than an IDX file can (a damaged header?); check --labels");
      }
      // read in pieces of at most 1 MiB, so that a count the file does not hold ends in
      // "truncated", not in an array of two billion labels
      int[] out = new int[Math.min(n, 1 << 20)];
      int have = 0;
      while (have < n) {
        byte[] part = new byte[Math.min(1 << 20, n - have)];
        readFully(in, part, path, "--labels", have, n, 1);
        if (out.length < have + part.length) {
          out = java.util.Arrays.copyOf(out, (int) Math.min(n, Math.max(have + part.length,
              2L * out.length)));
        }
        for (int i = 0; i < part.length; i++) out[have + i] = part[i] & 0xff;
        have += part.length;
      }
      readEnd(in, path, "--labels");
      return out;
    }
  }

  /**
   * Reads the next record; a file that ends before it is truncated, said in one line (not
   * Java's EOFException, which a scheduler would take for a failure worth retrying).
   */
  static void readFully(DataInputStream in, byte[] into, String path, String flag, int index,
      int count, int recordBytes) throws IOException {
    int got = 0;
    while (got < into.length) {
      int r;
      try {
        r = in.read(into, got, into.length - got);
      } catch (java.io.EOFException e) { // a gzip stream cut short
        r = -1;
      }
      if (r < 0) {
        throw new LinprobeException(path + " is truncated: it ends at record "
            + (index + got / recordBytes) + " of the " + count + " its header announces; check "
            + flag + " (a partial download?)");
      }
      got += r;
    }
  }

  /**
   * Reads past the last record to the end of the file: a gzipped file's end checks its trailer
   * (the length and CRC of what it held), which a file cut inside it lacks.
   */
  static void readEnd(DataInputStream in, String path, String flag) throws IOException {
    byte[] rest = new byte[1 << 16];
    try {
      while (in.read(rest) >= 0) {
        // bytes past the records the header announces are not read as rows
      }
    } catch (java.io.EOFException | java.util.zip.ZipException e) {
      throw new LinprobeException(path + " is truncated: its gzip stream ends before its end ("
          + e.getMessage() + "); check " + flag + " (a partial download?)");
    }
  }

  /** An IDX file, gunzipped when it is gzipped; flag names it in the error when it won't open. */
  static DataInputStream open(String path, String flag) throws IOException {
    InputStream in;
    try {
      in = new BufferedInputStream(new FileInputStream(path), 1 << 16);
    } catch (IOException e) {
      throw new LinprobeException("cannot open " + path + ": " + e.getMessage() + " (check "
          + flag + ")");
    }
    in.mark(2);
    int b1 = in.read(), b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) in = new GZIPInputStream(in, 1 << 16);
    return new DataInputStream(in);
  }
}
