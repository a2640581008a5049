package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import linprobe.spark.SparkTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pictures and report.html of a curve run, and a small simulate run end to end. */
class ReportAndSimulateTest extends SparkTestBase {
  @TempDir Path tmp;

  @BeforeAll
  static void session() {
    spark();
  }

  @Test
  void curveRunDrawsItsLearningCurvesAndReport() throws Exception {
    Path out = tmp.resolve("run");
    CliTest.Run r = CliTest.run("curve", "--train", dataSamples("digits", "train"), "--test",
        dataSamples("digits", "test"), "--out", out.toString(), "--shots", "1,5,20,all",
        "--seeds", "2", "--quiet");
    assertEquals(0, r.code(), r.err());
    for (String name : new String[] {"learning_curve", "logloss_curve"}) {
      BufferedImage png = ImageIO.read(out.resolve(name + ".png").toFile());
      assertEquals(900, png.getWidth());
      assertEquals(560, png.getHeight());
      String svg = Files.readString(out.resolve(name + ".svg"));
      assertTrue(svg.contains("<svg") && svg.contains("</svg>"), name);
    }
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<svg"), "inline SVG");
    // the verdict from paired differences: with two seeds the 95% interval (one degree of
    // freedom) contains 0 at every sampled size, level; "all" is one fit, decided by its sign;
    // model names as typed
    assertTrue(html.contains("lr is better than nb with all training rows only, from one fit "
        + "(level at 1 to 20 shots)"), "verdict");
    assertTrue(html.contains("<th>lr error</th>"));
    // each model's asymptote and the size from which it gets within epsilon of it, as curve.md
    // says it ("- lr: 0.0312, reached from 20 shots")
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "(?m)^- (nb|lr): ([0-9.]+), (reached from \\d+ shots?|reached only with every row|"
            + "not reached)$").matcher(Files.readString(out.resolve("curve.md")));
    int asymptotes = 0;
    while (m.find()) {
      asymptotes++;
      assertTrue(java.util.regex.Pattern.compile("<li>" + m.group(1) + ": asymptotic error "
          + java.util.regex.Pattern.quote(m.group(2)) + " \\(largest size\\); within [0-9.]+ "
          + "of it: " + m.group(3) + "</li>").matcher(html).find(), m.group());
    }
    assertEquals(2, asymptotes, "nb's and lr's lines in curve.md");
    // C chosen from data (the default): its picture, in the report and beside it
    assertTrue(html.contains("Logistic regression's C, chosen in every subset"), "C picture");
    assertEquals(900, ImageIO.read(out.resolve("chosen_c.png").toFile()).getWidth());
    assertTrue(html.contains("\"lr_c\" : \"auto\""), "config");
  }

  @Test
  void generateWritesTheMixtureInCurvesSchema() throws Exception {
    Path out = tmp.resolve("gen");
    CliTest.Run r = CliTest.run("generate", "--out", out.toString(), "--classes", "3", "--dims",
        "6", "--train-rows", "300", "--test-rows", "90", "--quiet");
    assertEquals(0, r.code(), r.err());
    var train = spark().read().parquet(out.resolve("train.parquet").toString());
    assertEquals(300, train.count());
    assertEquals("id,label,embedding", String.join(",", train.columns()));
    assertEquals(3, train.select("label").distinct().count());
    // generated from seeds: the same rows again
    Path again = tmp.resolve("gen2");
    CliTest.run("generate", "--out", again.toString(), "--classes", "3", "--dims", "6",
        "--train-rows", "300", "--test-rows", "90", "--partitions", "4", "--quiet");
    var a = train.orderBy("id").collectAsList();
    var b = spark().read().parquet(again.resolve("train.parquet").toString()).orderBy("id")
        .collectAsList();
    assertEquals(a, b);
    CliTest.Run c = CliTest.run("curve", "--train", out.resolve("train.parquet").toString(),
        "--test", out.resolve("test.parquet").toString(), "--out", tmp.resolve("c").toString(),
        "--shots", "1,10,all", "--seeds", "2", "--quiet");
    assertEquals(0, c.code(), c.err());
  }

  @Test
  void generateWritesTheFixedSeparationMixture() throws Exception {
    Path out = tmp.resolve("genfixed");
    CliTest.Run r = CliTest.run("generate", "--out", out.toString(), "--separation", "fixed",
        "--distance", "2", "--classes", "2", "--dims", "8", "--train-rows", "20000",
        "--test-rows", "10", "--quiet");
    assertEquals(0, r.code(), r.err());
    // the class means: -1 and 1 times 2 / (2 sqrt(4 / 8 + 4)) = 0.4714 on every coordinate
    // (the mean over 8 coordinates of 10,000 rows has a standard error of sqrt(4.5 / 10^4))
    var means = spark().read().parquet(out.resolve("train.parquet").toString())
        .selectExpr("label", "explode(embedding) as x").groupBy("label")
        .agg(org.apache.spark.sql.functions.avg("x")).orderBy("label").collectAsList();
    double expected = 1 / Math.sqrt(4.5);
    assertEquals(-expected, means.get(0).getDouble(1), 0.05);
    assertEquals(expected, means.get(1).getDouble(1), 0.05);
    CliTest.Run bad = CliTest.run("generate", "--out", tmp.resolve("genbad").toString(),
        "--distance", "2");
    assertEquals(2, bad.code());
    assertEquals("linprobe: error: --distance applies to --separation fixed only; add "
        + "--separation fixed or drop --distance", bad.err().strip());
    assertTrue(!Files.exists(tmp.resolve("genbad")));
    CliTest.Run few = CliTest.run("generate", "--out", tmp.resolve("genfew").toString(),
        "--classes", "3", "--train-rows", "2");
    assertEquals(2, few.code());
    assertEquals("linprobe: error: --train-rows 2 is fewer than --classes 3: every class needs "
        + "training rows; pass --train-rows 3 or more", few.err().strip());
    assertFalse(Files.exists(tmp.resolve("genfew")));
    CliTest.Run byDefault = CliTest.run("generate", "--out", tmp.resolve("genfew").toString(),
        "--classes", "120", "--dims", "1");
    assertEquals("linprobe: error: the default --train-rows (100 x --dims = 100) is fewer than "
        + "--classes 120: every class needs training rows; pass --train-rows 120 or more",
        byDefault.err().strip());
  }

  @Test
  void generateDrawsRandomMeansForManyClasses() throws Exception {
    // the paper's means 2^(k-1) overflow float32 past 128 classes: refused with the fix
    CliTest.Run bad = CliTest.run("generate", "--out", tmp.resolve("g200").toString(),
        "--classes", "200", "--dims", "4", "--train-rows", "400", "--quiet");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--separation"), bad.err());
    assertFalse(Files.exists(tmp.resolve("g200")));
    Path out = tmp.resolve("g200s");
    CliTest.Run r = CliTest.run("generate", "--out", out.toString(), "--classes", "200", "--dims",
        "4", "--train-rows", "400", "--test-rows", "200", "--separation", "random", "--spread", "0.5",
        "--quiet");
    assertEquals(0, r.code(), r.err());
    var train = spark().read().parquet(out.resolve("train.parquet").toString());
    assertEquals(200, train.select("label").distinct().count());
    assertEquals(200, spark().read().parquet(out.resolve("test.parquet").toString()).count());
    for (String[] c : new String[][] {
        {"--spread applies to --separation random only; add --separation random or drop "
            + "--spread", "--spread", "0.5"},
        {"--spread must be a positive number, not -1.0", "--separation", "random", "--spread",
            "-1"},
        {"--separation must be paper, fixed or random, not 'wide'", "--separation", "wide"}}) {
      List<String> args = new java.util.ArrayList<>(List.of("generate", "--out",
          tmp.resolve("gbad").toString()));
      args.addAll(Arrays.asList(c).subList(1, c.length));
      CliTest.Run b = CliTest.run(args.toArray(String[]::new));
      assertEquals(2, b.code(), b.err());
      assertEquals("linprobe: error: " + c[0], b.err().strip());
      assertFalse(Files.exists(tmp.resolve("gbad")));
    }
  }

  @Test
  void simulateMeasuresSampleComplexity() throws Exception {
    Path out = tmp.resolve("sim");
    CliTest.Run r = CliTest.run("simulate", "--out", out.toString(), "--classes", "2,3",
        "--dims", "4,8,16", "--pool-factor", "40", "--test-rows", "2000", "--seeds", "2",
        "--epsilon", "0.05", "--quiet");
    assertEquals(0, r.code(), r.err());
    // six curve runs, one BLAS: its warning, where there is one, is printed once
    java.util.Optional<String> blas = linprobe.math.Blas.warning(true);
    assertEquals(blas.isPresent() ? 1 : 0, r.err().split("BLAS in this JVM", -1).length - 1,
        r.err());
    blas.ifPresent(w -> assertTrue(r.err().contains("linprobe: warning: " + w), r.err()));
    List<String> sc = Files.readAllLines(out.resolve("sample_complexity.csv"));
    assertEquals("model,classes,dims,m_eps,m_eps_whole_pool,asymptotic_error,asymptote_method,"
        + "test_bayes_error", sc.get(0));
    assertEquals(1 + 2 * 2 * 3, sc.size(), String.join("\n", sc));
    assertTrue(sc.stream().anyMatch(l -> l.startsWith("nb,2,4,") && l.contains(",closed form,")));
    assertTrue(sc.stream().anyMatch(l -> l.startsWith("lr,3,16,") && l.contains(",closed form,")));
    List<String> growth = Files.readAllLines(out.resolve("growth.csv"));
    assertEquals("model,classes,points,whole_pool_points,exponent,intercept_log_n,slope_vs_log_n,"
        + "r2_log_n,intercept_n,slope_vs_n,r2_n,better_fit", growth.get(0));
    assertEquals(1 + 2 * 2, growth.size());
    // the paper's separation: the Bayes error falls with n (K = 2: Phi(-sqrt(2 + 2n) / 2))
    assertEquals(bayes(sc, "nb,2,4,"), 0.5 * org.apache.commons.math3.special.Erf.erfc(
        Math.sqrt(10) / 2 / Math.sqrt(2)), 1e-6);
    assertTrue(bayes(sc, "nb,3,16,") < bayes(sc, "nb,3,8,"));
    assertTrue(Files.readString(out.resolve("simulate.md")).contains("the paper's separation"));
    assertTrue(Files.readString(out.resolve("summary.json")).contains("\"separation\" : \"paper\""));
    for (String f : new String[] {"fits.csv", "curve.csv", "summary.json", "simulate.md",
        "sample_complexity.png", "sample_complexity.svg", "report.html", "_SUCCESS"}) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    assertTrue(Arrays.stream(out.toFile().list()).noneMatch(n -> n.equals("_data")));
    String[] first = Files.readAllLines(out.resolve("curve.csv")).get(0).split(",");
    assertArrayEquals(new String[] {"classes", "dims", "model"}, Arrays.copyOf(first, 3));
  }

  /** The Bayes error (asymptotic_error) of the sample_complexity.csv line starting with key. */
  static double bayes(List<String> sc, String key) {
    String line = sc.stream().filter(l -> l.startsWith(key)).findFirst().orElseThrow();
    return Double.parseDouble(line.split(",")[5]);
  }

  @Test
  void simulateWithFixedSeparation() throws Exception {
    Path out = tmp.resolve("fixed");
    CliTest.Run r = CliTest.run("simulate", "--out", out.toString(), "--separation", "fixed",
        "--distance", "2.5", "--classes", "2,3", "--dims", "4,8,16", "--pool-factor", "30",
        "--test-rows", "2000", "--seeds", "2", "--epsilon", "0.05", "--models", "nb", "--quiet");
    assertEquals(0, r.code(), r.err());
    List<String> sc = Files.readAllLines(out.resolve("sample_complexity.csv"));
    assertEquals(1 + 2 * 3, sc.size(), String.join("\n", sc));
    // the same Bayes error at every n; K = 2: Phi(-D/2)
    double two = 0.5 * org.apache.commons.math3.special.Erf.erfc(1.25 / Math.sqrt(2));
    for (int n : new int[] {4, 8, 16}) {
      assertEquals(two, bayes(sc, "nb,2," + n + ","), 1e-6);
      assertEquals(bayes(sc, "nb,3,4,"), bayes(sc, "nb,3," + n + ","), 1e-12);
      // the Bayes classifier on the 2,000 test rows: the exact error within sampling error
      // (standard error sqrt(0.106 * 0.894 / 2000) = 0.007 for K = 2)
      for (String key : new String[] {"nb,2," + n + ",", "nb,3," + n + ","}) {
        String line = sc.stream().filter(l -> l.startsWith(key)).findFirst().orElseThrow();
        assertEquals(bayes(sc, key), Double.parseDouble(line.split(",")[7]), 0.035, line);
      }
    }
    assertTrue(bayes(sc, "nb,3,4,") > two, "three classes are harder");
    String md = Files.readString(out.resolve("simulate.md"));
    assertTrue(md.contains("fixed separation: Mahalanobis distance 2.5"), md);
    assertTrue(md.contains("| model | K | points | (all) | p | a + b log n | R^2 | a + b n | R^2 "
        + "| better |"), md);
    assertTrue(Files.readString(out.resolve("summary.json")).contains("\"distance\" : 2.5"));
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<svg"));
    // its tables as HTML tables, not markdown text
    assertTrue(html.contains("<tr><th>model</th><th>K</th><th>points</th>"), html);
    assertFalse(html.contains("| model |"), "no markdown pipes left");
    // stdout is the markdown report
    assertTrue(r.out().contains("Bayes error, exact (and the Bayes classifier's on the test rows)"),
        r.out());
  }

  @Test
  void simulateSizesAreWholeShotsPerClassAndSaidSo() throws Exception {
    // K = 3: 4 -> 1 shot, 10 -> 3 shots, 2 below K left out
    assertArrayEquals(new int[] {1, 3}, SimulateCommand.shotsFor(new int[] {2, 4, 10}, 3, 160));
    // K = 2, a pool of 160: 160 would be every row (80 a class): left to all, as is 500
    assertArrayEquals(new int[] {2, 5}, SimulateCommand.shotsFor(new int[] {4, 10, 160, 500}, 2,
        160));
    // K = 3, the same pool (classes of 54, 53, 53): 160 is 53 shots, 159 rows, not every row
    assertEquals(53, SimulateCommand.sizeShots(160, 3, 160));
    assertEquals(-1, SimulateCommand.sizeShots(162, 3, 160));
    assertEquals(0, SimulateCommand.sizeShots(2, 3, 160));
    assertEquals("--sizes with K=3 classes are whole shots per class: 4 is rounded down to 3, 10 "
        + "to 9; 2 is left out (fewer rows than classes)",
        SimulateCommand.roundedSizes(new int[] {2, 4, 9, 10}, 3).orElseThrow());
    assertTrue(SimulateCommand.roundedSizes(new int[] {4, 10}, 2).isEmpty());
    // the warnings say what shotsFor does, never both "rounded" and "left out" for one fit
    assertEquals("--sizes that take every row of the training pool (40 x n rows) are left to "
        + "all, which every setting fits: 160, 500 at K=2 n=4; 500 at K=3 n=4",
        SimulateCommand.beyondPool(new int[] {4, 10, 160, 500}, new int[] {2, 3}, new int[] {4},
            40).orElseThrow());
    Path out = tmp.resolve("sizes");
    CliTest.Run r = CliTest.run("simulate", "--out", out.toString(), "--classes", "2,3",
        "--dims", "4", "--pool-factor", "40", "--test-rows", "500", "--seeds", "2",
        "--sizes", "4,10,160", "--models", "nb", "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("linprobe: warning: --sizes with K=3 classes are whole shots per "
        + "class: 4 is rounded down to 3, 10 to 9, 160 to 159\n"), r.err());
    assertTrue(r.err().contains("linprobe: warning: --sizes that take every row of the training "
        + "pool (40 x n rows) are left to all, which every setting fits: 160 at K=2 n=4\n"),
        r.err());
    assertFalse(r.err().contains("--shots"), "no flag simulate does not have: " + r.err());
    // K=3's 160 is fitted as 53 shots a class (159 rows), as the warning says
    assertTrue(Files.readAllLines(out.resolve("curve.csv")).stream()
        .anyMatch(l -> l.startsWith("3,4,nb,53,159,")), "K=3 fits 159 rows");
    String summary = Files.readString(out.resolve("summary.json"));
    assertTrue(summary.replaceAll("\\s", "").contains("\"sizes\":[4,10,160]"), summary);
    assertFalse(summary.contains("lr_c"), "no lr, no C: " + summary);
  }

  @Test
  void theReportsSentenceNamesWhereAModelNeverGetsThere() {
    List<SimulateCommand.Complexity> rs = List.of(
        new SimulateCommand.Complexity("lr", 3, 25, 2500L, false, 0.1, "exact", 0.1),
        new SimulateCommand.Complexity("lr", 5, 25, null, false, 0.1, "exact", 0.1),
        new SimulateCommand.Complexity("lr", 5, 100, 10_000L, false, 0.1, "exact", 0.1),
        new SimulateCommand.Complexity("lr", 5, 200, null, false, 0.1, "exact", 0.1),
        new SimulateCommand.Complexity("nb", 3, 25, 600L, false, 0.1, "exact", 0.1),
        new SimulateCommand.Complexity("nb", 5, 25, 1000L, false, 0.1, "exact", 0.1));
    // it once said "lr needs at most 10000 rows", true only where lr got there
    assertEquals("To get within epsilon of the Bayes error: lr needs at most 10000 rows where it "
        + "gets there, and does not within the pool at K=5 n=25, n=200; nb needs at most 1000 "
        + "rows.", SimulateCommand.verdict(rs));
  }

  @Test
  void simulateRefusesBadSeparationOptions() throws Exception {
    String[][] cases = {
        {"--separation must be paper or fixed, not 'wide'", "--separation", "wide"},
        {"--distance applies to --separation fixed only; add --separation fixed or drop "
            + "--distance", "--distance", "2"},
        {"--distance must be a positive number, not 0.0", "--separation", "fixed", "--distance",
            "0"},
        {"--distance must be a positive number, not NaN", "--separation", "fixed", "--distance",
            "NaN"},
        {"--test-rows must be at least 1", "--test-rows", "0"},
        {"--classes values must be at most 128: the mixture's class means 2^(k-1) overflow "
            + "float32 beyond (the paper's K is at most 7)", "--classes", "2,200"},
        // a pool smaller than 2K once failed inside curve, naming its internal test set
        {"--pool-factor 1 x n = 4 training rows (n = 4) cannot hold 2 rows of each of K = 5 "
            + "classes: raise --pool-factor or the smallest --dims", "--classes", "5", "--dims",
            "4,8", "--pool-factor", "1"}};
    for (String[] c : cases) {
      Path out = tmp.resolve("refused");
      List<String> args = new java.util.ArrayList<>(List.of("simulate", "--out", out.toString()));
      args.addAll(Arrays.asList(c).subList(1, c.length));
      CliTest.Run r = CliTest.run(args.toArray(new String[0]));
      assertEquals(2, r.code(), r.err());
      assertEquals("linprobe: error: " + c[0], r.err().strip(), "one line");
      assertTrue(!Files.exists(out), "nothing written");
    }
    CliTest.Run notANumber = CliTest.run("simulate", "--out", tmp.resolve("x").toString(),
        "--separation", "fixed", "--distance", "far");
    assertEquals(2, notANumber.code());
    assertTrue(notANumber.err().contains("--distance") && !notANumber.err().contains("\tat "),
        notANumber.err());
  }
}
