package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import linprobe.spark.SparkTestBase;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input catalogue (README): each case exits 2 with one line naming the problem and the
 * fix, prints no stack trace, and creates no output directory.
 */
class BadInputTest extends SparkTestBase {
  @TempDir static Path tmp;
  static String good;
  static String goodTest;

  static final StructType SCHEMA = new StructType().add("label", DataTypes.IntegerType, true)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, true), true);

  /** Rows of (label, features); a null features array or label where given as null. */
  static String table(String name, Object[][] rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) list.add(RowFactory.create(r[0], r[1]));
    String path = tmp.resolve(name).toString();
    spark().createDataFrame(list, SCHEMA).coalesce(1).write().parquet(path);
    return path;
  }

  static Object[] row(Integer label, Float... x) {
    return new Object[] {label, x};
  }

  @BeforeAll
  static void fixtures() {
    spark();
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) rows.add(row(i % 3, (float) i, (float) (i % 3), 1f));
    good = table("good", rows.toArray(new Object[0][]));
    goodTest = table("goodTest", rows.toArray(new Object[0][]));
  }

  void expect(String expected, String... args) {
    Path out = tmp.resolve("out-" + Math.abs(expected.hashCode()));
    List<String> all = new ArrayList<>(List.of("curve", "--out", out.toString()));
    all.addAll(List.of(args));
    if (!all.contains("--shots")) all.addAll(List.of("--shots", "1,2"));
    if (!all.contains("--seeds")) all.addAll(List.of("--seeds", "1"));
    if (!all.contains("--train")) all.addAll(List.of("--train", good));
    if (!all.contains("--test")) all.addAll(List.of("--test", goodTest));
    CliTest.Run r = CliTest.run(all.toArray(new String[0]));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("linprobe: error")).count());
    // the warm-up of the fits has finished: nothing it prints (netlib's native library, on a
    // system without libblas.so.3) can come after the error
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("linprobe-warm-up")), "the warm-up is still running");
    assertFalse(Files.exists(out), "no output directory");
    try (var s = Files.list(tmp)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".linprobe-")),
          "no staging left");
    } catch (java.io.IOException e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void goodFixtureRuns() {
    CliTest.Run r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out",
        tmp.resolve("ok").toString(), "--shots", "1,2", "--seeds", "1", "--quiet");
    assertEquals(0, r.code(), r.err());
    // one seed: the sampled sizes' verdicts compare two fits, and the run says so, in the
    // summary too; two seeds, or one model, do not warn
    String oneSeed = "one seed: each sampled size is one subset, so its verdict (McNemar's test "
        + "on the test rows) compares two fits, not how the probes differ from subset to "
        + "subset; use --seeds 5 or more to compare them";
    assertTrue(r.err().contains("linprobe: warning: " + oneSeed), r.err());
    try {
      assertTrue(Files.readString(tmp.resolve("ok/summary.json")).contains(oneSeed));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (String[] other : new String[][] {{"--seeds", "2"}, {"--models", "lr"}}) {
      List<String> args = new ArrayList<>(List.of("curve", "--train", good, "--test", goodTest,
          "--out", tmp.resolve("ok-" + other[1]).toString(), "--shots", "1,2", "--quiet"));
      args.addAll(List.of(other));
      if (!args.contains("--seeds")) args.addAll(List.of("--seeds", "1"));
      r = CliTest.run(args.toArray(new String[0]));
      assertEquals(0, r.code(), r.err());
      assertFalse(r.err().contains("one seed"), r.err());
    }
  }

  @Test
  void missingPath() {
    expect("train path " + tmp.resolve("nope") + " does not exist", "--train",
        tmp.resolve("nope").toString());
  }

  @Test
  void notParquet() throws Exception {
    Path csv = tmp.resolve("table.csv");
    Files.writeString(csv, "label,x\n1,2\n");
    expect("train data at " + csv + " is not Parquet: it begins with text, as CSV and JSON do "
        + "(write the table as Parquet, or turn a text column into embeddings with linprobe "
        + "embed, and point --train at that)", "--train", csv.toString());
    Path dir = Files.createDirectories(tmp.resolve("parts"));
    Files.write(dir.resolve("part-00000.bin"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
    Files.writeString(dir.resolve("_SUCCESS"), "");
    // skipped as Spark skips it (a copy under way), though its name sorts first
    Files.writeString(dir.resolve("a.csv._COPYING_"), "id,text\n");
    expect("test data at " + dir + " is not Parquet: its file part-00000.bin does not begin with "
        + "PAR1, as every Parquet file does", "--test", dir.toString());
    // a stray note among a table's Parquet files, sorting before or after them, is named so
    for (String note : new String[] {"a-notes.txt", "z-notes.txt"}) {
      Path stray = Files.createDirectories(tmp.resolve("stray-" + note));
      try (var parts = Files.list(Path.of(good))) {
        for (Path f : (Iterable<Path>) parts::iterator) {
          Files.copy(f, stray.resolve(f.getFileName()));
        }
      }
      Files.writeString(stray.resolve(note), "labels checked by hand\n");
      expect("train data at " + stray + " holds a file that is not Parquet among its Parquet "
          + "files: " + note + " begins with text, as CSV and JSON do (move it out of the "
          + "directory, or give it a name that starts with _ or ., which Spark skips)", "--train",
          stray.toString());
    }
    // and after more Parquet parts than are opened to look (names not .parquet come first)
    Path many = Files.createDirectories(tmp.resolve("stray-many"));
    Path part;
    try (var parts = Files.list(Path.of(good))) {
      part = parts.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst()
          .orElseThrow();
    }
    for (int i = 0; i < 120; i++) {
      Files.copy(part, many.resolve(String.format("part-%05d.snappy.parquet", i)));
    }
    Files.writeString(many.resolve("zz-notes.txt"), "labels checked by hand\n");
    expect("holds a file that is not Parquet among its Parquet files: zz-notes.txt begins with "
        + "text", "--train", many.toString());
    Path arrow = tmp.resolve("table.arrow");
    Files.write(arrow, "ARROW1\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    expect("is not Parquet: it is an Arrow file", "--train", arrow.toString());
    Path npy = tmp.resolve("table.npy");
    Files.write(npy, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    expect("is not Parquet: it is a NumPy .npy file", "--train", npy.toString());
    Path latin = tmp.resolve("latin1.csv");
    Files.write(latin, new byte[] {'c', 'a', 'f', (byte) 0xe9, ',', '1', '\n', 'x'});
    expect("is not Parquet: it does not begin with PAR1", "--train", latin.toString());
    Path bom = tmp.resolve("bom.csv");
    Files.write(bom, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, 'i', 'd', '\n'});
    expect("is not Parquet: it begins with text", "--train", bom.toString());
    Path empty = tmp.resolve("empty.parquet");
    Files.write(empty, new byte[0]);
    expect("train data at " + empty + " is not Parquet: it is empty", "--train", empty.toString());
  }

  @Test
  void missingColumnsListTheColumns() {
    expect("has no column 'emb' (columns: label, embedding): name the right one with "
        + "--features-col", "--features-col", "emb");
    expect("has no column 'y' (columns: label, embedding)", "--label-col", "y");
  }

  @Test
  void wrongFeatureType() {
    expect("feature column 'label' has type int", "--features-col", "label");
  }

  @Test
  void rowsOfDifferentLengths() {
    String t = table("ragged", new Object[][] {row(0, 1f, 2f), row(1, 1f, 2f), row(0, 1f, 2f, 3f),
        row(1, 3f, 4f)});
    expect("rows of different lengths in 'embedding': 3 rows of length 2, 1 row of length 3",
        "--train", t);
  }

  @Test
  void invalidFeaturesAreCountedAndCanBeDropped() {
    String t = table("nan", new Object[][] {row(0, 1f, Float.NaN, 1f), row(1, 1f, 2f, 1f),
        row(0, Float.POSITIVE_INFINITY, 2f, 1f), row(1, 3f, 4f, 1f), row(0, 3f, 4f, 1f),
        row(2, 3f, 4f, 1f), row(2, 3f, 5f, 1f), new Object[] {1, null}, row(0, 1f, null, 2f)});
    expect("train data has 4 rows with null, NaN or infinite features (as float32) in "
        + "'embedding': clean them, or pass --drop-invalid to skip them", "--train", t);
    CliTest.Run r = CliTest.run("curve", "--train", t, "--test", goodTest, "--out",
        tmp.resolve("dropped").toString(), "--shots", "1", "--seeds", "1", "--drop-invalid",
        "--quiet");
    assertEquals(0, r.code(), r.err());
    // said on stderr, even with --quiet, as well as in summary.json
    assertTrue(r.err().contains("linprobe: warning: skipping 4 train rows with null, NaN or "
        + "infinite features (--drop-invalid)"), r.err());
  }

  @Test
  void aGlobIsNamedAsSuch() {
    String glob = tmp.resolve("parts").resolve("part-*.parquet").toString();
    expect("train path " + glob + " does not exist: paths are taken as written, not as patterns; "
        + "point --train at the directory that holds the files", "--train", glob);
  }

  @Test
  void nullLabels() {
    String t = table("nulllabel", new Object[][] {row(0, 1f), row(1, 2f), row(null, 3f)});
    expect("train data has 1 row with a null label in 'label': filter them out or fill them in "
        + "(--drop-invalid skips rows with bad features, not labels)", "--train", t);
  }

  @Test
  void oneClassOnly() {
    String t = table("oneclass", new Object[][] {row(4, 1f, 2f, 3f), row(4, 2f, 2f, 3f)});
    expect("train data has only one class ('4'): a classifier needs at least two", "--train", t,
        "--test", t);
  }

  @Test
  void testClassNotInTrain() {
    String t = table("newclass", new Object[][] {row(0, 1f, 2f, 3f), row(7, 2f, 2f, 3f)});
    expect("test class '7' (1 row) does not occur in the training data", "--test", t);
  }

  @Test
  void shotsLargerThanAClass() {
    expect("class '0' has only 4 training rows, fewer than the 9 shots requested", "--shots",
        "1,9");
  }

  @Test
  void emptyTrainOrTest() {
    String t = table("empty", new Object[0][]);
    expect("train data at " + t + " has no rows", "--train", t);
    expect("test data at " + t + " has no rows", "--test", t);
  }

  @Test
  void dimensionMismatch() {
    String t = table("dim2", new Object[][] {row(0, 1f, 2f), row(1, 2f, 2f)});
    expect("train embeddings have dimension 3 but test embeddings have 2", "--test", t);
  }

  @Test
  void nonsenseOptions() {
    expect("--shots value -2 must be positive", "--shots", "-2");
    expect("--lr-c must be a positive number", "--lr-c", "-1");
    expect("--seeds must be at least 1", "--seeds", "0");
    expect("unknown model 'svm'", "--models", "svm");
    expect("--lr-max-iter must be at least 1", "--lr-max-iter", "0");
    // 0 would divide by the zero variance of a feature constant in a subset: NaN scores
    expect("--nb-epsilon must be a positive number", "--nb-epsilon", "0");
    expect("--lr-tol must be a positive number, got Infinity", "--lr-tol", "Infinity");
    expect("--epsilon must be a number >= 0, got Infinity", "--epsilon", "Infinity");
    expect("--seeds must be at most 10000, got 2147483647", "--seeds", "2147483647");
    expect("--partitions must be 0 (derived) to 100000, got 500000000", "--partitions",
        "500000000");
  }

  @Test
  void anEmptyOrRootOutputPathIsRefused() {
    CliTest.Run r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out", "");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--out is empty: name an output directory"), r.err());
    r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out", "/", "--overwrite");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("output / is a file system's root"), r.err());
    if (Files.isDirectory(Path.of("/proc/self"))) {
      // a mount point (a container's volume): refused before the work, not at the final move
      r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out", "/proc",
          "--overwrite");
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("output /proc is a mount point, which the finished run could "
          + "not move in place: choose a directory inside it with --out"), r.err());
    }
  }

  @Test
  void aDirectoryWithoutDataFilesIsNotATable() throws Exception {
    Path empty = tmp.resolve("no-data");
    Files.createDirectories(empty.resolve("_temporary"));
    expect("train path " + empty + " is a directory without data files: point --train at the "
        + "Parquet table", "--train", empty.toString());
    // an empty subdirectory is no table either
    Path hollow = tmp.resolve("hollow");
    Files.createDirectories(hollow.resolve("sub").resolve("_temporary"));
    expect("train path " + hollow + " is a directory without data files", "--train",
        hollow.toString());
    // generate's output: two tables side by side (Spark: "Unable to infer schema")
    Path both = tmp.resolve("generated");
    FileUtils.copyDirectory(Path.of(good).toFile(), both.resolve("train.parquet").toFile());
    FileUtils.copyDirectory(Path.of(goodTest).toFile(), both.resolve("test.parquet").toFile());
    Files.createFile(both.resolve("_SUCCESS"));
    Files.createDirectories(both.resolve("empty"));
    expect("train path " + both + " holds tables (test.parquet, train.parquet), not one: point "
        + "--train at one of them", "--train", both.toString());
    // partition directories (name=value) are one table, read as before
    Path parted = tmp.resolve("parted");
    FileUtils.copyDirectory(Path.of(good).toFile(), parted.resolve("split=a").toFile());
    CliTest.Run r = CliTest.run("curve", "--out", tmp.resolve("parted-out").toString(), "--train",
        parted.toString(), "--test", goodTest, "--shots", "1,2", "--seeds", "1", "--models", "nb",
        "--quiet");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void aFileSystemWithoutItsConnectorIsNamedWithTheJarToAdd() throws Exception {
    expect("--train s3a://bucket/train: no Hadoop file system for 's3a:' paths on the class "
        + "path: add hadoop-aws", "--train", "s3a://bucket/train");
    expect("--test abfs://c@a.dfs.core.windows.net/t: no Hadoop file system for 'abfs:' paths "
        + "on the class path: add hadoop-azure", "--test", "abfs://c@a.dfs.core.windows.net/t");
    // read before Spark starts, by its own code path
    CliTest.Run r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out",
        tmp.resolve("cfg-out").toString(), "--config", "s3a://bucket/linprobe.properties");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--config s3a://bucket/linprobe.properties: no Hadoop file "
        + "system for 's3a:' paths"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void anOutputThatIsContainsOrLiesInAnInputIsRefusedAndTheInputKept() throws Exception {
    // a copy of the table: a refusal that failed would delete it
    Path dir = tmp.resolve("overlap");
    Path tr = dir.resolve("train");
    FileUtils.copyDirectory(Path.of(good).toFile(), tr.toFile());
    List<String> before;
    try (var f = Files.walk(dir)) {
      before = f.map(Path::toString).sorted().toList();
    }
    String[][] cases = {
        {dir.toString(), "--out " + dir + " contains the --train input " + tr
            + ": writing there would delete it; choose another --out"},
        {tr.toString(), "--out " + tr + " is the --train input itself"},
        {"file:" + tr, "is the --train input itself"},
        {tr.resolve("results").toString(), "--out " + tr.resolve("results") + " is inside the "
            + "--train input " + tr + ": its files would be read as part of that table"}};
    for (String[] c : cases) {
      CliTest.Run r = CliTest.run("curve", "--train", tr.toString(), "--test", goodTest,
          "--out", c[0], "--overwrite", "--shots", "1", "--seeds", "1");
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains(c[1]), "expected '" + c[1] + "' in: " + r.err());
    }
    try (var f = Files.walk(dir)) {
      assertEquals(before, f.map(Path::toString).sorted().toList(), "the input as it was");
    }
  }

  @Test
  void filesOfOneTableWithOtherColumnTypesAreSaidSo() throws Exception {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) rows.add(row(i % 3, (float) i, (float) (i % 3), 1f));
    String mixed = table("mixed", rows.toArray(new Object[0][]));
    // one more part file whose features are doubles: Spark reads the table as floats
    List<Row> doubles = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      doubles.add(RowFactory.create(i % 3, new Double[] {1.0 * i, 0.0, 1.0}));
    }
    String other = tmp.resolve("mixed-doubles").toString();
    spark().createDataFrame(doubles, new StructType().add("label", DataTypes.IntegerType)
        .add("embedding", DataTypes.createArrayType(DataTypes.DoubleType))).coalesce(1).write()
        .parquet(other);
    try (var f = Files.list(Path.of(other))) {
      Path part = f.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.move(part, Path.of(mixed).resolve("part-doubles.parquet"));
    }
    expect("the files of train data at " + mixed + " do not share one schema", "--train", mixed);
  }

  @Test
  void fitsThatDidNotConvergeAreSaidEvenWhenQuiet() {
    CliTest.Run r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out",
        tmp.resolve("unconverged").toString(), "--shots", "2,all", "--seeds", "1", "--models",
        "lr", "--lr-c", "1", "--lr-max-iter", "1", "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("linprobe: warning: 2 of 2 logistic regressions ended before "
        + "meeting --lr-tol") && r.err().contains("raise --lr-max-iter (now 1)"), r.err());
  }

  @Test
  void validationSelectionNeedsAutoCAndOneSourceOfRows() {
    expect("--select validation chooses C on held-out rows but --lr-c is fixed at 0.5: use "
        + "--lr-c auto, or drop --select validation", "--lr-c", "0.5", "--select", "validation",
        "--validation-fraction", "0.25");
    expect("--select validation needs validation rows: give --validation PATH (a table like "
        + "--train) or --validation-fraction F", "--select", "validation");
    expect("--validation and --validation-fraction are two sources of validation rows: give one "
        + "of them, not both", "--select", "validation", "--validation", goodTest,
        "--validation-fraction", "0.25");
    expect("--validation-fraction must be between 0 and 1 (exclusive), got 1.5", "--select",
        "validation", "--validation-fraction", "1.5");
    expect("--validation-fraction must be between 0 and 1 (exclusive), got 0.0", "--select",
        "validation", "--validation-fraction", "0");
    for (String select : new String[] {"validation", "cv"}) { // NaN is not "unset"
      expect("--validation-fraction must be between 0 and 1 (exclusive), got NaN", "--select",
          select, "--validation-fraction", "NaN");
    }
    expect("--validation-fraction is used only to choose C on held-out rows: add --select "
        + "validation (with --lr-c auto), or drop --validation-fraction",
        "--validation-fraction", "0.25");
    expect("--select must be cv or validation, got 'holdout'", "--select", "holdout");
    // no lr, no C to choose: the held-out rows would only be taken from naive Bayes
    expect("--select validation chooses logistic regression's C, and --models has no lr: drop "
        + "--select validation and its validation rows", "--models", "nb", "--select",
        "validation", "--validation-fraction", "0.25");
  }

  @Test
  void everyClassOfOneRowHoldsOutNothing() {
    String ones = table("ones", new Object[][] {row(0, 1f, 2f, 3f), row(1, 2f, 2f, 3f),
        row(2, 1f, 1f, 3f)});
    expect("--validation-fraction 0.3 holds out no row (every class has one training row): give "
        + "a --validation table", "--train", ones, "--shots", "1", "--select", "validation",
        "--validation-fraction", "0.3");
  }

  @Test
  void aClassOfOneRowKeepsItAndTheRunSaysSo() throws Exception {
    // class 0 has one row: nothing of it is held out (it is needed to train on), so C is chosen
    // without validation rows of class 0; said, not silent. The report says how C was chosen.
    List<Object[]> rows = new ArrayList<>();
    rows.add(row(0, 0f, 0f, 1f));
    for (int i = 0; i < 12; i++) rows.add(row(1 + i % 2, (float) i, (float) (i % 2), 1f));
    String oneRow = table("oneRow", rows.toArray(new Object[0][]));
    Path out = tmp.resolve("oneRowOut");
    CliTest.Run r = CliTest.run("curve", "--train", oneRow, "--test", goodTest, "--out",
        out.toString(), "--shots", "1", "--seeds", "1", "--select", "validation",
        "--validation-fraction", "0.3", "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("linprobe: warning: class '0' has one training row, kept for "
        + "training: C is chosen without validation rows of it"), r.err());
    String report = Files.readString(out.resolve("report.html"));
    assertTrue(report.contains("the C with the lowest score on the held-out validation rows"),
        report);
    assertFalse(report.contains("cross-validation inside its subset"), "not CV");
  }

  @Test
  void validationFractionMustLeaveTrainingRows() {
    // 4 rows per class: 0.9 of them is 4, none left to train on
    expect("class '0' has 4 training rows: holding out --validation-fraction 0.9 of it (4) "
        + "leaves none to train on; lower --validation-fraction, or give a --validation table",
        "--select", "validation", "--validation-fraction", "0.9");
    // 0.5 holds out 2 of 4: 2 left, fewer than 3 shots
    expect("class '0' has only 2 training rows once the validation rows are held out, fewer "
        + "than the 3 shots requested", "--select", "validation", "--validation-fraction", "0.5",
        "--shots", "1,3");
  }

  @Test
  void validationTableMustBeLikeTrain() {
    String dim2 = table("vdim2", new Object[][] {row(0, 1f, 2f), row(1, 2f, 2f), row(2, 1f, 1f)});
    expect("train embeddings have dimension 3 but validation embeddings have 2: both must come "
        + "from the same model and layer", "--select", "validation", "--validation", dim2);
    String twoClasses = table("vtwo", new Object[][] {row(0, 1f, 2f, 3f), row(1, 2f, 2f, 3f)});
    expect("validation data at " + twoClasses + " has no rows of training class '2': every "
        + "class needs validation rows to choose C on", "--select", "validation",
        "--validation", twoClasses);
    String extra = table("vextra", new Object[][] {row(0, 1f, 2f, 3f), row(1, 2f, 2f, 3f),
        row(2, 2f, 1f, 3f), row(7, 2f, 1f, 3f)});
    expect("validation class '7' (1 row) does not occur in the training data: remove it from "
        + "the validation set", "--select", "validation", "--validation", extra);
    expect("--validation shares files with the training table (" + good + ", " + good + "): C "
        + "would be chosen on the rows it is fitted on", "--select", "validation",
        "--validation", good);
    expect("validation path " + tmp.resolve("nowhere") + " does not exist: check --validation",
        "--select", "validation", "--validation", tmp.resolve("nowhere").toString());
    String empty = table("vempty", new Object[0][]);
    expect("validation data at " + empty + " has no rows: point --validation at a non-empty "
        + "table", "--select", "validation", "--validation", empty);
  }

  @Test
  void validationRunsOnTheGoodFixture() {
    CliTest.Run r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out",
        tmp.resolve("val-ok").toString(), "--shots", "1,2", "--seeds", "1", "--quiet",
        "--select", "validation", "--validation-fraction", "0.25");
    assertEquals(0, r.code(), r.err());
    r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out",
        tmp.resolve("val-table").toString(), "--shots", "1,2", "--seeds", "1", "--quiet",
        "--select", "validation", "--validation", goodTest);
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void outputExistsOrIsNotWritable() throws Exception {
    Path taken = tmp.resolve("taken");
    Files.createDirectories(taken);
    Files.writeString(taken.resolve("mine.txt"), "keep");
    CliTest.Run r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out",
        taken.toString(), "--shots", "1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("already exists and is not empty"), r.err());
    assertEquals("keep", Files.readString(taken.resolve("mine.txt")));
    Path file = tmp.resolve("plainfile");
    Files.writeString(file, "x");
    r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out",
        file.resolve("out").toString(), "--shots", "1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("is a file, not a directory; choose another --out"), r.err());
    // the file itself as --out: refused, --overwrite or not, and kept
    for (String overwrite : new String[] {"--quiet", "--overwrite"}) {
      r = CliTest.run("curve", "--train", good, "--test", goodTest, "--out", file.toString(),
          "--shots", "1", overwrite);
      assertEquals(2, r.code(), r.err());
      assertEquals("linprobe: error: output " + file + " is a file, not a directory: choose "
          + "another --out (--overwrite replaces directories only)", r.err().strip());
      assertEquals("x", Files.readString(file));
    }
  }
}
