package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import linprobe.cli.CliTest.Run;
import linprobe.spark.SparkTestBase;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import-packages end to end: files written, read back by Spark, bad input refused. */
class ImportPackagesTest extends SparkTestBase {
  @TempDir Path tmp;

  /** Texts that CSV must quote or escape, and one with non-ASCII characters. */
  static final String[] AWKWARD = {"plain text", "with, a comma", "with \"quotes\", and comma",
      "a back\\slash \\\"quoted\\\"", "Qt 5 port of GNOME’s Adwaita theme — dev", "\"starts quoted\""};

  /** An index of three topical sections of 12 packages and one non-topical. */
  static String index() {
    StringBuilder b = new StringBuilder();
    for (String s : new String[] {"science", "games", "non-free/sound", "libs"}) {
      String sec = s.substring(s.lastIndexOf('/') + 1);
      for (int i = 0; i < 12; i++) {
        String text = i < AWKWARD.length ? AWKWARD[i] + " in " + sec : sec + " program " + i;
        b.append("Package: ").append(sec).append("-p").append(i).append('\n')
            .append("Version: 1.").append(i).append('\n')
            .append("Description: ").append(text).append('\n')
            .append(" long description line\n .\n more\n")
            .append("Section: ").append(s).append("\n\n");
      }
    }
    return b.toString();
  }

  Path writeIndex() throws IOException {
    Path in = tmp.resolve("dumpavail.txt");
    Files.writeString(in, index(), StandardCharsets.UTF_8);
    return in;
  }

