package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import linprobe.cli.CliTest.Run;
import linprobe.spark.SparkTestBase;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * import-idx on IDX files written here (MNIST's format: Debian's dataset-fashion-mnist is not on
 * every machine): the rows it writes, gzipped or not, and its one-line errors.
 */
class ImportIdxTest extends SparkTestBase {
  @TempDir Path tmp;

  @BeforeAll
  static void session() {
    spark(); // the command finds this session, as it finds a notebook's
  }

  /** Three 2 x 3 images with pixel value 10 i + j, labels 7, 0, 255. */
  static byte[] images(int count) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(0x803);
    d.writeInt(count);
    d.writeInt(2);
    d.writeInt(3);
    for (int i = 0; i < count; i++) for (int j = 0; j < 6; j++) d.writeByte(10 * i + j);
    return b.toByteArray();
  }

  static byte[] labels(int... values) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(0x801);
    d.writeInt(values.length);
    for (int v : values) d.writeByte(v);
    return b.toByteArray();
  }

  Path write(String name, byte[] bytes, boolean gzip) throws IOException {
    Path p = tmp.resolve(name);
    try (OutputStream o = gzip ? new GZIPOutputStream(Files.newOutputStream(p))
        : Files.newOutputStream(p)) {
      o.write(bytes);
    }
    return p;
  }

  @Test
  void writesOneRowPerImageGzippedOrNot() throws Exception {
    Path img = write("img.gz", images(3), true);
    Path lab = write("lab", labels(7, 0, 255), false);
    Path out = tmp.resolve("out");
    Run r = CliTest.run("import-idx", "--images", img.toString(), "--labels", lab.toString(),
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    List<Row> rows = spark().read().parquet(out.toString()).orderBy("id").collectAsList();
    assertEquals(3, rows.size());
    assertEquals(List.of(7, 0, 255), rows.stream().map(x -> x.getInt(1)).toList());
    // row-major pixels as floats, unsigned bytes
    assertEquals(List.of(20f, 21f, 22f, 23f, 24f, 25f), rows.get(2).getList(2));
    assertEquals(2L, rows.get(2).getLong(0));
  }

  @Test
  void badFilesFailWithOneLineNamingTheFlag() throws Exception {
    Path img = write("img", images(3), false);
    Path lab = write("lab", labels(1, 2), false);
    Path out = tmp.resolve("out");
    Run missing = CliTest.run("import-idx", "--images", tmp.resolve("nope").toString(),
        "--labels", lab.toString(), "--out", out.toString());
    assertOneLine(missing, "cannot open " + tmp.resolve("nope"), "(check --images)");
    Run missingLabels = CliTest.run("import-idx", "--images", img.toString(), "--labels",
        tmp.resolve("nope").toString(), "--out", out.toString());
    assertOneLine(missingLabels, "cannot open", "(check --labels)");
    Run swapped = CliTest.run("import-idx", "--images", lab.toString(), "--labels",
        img.toString(), "--out", out.toString());
    assertOneLine(swapped, "is not an IDX ubyte label file", "check --labels");
    Run counts = CliTest.run("import-idx", "--images", img.toString(), "--labels",
        lab.toString(), "--out", out.toString());
    assertOneLine(counts, "has 3 images but", "has 2 labels: pass matching files");
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void truncatedOrDamagedFilesAreSaidAsSuchNotAsJavaExceptions() throws Exception {
    Path out = tmp.resolve("out");
    Path lab3 = write("lab3", labels(7, 0, 255), false);
    byte[] whole = images(3);
    // cut inside the last image, gzipped or not: exit 2 (not 1, a failure worth retrying)
    for (boolean gz : new boolean[] {false, true}) {
      Path cut = write("cut" + gz, java.util.Arrays.copyOf(whole, whole.length - 2), gz);
      Run r = CliTest.run("import-idx", "--images", cut.toString(), "--labels", lab3.toString(),
          "--out", out.toString());
      assertOneLine(r, cut + " is truncated: it ends at record 2 of the 3 its header announces;"
          + " check --images");
    }
    // a gzipped file whose every record is there but whose trailer (length, CRC) is cut off
    for (String flag : new String[] {"--images", "--labels"}) {
      boolean images = flag.equals("--images");
      Path gz = write("trailer" + images, images ? whole : labels(7, 0, 255), true);
      byte[] bytes = Files.readAllBytes(gz);
      Files.write(gz, java.util.Arrays.copyOf(bytes, bytes.length - 4));
      Run r = CliTest.run("import-idx", "--images",
          images ? gz.toString() : write("img3t", whole, false).toString(), "--labels",
          images ? lab3.toString() : gz.toString(), "--out", out.toString());
      assertOneLine(r, gz + " is truncated: its gzip stream ends before its end (");
      assertTrue(r.err().contains("); check " + flag + " (a partial download?)"), r.err());
    }
    byte[] labs = labels(7, 0, 255);
    Path cutLabels = write("cutlab", java.util.Arrays.copyOf(labs, labs.length - 1), false);
    assertOneLine(CliTest.run("import-idx", "--images", write("img3", whole, false).toString(),
        "--labels", cutLabels.toString(), "--out", out.toString()), "is truncated", "--labels");
    // a header announcing two billion labels, or a negative count: no array of that size
    byte[] huge = labels(1, 2);
    java.nio.ByteBuffer.wrap(huge).putInt(4, 2_000_000_000);
    assertOneLine(CliTest.run("import-idx", "--images", write("img3b", whole, false).toString(),
        "--labels", write("huge", huge, false).toString(), "--out", out.toString()),
        "is truncated: it ends at record 2 of the 2000000000");
    java.nio.ByteBuffer.wrap(huge).putInt(4, 0xFFFFFFF0);
    assertOneLine(CliTest.run("import-idx", "--images", write("img3c", whole, false).toString(),
        "--labels", write("neg", huge, false).toString(), "--out", out.toString()),
        "says it holds 4294967280 labels");
    // images of 0 x 0 pixels
    byte[] flat = images(3);
    java.nio.ByteBuffer.wrap(flat).putInt(8, 0).putInt(12, 0);
    assertOneLine(CliTest.run("import-idx", "--images", write("flat", flat, false).toString(),
        "--labels", lab3.toString(), "--out", out.toString()), "says its images are 0 x 0 "
        + "pixels: not an image size");
    assertFalse(Files.exists(out), "nothing written");
  }

  static void assertOneLine(Run r, String... parts) {
    assertEquals(2, r.code(), r.err());
    for (String p : parts) assertTrue(r.err().contains(p), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }
}
