package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import linprobe.cli.Main;
import linprobe.embed.SentenceModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * linprobe embed end to end on a real local Spark: the real model inside Spark tasks, real
 * CSV, JSON lines and Parquet in, Parquet out, read back by the curve's reader.
 */
class TextEmbeddingTest extends SparkTestBase {
  @TempDir static Path tmp;

  /** id, section, text: package descriptions in three sections, with CSV's hard cases. */
  static final String[][] ROWS = {
      {"1", "games", "Real-time strategy game of ancient warfare"},
      {"2", "games", "Play chess across 3 boards!"},
      {"3", "science", "Molecular dynamics simulation package"},
      {"4", "sound", "Digital audio workstation for recording, editing and mixing"},
      {"5", "games", "Arcade space shooter, \"retro\" style"},
      {"6", "science", "Tools for analysing astronomical images\nand spectra"},
      {"7", "sound", "MIDI sequencer and synthesizer"},
      {"8", "science", "Statistical computing environment, with plotting"},
      {"9", "sound", "Command-line audio player for FLAC, Ogg and MP3 files"},
      {"10", "games", "Puzzle game: slide the tiles; solve the board"},
      {"11", "science", "Finite element solver for partial differential equations"},
      {"12", "sound", "Équaliseur audio pour PulseAudio — égaliseur paramétrique"},
      {"13", "games", "Card games collection (solitaire, freecell, spider)"},
      {"14", "science", "Genome sequence alignment tool"},
      {"15", "sound", "Speech synthesizer for many languages"}};