  @Test
  void writesTrainTestAndSectionsThatSparkReadsBack() throws IOException {
    Path out = tmp.resolve("text");
    Run r = CliTest.run("import-packages", "--input", writeIndex().toString(), "--out",
        out.toString(), "--min-packages", "10", "--test-per-section", "4",
        "--train-per-section", "6");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("3 sections (train/test): games 6/4, science 6/4, sound 6/4"),
        r.err());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of("_SUCCESS", "sections.csv", "test.csv", "train.csv"),
          files.map(p -> p.getFileName().toString()).sorted().toList(), "no .crc files");
    }
    List<String> sections = Files.readAllLines(out.resolve("sections.csv"));
    assertEquals("section,packages,topical,usable,selected,train,test", sections.get(0));
    assertTrue(sections.contains("sound,12,true,12,true,6,4"), sections.toString());
    assertTrue(sections.contains("libs,12,false,0,false,0,0"), sections.toString());

    // RFC 4180 quoting (quotes doubled), as Python's csv and pandas write and read it; Spark
    // reads it so with escape '"' (its default escape is a backslash)
    int seen = 0;
    for (String split : new String[] {"train", "test"}) {
      List<Row> rows = spark().read().option("header", "true").option("escape", "\"")
          .csv(out.resolve(split + ".csv").toString()).collectAsList();
      assertEquals(split.equals("train") ? 18 : 12, rows.size());
      for (Row row : rows) {
        String id = row.getString(0), label = row.getString(1);
        assertTrue(id.startsWith(label + "-p"), id);
        int n = Integer.parseInt(id.substring(id.indexOf("-p") + 2));
        String text = n < AWKWARD.length ? AWKWARD[n] + " in " + label : label + " program " + n;
        assertEquals(text, row.getString(2), id);
        seen++;
      }
    }
    assertEquals(30, seen);
  }

  @Test
  void readsStandardInput() throws IOException {
    Path out = tmp.resolve("text");
    var old = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(index().getBytes(StandardCharsets.UTF_8)));
      Run r = CliTest.run("import-packages", "--input", "-", "--out", out.toString(),
          "--min-packages", "10", "--test-per-section", "4");
      assertEquals(0, r.code(), r.err());
    } finally {
      System.setIn(old);
    }
    assertEquals(1 + 3 * 8, Files.readAllLines(out.resolve("train.csv")).size(),
        "train takes the 8 left after 4 test rows (at most 200)");
  }

  @Test
  void badInputIsOneLineAndWritesNothing() throws IOException {
    Path csv = tmp.resolve("not-an-index.csv");
    Files.writeString(csv, "id,label,text\n1,a,b\n");
    Path out = tmp.resolve("text");
    Run r = CliTest.run("import-packages", "--input", csv.toString(), "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("line 1 is not a 'Field: value' line"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertFalse(Files.exists(out));

    Run missing = CliTest.run("import-packages", "--input", tmp.resolve("nope").toString(),
        "--out", out.toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("cannot open") && missing.err().contains("check --input"),
        missing.err());

    Run few = CliTest.run("import-packages", "--input", writeIndex().toString(), "--out",
        out.toString());
    assertEquals(2, few.code());
    assertTrue(few.err().contains("0 section(s) have at least --min-packages 300"), few.err());
    assertFalse(Files.exists(out));
    Run one = CliTest.run("import-packages", "--input", writeIndex().toString(), "--out",
        out.toString(), "--min-packages", "10", "--test-per-section", "4", "--sections", "games");
    assertEquals(2, one.code());
    assertEquals("linprobe: error: --sections names 1 section; a classification needs two or "
        + "more: name another", one.err().strip());
    assertFalse(Files.exists(out));
    // a gzipped index cut short: exit 2 naming it, not Java's EOFException with exit 1
    var gz = new java.io.ByteArrayOutputStream();
    try (var z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write(index().getBytes(StandardCharsets.UTF_8));
    }
    byte[] bytes = gz.toByteArray();
    Path cut = tmp.resolve("dumpavail.gz");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Run truncated = CliTest.run("import-packages", "--input", cut.toString(), "--out",
        out.toString(), "--min-packages", "10", "--test-per-section", "4");
    assertEquals(2, truncated.code(), truncated.err());
    assertEquals("linprobe: error: " + cut + " is truncated: its gzip stream ends before its end "
        + "(a partial download?); check --input", truncated.err().strip());
    assertFalse(Files.exists(out));
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of("dumpavail.gz", "dumpavail.txt", "not-an-index.csv"),
          left.map(p -> p.getFileName().toString()).sorted().toList(), "no staging left");
    }
  }

  @Test
  void refusesAnExistingOutputUnlessOverwrite() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("text"));
    Files.writeString(out.resolve("mine.txt"), "keep me");
    String[] args = {"import-packages", "--input", writeIndex().toString(), "--out",
        out.toString(), "--min-packages", "10", "--test-per-section", "4"};
    Run r = CliTest.run(args);
    assertEquals(2, r.code());
    assertTrue(r.err().contains("already exists"), r.err());
    assertEquals("keep me", Files.readString(out.resolve("mine.txt")));
    String[] again = java.util.Arrays.copyOf(args, args.length + 1);
    again[args.length] = "--overwrite";
    r = CliTest.run(again); // not a finished output: the user's files stay
    assertEquals(2, r.code(), r.err());
    assertEquals("keep me", Files.readString(out.resolve("mine.txt")));
    Files.delete(out.resolve("mine.txt"));
    assertEquals(0, CliTest.run(args).code());
    Files.writeString(out.resolve("added.txt"), "in a finished output");
    assertEquals(0, CliTest.run(again).code());
    assertFalse(Files.exists(out.resolve("added.txt")));
  }

  @Test
  void demoPackagesWithoutEmbeddingsSaysHowToMakeThem() throws IOException {
    Path ds = Files.createDirectories(tmp.resolve("data-samples/packages/text"));
    Run r = CliTest.run("demo", "--dataset", "packages", "--data-samples",
        ds.getParent().getParent().toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("run data-samples/make_packages.sh"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    Run unknown = CliTest.run("demo", "--dataset", "imagenet");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("use digits, fashion or packages"), unknown.err());
  }

  /**
   * The bundled embeddings are the bundled text through the bundled model (the rows checked by
   * id: a stale or hand-edited Parquet fails here), and the packages demo runs on them.
   */
  @Test
  void theBundledEmbeddingsAreTheBundledTextsAndTheDemoRunsOnThem() throws IOException {
    List<Row> rows = spark().read().parquet(dataSamples("packages", "train"))
        .select("id", "label", "embedding").collectAsList();
    assertEquals(2800, rows.size());
    java.util.Map<String, Row> byId = new java.util.HashMap<>();
    for (Row r : rows) byId.put(r.getString(0), r);
    List<Row> text = spark().read().option("header", "true").option("multiLine", "true")
        .option("escape", "\"").csv(System.getProperty("user.dir")
            + "/data-samples/packages/text/train.csv").limit(12).collectAsList();
    linprobe.embed.SentenceModel model =
        linprobe.embed.SentenceModel.get(linprobe.embed.SentenceModel.DEFAULT);
    for (Row t : text) {
      Row e = byId.get(t.getString(0));
      assertTrue(e != null, "no embedding for " + t.getString(0));
      assertEquals(t.getString(1), e.getString(1));
      float[] want = model.embed(t.getString(2));
      List<Object> got = e.getList(2);
      assertEquals(384, got.size());
      for (int j = 0; j < 384; j++) {
        assertEquals(want[j], (Float) got.get(j), 1e-6f, t.getString(0) + " [" + j + "]");
      }
    }
    Path out = tmp.resolve("demo-packages");
    Run r = CliTest.run("demo", "--dataset", "packages", "--seeds", "1", "--out", out.toString(),
        "--quiet");
    assertEquals(0, r.code(), r.err());
    String summary = Files.readString(out.resolve("summary.json"), StandardCharsets.UTF_8);
    assertTrue(summary.contains("\"dimension\" : 384"), summary);
    assertTrue(summary.contains("\"train\" : 2800"), summary);
  }
}
