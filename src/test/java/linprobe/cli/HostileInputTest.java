package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import linprobe.spark.SparkTestBase;
import org.apache.spark.sql.Row;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges a hostile user finds (issue 14): each either runs with numbers that are this run's,
 * or is refused with exit 2 and one line. Real Parquet written by Spark, the real CLI.
 */
class HostileInputTest extends SparkTestBase {
  @TempDir static Path tmp;

  static final float[][] MEANS = {{0, 0}, {3, 0}, {0, 3}};

  /** Rows (label, id, embedding) of a three-class mixture, with the given column names/types. */
  static List<Row> mixture(int perClass, long seed, DataType labelType, int copies) {
    Random rnd = new Random(seed);
    List<Row> rows = new ArrayList<>();
    long id = 0;
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < perClass; i++) {
        Float[] x = {MEANS[c][0] + (float) rnd.nextGaussian(),
            MEANS[c][1] + (float) rnd.nextGaussian()};
        Object label = labelType == DataTypes.StringType ? (Object) ("c" + c)
            : labelType == DataTypes.DoubleType ? (Object) (double) c : (Object) c;
        for (int k = 0; k < copies; k++) rows.add(RowFactory.create(label, id++, x));
      }
    }
    return rows;
  }

  static String write(String name, List<Row> rows, String labelCol, DataType labelType,
      String idCol, String featuresCol, int files) {
    StructType schema = new StructType().add(labelCol, labelType, true)
        .add(idCol, DataTypes.LongType, true)
        .add(featuresCol, DataTypes.createArrayType(DataTypes.FloatType, true), true);
    String path = tmp.resolve(name).toString();
    spark().createDataFrame(rows, schema).repartition(files).write().parquet(path);
    return path;
  }

  static String train;
  static String test;

  @BeforeAll
  static void fixtures() {
    spark();
    train = write("train", mixture(20, 1, DataTypes.IntegerType, 1), "label",
        DataTypes.IntegerType, "id", "embedding", 2);
    test = write("test", mixture(50, 2, DataTypes.IntegerType, 1), "label",
        DataTypes.IntegerType, "id", "embedding", 1);
  }

  static CliTest.Run curve(String out, String... args) {
    List<String> all = new ArrayList<>(List.of("curve", "--out", tmp.resolve(out).toString(),
        "--quiet"));
    all.addAll(List.of(args));
    if (!all.contains("--seeds")) all.addAll(List.of("--seeds", "2"));
    if (!all.contains("--shots")) all.addAll(List.of("--shots", "1,2,5,all"));
    if (!all.contains("--train")) all.addAll(List.of("--train", train));
    if (!all.contains("--test")) all.addAll(List.of("--test", test));
    return CliTest.run(all.toArray(new String[0]));
  }

  static void refused(CliTest.Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  /** fits.csv without the wall-time column. */
  static List<String> fits(String out) throws Exception {
    return Files.readAllLines(tmp.resolve(out).resolve("fits.csv")).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).collect(Collectors.toList());
  }

  @Test
  void shotsAllAloneFitsEveryModel() throws Exception {
    CliTest.Run r = curve("all-only", "--shots", "all", "--models", "nb,nb-perclass,lr");
    assertEquals(0, r.code(), r.err());
    assertEquals(4, fits("all-only").size()); // header and three fits
  }

  @Test
  void columnNamesWithDotsWork() throws Exception {
    String tr = write("dotted-train", mixture(20, 1, DataTypes.IntegerType, 1), "the.label",
        DataTypes.IntegerType, "row.id", "emb.v", 1);
    String te = write("dotted-test", mixture(50, 2, DataTypes.IntegerType, 1), "the.label",
        DataTypes.IntegerType, "row.id", "emb.v", 1);
    CliTest.Run r = curve("dotted", "--train", tr, "--test", te, "--features-col", "emb.v",
        "--label-col", "the.label", "--id-col", "row.id");
    assertEquals(0, r.code(), r.err());
    curve("plain", "--id-col", "id");
    assertEquals(fits("plain"), fits("dotted"), "same rows, same ids: same numbers");
  }

  @Test
  void theIdColumnIsNeededInTrainOnly() {
    String te = write("test-no-id", mixture(50, 2, DataTypes.IntegerType, 1), "label",
        DataTypes.IntegerType, "other", "embedding", 1);
    CliTest.Run r = curve("id-train-only", "--test", te, "--id-col", "id");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void nullAndDuplicateIdsAreRefused() {
    List<Row> rows = mixture(20, 1, DataTypes.IntegerType, 1);
    rows.set(3, RowFactory.create(rows.get(3).get(0), null, rows.get(3).get(2)));
    String nullIds = write("null-ids", rows, "label", DataTypes.IntegerType, "id", "embedding", 1);
    refused(curve("null-ids-out", "--train", nullIds, "--id-col", "id"),
        "1 row with a null id in 'id'");
    rows = mixture(20, 1, DataTypes.IntegerType, 1);
    rows.set(7, RowFactory.create(rows.get(7).get(0), 5L, rows.get(7).get(2)));
    String dupIds = write("dup-ids", rows, "label", DataTypes.IntegerType, "id", "embedding", 3);
    refused(curve("dup-ids-out", "--train", dupIds, "--id-col", "id"),
        "rows that share an id in 'id'");
  }

  @Test
  void nanLabelsAreRefused() {
    List<Row> rows = mixture(20, 1, DataTypes.DoubleType, 1);
    rows.set(0, RowFactory.create(Double.NaN, 0L, rows.get(0).get(2)));
    String nan = write("nan-labels", rows, "label", DataTypes.DoubleType, "id", "embedding", 1);
    refused(curve("nan-out", "--train", nan), "1 row with a NaN label in 'label'");
  }

  @Test
  void labelTypesThatDifferAreNamed() {
    String te = write("string-labels", mixture(50, 2, DataTypes.StringType, 1), "label",
        DataTypes.StringType, "id", "embedding", 1);
    refused(curve("types-out", "--test", te),
        "test labels in 'label' are strings but train labels are numbers");
  }

  @Test
  void aFieldInsideAStructColumnIsNamedAsSuch() {
    String nested = tmp.resolve("nested").toString();
    spark().read().parquet(train).selectExpr("label", "id", "named_struct('v', embedding) AS s")
        .write().parquet(nested);
    refused(curve("nested-out", "--train", nested, "--features-col", "s.v"), "train data at "
        + nested + " has no column 's.v': a field inside a struct column is not read; write it as "
        + "a column of its own (select('s.v')) and name that with --features-col");
  }

  @Test
  void trainAsTestIsRunWithAWarning() throws Exception {
    // the same table however written: here with its scheme
    CliTest.Run r = curve("same", "--test", "file:" + train);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("warning: train and test share files"), r.err());
    // and the outputs say it, for whoever reads them and never saw stderr
    var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        tmp.resolve("same").resolve("summary.json").toFile());
    assertTrue(summary.get("warnings").get(0).asText().startsWith("train and test share files"),
        summary.get("warnings").toString());
    String report = java.nio.file.Files.readString(tmp.resolve("same").resolve("report.html"));
    assertTrue(report.contains("<div class=\"warn\"><b>Warnings</b><ul>\n<li>train and test "
        + "share files"), "the report's warnings");
  }

  @Test
  void pathsWithGlobCharactersAreLiteral() throws Exception {
    Path dir = tmp.resolve("run[1]{a}");
    Files.createDirectories(dir);
    String tr = write("run[1]{a}/train", mixture(20, 1, DataTypes.IntegerType, 1), "label",
        DataTypes.IntegerType, "id", "embedding", 1);
    CliTest.Run r = curve("glob-out", "--train", tr);
    assertEquals(0, r.code(), r.err());
    curve("glob-plain");
    assertEquals(fits("glob-plain"), fits("glob-out"));
  }

  @Test
  void partitionValuesAreReadAsWritten() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (Row r : mixture(20, 1, DataTypes.StringType, 1)) {
      String label = r.getString(0).equals("c0") ? "007" : r.getString(0).equals("c1") ? "7" : "x";
      rows.add(RowFactory.create(label, r.get(1), r.get(2)));
    }
    StructType schema = new StructType().add("label", DataTypes.StringType, true)
        .add("id", DataTypes.LongType, true)
        .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, true), true);
    String tr = tmp.resolve("partitioned").toString();
    spark().createDataFrame(rows, schema).write().partitionBy("label").parquet(tr);
    CliTest.Run r = curve("partitioned-out", "--train", tr, "--test", tr, "--shots", "1");
    assertEquals(0, r.code(), r.err());
    String summary = Files.readString(tmp.resolve("partitioned-out").resolve("summary.json"));
    assertTrue(summary.contains("\"007\"") && summary.contains("\"7\""), summary);
  }

  @Test
  void copiesOfARowAreSampledAsDistinctRowsWhateverTheFiles() throws Exception {
    // every vector ten times: with one identity per content, a k-shot subset was k copies of
    // one vector, and naive Bayes' error was the same at 1, 2 and 5 shots for every seed
    List<Row> rows = mixture(4, 3, DataTypes.IntegerType, 10);
    String one = write("copies-1", rows, "label", DataTypes.IntegerType, "id", "embedding", 1);
    String five = write("copies-5", rows, "label", DataTypes.IntegerType, "id", "embedding", 5);
    String[] args = {"--shots", "1,2,5", "--models", "nb", "--seeds", "4"};
    assertEquals(0, curve("copies-one", concat(args, "--train", one)).code());
    assertEquals(0, curve("copies-five", concat(args, "--train", five)).code());
    assertEquals(fits("copies-one"), fits("copies-five"), "1 and 5 input files");
    List<String> lines = fits("copies-one");
    int seedsThatMove = 0;
    for (int seed = 0; seed < 4; seed++) {
      String s = Integer.toString(seed);
      List<String> errors = lines.stream().skip(1).map(l -> l.split(","))
          .filter(f -> f[2].equals(s)).map(f -> f[4]).distinct().toList();
      if (errors.size() > 1) seedsThatMove++;
    }
    assertTrue(seedsThatMove >= 3, "nb's error changes with shots for most seeds: " + lines);
    assertNotEquals(0, seedsThatMove);
  }

  /**
   * The mixture's rows with features (x0 + 1e-9, 0, x1, 0) as doubles: array&lt;double&gt;, dense
   * or sparse Spark ML vectors, or both in turn in one column ("mixed").
   */
  static String writeAs(String name, String kind, List<Row> rows) {
    List<Row> out = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      Float[] f = (Float[]) rows.get(r).get(2);
      if (f == null) {
        out.add(RowFactory.create(rows.get(r).get(0), rows.get(r).get(1), null));
        continue;
      }
      double a = f[0] + 1e-9; // rounded to float as the cast to array<float> rounds it
      double b = f[1];
      String k = kind.equals("mixed") ? (r % 2 == 0 ? "dense" : "sparse") : kind;
      Object x = switch (k) {
        case "doubles" -> new Double[] {a, 0.0, b, 0.0};
        case "dense" -> Vectors.dense(a, 0, b, 0);
        case "sparse" -> Vectors.sparse(4, new int[] {0, 2}, new double[] {a, b});
        default -> throw new IllegalArgumentException(k);
      };
      out.add(RowFactory.create(rows.get(r).get(0), rows.get(r).get(1), x));
    }
    DataType type = kind.equals("doubles")
        ? DataTypes.createArrayType(DataTypes.DoubleType, true) : SQLDataTypes.VectorType();
    StructType schema = new StructType().add("label", DataTypes.IntegerType, true)
        .add("id", DataTypes.LongType, true).add("embedding", type, true);
    String path = tmp.resolve(name).toString();
    spark().createDataFrame(out, schema).repartition(2).write().parquet(path);
    return path;
  }

  @Test
  void sparkMlVectorsAreReadAsTheSameFloats() throws Exception {
    List<Row> trainRows = mixture(20, 1, DataTypes.IntegerType, 1);
    List<Row> testRows = mixture(50, 2, DataTypes.IntegerType, 1);
    for (String kind : List.of("doubles", "dense", "sparse", "mixed")) {
      CliTest.Run r = curve("as-" + kind, "--train", writeAs("train-" + kind, kind, trainRows),
          "--test", writeAs("test-" + kind, kind, testRows), "--models", "nb,lr");
      assertEquals(0, r.code(), kind + ": " + r.err());
    }
    assertEquals(fits("as-doubles"), fits("as-dense"), "dense vectors");
    assertEquals(fits("as-doubles"), fits("as-sparse"), "sparse vectors");
    assertEquals(fits("as-doubles"), fits("as-mixed"), "dense and sparse in one column");
    List<Row> bad = new ArrayList<>(trainRows);
    bad.set(4, RowFactory.create(bad.get(4).get(0), bad.get(4).get(1), null));
    bad.set(9, RowFactory.create(bad.get(9).get(0), bad.get(9).get(1),
        new Float[] {Float.NaN, 1f}));
    bad.set(11, RowFactory.create(bad.get(11).get(0), bad.get(11).get(1),
        new Float[] {1f, Float.POSITIVE_INFINITY}));
    refused(curve("bad-vectors", "--train", writeAs("train-bad-vectors", "mixed", bad)),
        "3 rows with null, NaN or infinite features");
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