  static String csvField(String s) {
    return s.matches("[^,\"\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }

  static Path csv;

  @BeforeAll
  static void fixtures() throws IOException {
    spark();
    StringBuilder b = new StringBuilder("id,section,text\n");
    for (String[] r : ROWS) {
      b.append(r[0]).append(',').append(r[1]).append(',').append(csvField(r[2])).append('\n');
    }
    csv = tmp.resolve("packages.csv");
    Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
  }

  record Run(int code, String err) {}

  /** The CLI's entry point, as CliTest runs it. */
  static Run embed(String... args) {
    List<String> a = new ArrayList<>(List.of("embed"));
    a.addAll(List.of(args));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(),
        err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream o = new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
        e = new java.io.PrintStream(err, true, StandardCharsets.UTF_8);
    java.io.PrintStream oldOut = System.out, oldErr = System.err;
    System.setOut(o);
    System.setErr(e);
    try {
      int code = Main.execute(a.toArray(new String[0]), o, e);
      return new Run(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** The output's rows in file order: part files by name, each in its own order. */
  static List<Row> rowsInFileOrder(Path dir) throws IOException {
    List<Path> parts;
    try (Stream<Path> s = Files.list(dir)) {
      parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    }
    List<Row> rows = new ArrayList<>();
    for (Path p : parts) rows.addAll(spark().read().parquet(p.toString()).collectAsList());
    return rows;
  }

  static long partFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-")).count();
    }
  }

  static float[] vector(Row r) {
    List<Float> l = r.getList(r.fieldIndex("embedding"));
    float[] v = new float[l.size()];
    for (int i = 0; i < v.length; i++) v[i] = l.get(i);
    return v;
  }

  @Test
  void csvIsEmbeddedInInputOrderWithTheSameBitsForOneAndThreePartitions() throws Exception {
    Path one = tmp.resolve("one"), three = tmp.resolve("three");
    Run r1 = embed("--input", csv.toString(), "--label-col", "section", "--out",
        one.toString(), "--partitions", "1");
    assertEquals(0, r1.code(), r1.err());
    assertTrue(r1.err().contains("embedding 15 texts with all-minilm-l6-v2-q in 1 partitions"),
        r1.err());
    assertTrue(r1.err().matches("(?s).*wrote 15 embeddings of 'text' \\(all-minilm-l6-v2-q, 384 "
        + "dimensions\\) to .* rows/s\\); columns: id, section, embedding.*"), r1.err());
    assertTrue(r1.err().contains("curve reads it with --label-col section"), r1.err());
    Run r3 = embed("--input", csv.toString(), "--label-col", "section", "--out",
        three.toString(), "--partitions", "3", "--batch", "2", "--quiet");
    assertEquals(0, r3.code(), r3.err());
    assertEquals("", r3.err());
    assertEquals(1, partFiles(one));
    assertEquals(3, partFiles(three));
    assertTrue(Files.exists(one.resolve("_SUCCESS")));

    StructType schema = spark().read().parquet(one.toString()).schema();
    assertEquals(List.of("id", "section", "embedding"), List.of(schema.fieldNames()));
    // a CSV's columns as written: text, not inferred numbers (ids 007 and 7 stay two ids)
    assertEquals(DataTypes.StringType, schema.apply("id").dataType());
    assertEquals(DataTypes.StringType, schema.apply("section").dataType());
    assertEquals(DataTypes.FloatType,
        ((ArrayType) schema.apply("embedding").dataType()).elementType());

    List<Row> a = rowsInFileOrder(one), b = rowsInFileOrder(three);
    assertEquals(ROWS.length, a.size());
    assertEquals(ROWS.length, b.size());
    SentenceModel model = SentenceModel.get("all-minilm-l6-v2-q");
    for (int i = 0; i < ROWS.length; i++) {
      assertEquals(ROWS[i][0], a.get(i).getString(0), "input order");
      assertEquals(ROWS[i][1], a.get(i).getString(1));
      assertEquals(a.get(i).getString(0), b.get(i).getString(0), "same order with 3 partitions");
      float[] v = vector(a.get(i));
      assertArrayEquals(v, vector(b.get(i)), "same bits with 3 partitions and batch 2");
      // the CSV's quotes, commas and line breaks reach the model as written
      assertArrayEquals(model.embed(ROWS[i][2]), v, ROWS[i][2]);
      assertEquals(384, v.length);
    }
    // one model in this JVM, whatever the tasks and runs
    assertEquals(1, SentenceModel.loads());

    // curve's reader takes the output as it is
    EmbeddingSource.Profile p = new EmbeddingSource(spark(), "embedding", "section", "id", false)
        .profile(one.toString(), "train");
    try {
      assertEquals(384, p.dim());
      assertEquals(List.of("games", "science", "sound"), p.labels());
      assertArrayEquals(new long[] {5, 5, 5}, p.counts());
    } finally {
      p.release();
    }
  }

  @Test
  void jsonLinesAndParquetInputsGiveTheSameVectors() throws Exception {
    StringBuilder json = new StringBuilder();
    for (String[] r : ROWS) {
      json.append("{\"id\": ").append(r[0]).append(", \"label\": \"").append(r[1])
          .append("\", \"text\": \"").append(r[2].replace("\"", "\\\"").replace("\n", "\\n"))
          .append("\"}\n");
    }
    Path jsonl = tmp.resolve("packages.jsonl");
    Files.writeString(jsonl, json.toString(), StandardCharsets.UTF_8);
    Path fromJson = tmp.resolve("from-json");
    Run r = embed("--input", jsonl.toString(), "--out", fromJson.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    List<Row> j = rowsInFileOrder(fromJson);
    // the default label column, 'label', is kept when the input has it
    assertEquals(List.of("id", "label", "embedding"),
        List.of(spark().read().parquet(fromJson.toString()).schema().fieldNames()));

    Path parquet = tmp.resolve("packages-parquet");
    spark().read().json(jsonl.toString()).select("text", "label").repartition(1)
        .write().parquet(parquet.toString());
    Path fromParquet = tmp.resolve("from-parquet");
    r = embed("--input", parquet.toString(), "--out", fromParquet.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    List<Row> q = rowsInFileOrder(fromParquet);
    assertEquals(List.of("label", "embedding"),
        List.of(spark().read().parquet(fromParquet.toString()).schema().fieldNames()));

    Path named = tmp.resolve("packages.txt");
    Files.copy(csv, named);
    Path fromCsv = tmp.resolve("from-csv");
    r = embed("--input", named.toString(), "--format", "csv", "--out", fromCsv.toString(),
        "--quiet", "--label-col", "section");
    assertEquals(0, r.code(), r.err());
    List<Row> c = rowsInFileOrder(fromCsv);
    assertEquals(ROWS.length, j.size());
    assertEquals(ROWS.length, q.size());
    for (int i = 0; i < ROWS.length; i++) {
      assertArrayEquals(vector(c.get(i)), vector(j.get(i)));
      assertArrayEquals(vector(c.get(i)), vector(q.get(i)));
    }
  }

  @Test
  void dropInvalidSkipsRowsWithoutTextAndSaysHowMany() throws Exception {
    Path jsonl = tmp.resolve("gaps.jsonl");
    Files.writeString(jsonl, String.join("\n",
        "{\"id\": 1, \"label\": 0, \"text\": \"A first sentence\"}",
        "{\"id\": 2, \"label\": 1, \"text\": null}",
        "{\"id\": 3, \"label\": 0, \"text\": \"\"}",
        "{\"id\": 4, \"label\": 1, \"text\": \" \\t \"}",
        "{\"id\": 5, \"label\": 1}",
        "{\"id\": 6, \"label\": 0, \"text\": \"The last sentence\"}") + "\n");
    Path out = tmp.resolve("gaps-out");
    Run r = embed("--input", jsonl.toString(), "--out", out.toString(),
        "--drop-invalid");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("warning: skipping 4 rows with no text in 'text' (2 null, 2 "
        + "empty or blank; --drop-invalid)"), r.err());
    assertTrue(r.err().contains("4 rows without text skipped"), r.err());
    List<Row> rows = rowsInFileOrder(out);
    assertEquals(2, rows.size());
    assertEquals(1L, rows.get(0).getLong(0));
    assertEquals(6L, rows.get(1).getLong(0));
    assertArrayEquals(SentenceModel.get("all-minilm-l6-v2-q").embed("The last sentence"),
        vector(rows.get(1)));
    assertNotNull(rows.get(1).get(1));
  }

  /** Rows without a label are embedded (a table to score needs none), with a warning for curve. */
  @Test
  void rowsWithoutALabelAreEmbeddedAndNamedInAWarning() throws Exception {
    Path csv = tmp.resolve("unlabelled.csv");
    Files.writeString(csv, "id,section,text\n1,games,Chess for two\n2,,Audio mixer\n"
        + "3,science,Plot data\n4,,Edit photos\n5,games,\n");
    Path out = tmp.resolve("unlabelled-out");
    Run r = embed("--input", csv.toString(), "--label-col", "section", "--out", out.toString(),
        "--drop-invalid");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("linprobe: warning: 2 rows of 4 to embed have no label in "
        + "'section' (null): curve refuses them; fill them in or filter them out first"), r.err());
    assertEquals(4, rowsInFileOrder(out).size());
    Run labelled = embed("--input", csv.toString(), "--out", tmp.resolve("l-out").toString(),
        "--drop-invalid");
    assertEquals(0, labelled.code(), labelled.err());
    assertFalse(labelled.err().contains("curve refuses them"), "no label column kept: "
        + labelled.err());
  }

  @Test
  void defaultPartitionsAreAMultipleOfTheParallelism() {
    assertEquals(8, TextEmbedding.defaultPartitions(300, 2));
    assertEquals(8, TextEmbedding.defaultPartitions(4_000, 2));
    assertEquals(20, TextEmbedding.defaultPartitions(20_000, 2));
    assertEquals(22, TextEmbedding.defaultPartitions(20_001, 2));
    TextEmbedding.Contiguous c = new TextEmbedding.Contiguous(3, 10);
    int[] expected = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
    for (int i = 0; i < 10; i++) assertEquals(expected[i], c.getPartition((long) i));
  }

  @Test
  void csvFilesWithOtherHeadersAreRefusedAndColumnsStayAsWritten() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("two-csv"));
    Files.writeString(dir.resolve("a.csv"), "id,label,text\n007,01,Chess for two\n");
    Files.writeString(dir.resolve("b.csv"), "id,text,label\n7,Audio mixer,02\n");
    Run r = embed("--input", dir.toString(), "--out", tmp.resolve("two-out").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("the CSV files of input " + dir + " do not share one header ("
        + "Header: id, text, label; Schema: id, label, text; CSV file: "), r.err());
    // one header: ids 007 and 7 stay two ids, label 01 stays 01
    Files.writeString(dir.resolve("b.csv"), "id,label,text\n7,02,Audio mixer\n");
    Path out = tmp.resolve("two-ok");
    r = embed("--input", dir.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    List<Row> rows = spark().read().parquet(out.toString()).collectAsList();
    assertEquals(java.util.Set.of("007", "7"), rows.stream().map(x -> x.getString(0))
        .collect(java.util.stream.Collectors.toSet()));
    assertEquals(java.util.Set.of("01", "02"), rows.stream().map(x -> x.getString(1))
        .collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void bytesThatAreNotUtf8AreSaidAndATextOfNothingButThemIsBlank() throws Exception {
    Path latin1 = tmp.resolve("latin1.csv");
    Files.write(latin1, "id,text\n1,Caf\u00e9 cr\u00e8me\n2,\u00e9\n3,plain\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    Run r = embed("--input", latin1.toString(), "--out", tmp.resolve("latin1-out").toString(),
        "--drop-invalid");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("2 texts in 'text' hold bytes that are not UTF-8 (read as "
        + "U+FFFD, which the model drops): re-encode the input as UTF-8"), r.err());
    assertTrue(r.err().contains("skipping 1 row with no text in 'text'"), r.err());
    assertFalse(r.err().contains("unknown word pieces"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void textsTheModelReadsAsUnknownPiecesOnlyAreCounted() throws Exception {
    Path csv = tmp.resolve("emoji.csv");
    Files.writeString(csv, "id,text\n1,🙂\n2,ᚠᚢᚦ 🚀\n"
        + "3,plain words\n4,🙂 and words\n");
    Run r = embed("--input", csv.toString(), "--out", tmp.resolve("emoji-out").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("2 texts in 'text' are read by all-minilm-l6-v2-q as unknown "
        + "word pieces only (a script its English vocabulary lacks, or emoji): such texts embed "
        + "alike whatever they say, so no probe can tell them apart"), r.err());
  }
}
