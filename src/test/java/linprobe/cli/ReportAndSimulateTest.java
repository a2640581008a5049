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
  void generateDrawsRandomMeansForManyClasses() throws Exception {
    // the paper's means 2^(k-1) overflow float32 past 128 classes: refused with the fix
    CliTest.Run bad = CliTest.run("generate", "--out", tmp.resolve("g200").toString(),
        "--classes", "200", "--dims", "4", "--train-rows", "400", "--quiet");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--separation"), bad.err());
    assertFalse(Files.exists(tmp.resolve("g200")));
    Path out = tmp.resolve("g200s");
    CliTest.Run r = CliTest.run("generate", "--out", out.toString(), "--classes", "200", "--dims",
        "4", "--train-rows", "400", "--test-rows", "200", "--separation", "0.5", "--quiet");
    assertEquals(0, r.code(), r.err());
    var train = spark().read().parquet(out.resolve("train.parquet").toString());
    assertEquals(200, train.select("label").distinct().count());
    assertEquals(200, spark().read().parquet(out.resolve("test.parquet").toString()).count());
  }

  @Test
  void simulateMeasuresSampleComplexity() throws Exception {
    Path out = tmp.resolve("sim");
    CliTest.Run r = CliTest.run("simulate", "--out", out.toString(), "--classes", "2,3",
        "--dims", "4,8,16", "--pool-factor", "40", "--test-rows", "2000", "--seeds", "2",
        "--epsilon", "0.05", "--quiet");
    assertEquals(0, r.code(), r.err());
    List<String> sc = Files.readAllLines(out.resolve("sample_complexity.csv"));
    assertEquals("model,classes,dims,m_eps,asymptotic_error,asymptote_method", sc.get(0));
    assertEquals(1 + 2 * 2 * 3, sc.size(), String.join("\n", sc));
    assertTrue(sc.stream().anyMatch(l -> l.startsWith("nb,2,4,") && l.endsWith(",closed form")));
    assertTrue(sc.stream().anyMatch(l -> l.startsWith("lr,3,16,") && l.contains("monte carlo")));
    List<String> growth = Files.readAllLines(out.resolve("growth.csv"));
    assertEquals(1 + 2 * 2, growth.size());
    for (String f : new String[] {"fits.csv", "curve.csv", "summary.json", "simulate.md",
        "sample_complexity.png", "sample_complexity.svg", "report.html", "_SUCCESS"}) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    assertTrue(Arrays.stream(out.toFile().list()).noneMatch(n -> n.equals("_data")));
    String[] first = Files.readAllLines(out.resolve("curve.csv")).get(0).split(",");
    assertArrayEquals(new String[] {"classes", "dims", "model"}, Arrays.copyOf(first, 3));
  }
}
