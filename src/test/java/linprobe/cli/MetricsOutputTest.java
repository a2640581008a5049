package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import linprobe.CurveOptions;
import linprobe.spark.CurveOutput;
import linprobe.spark.SparkTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One curve run's new outputs, checked against each other: top-5 and balanced error in fits.csv
 * and curve.csv, per_class.csv, comparison.csv, summary.json, Parquet, and report.html.
 */
class MetricsOutputTest extends SparkTestBase {
  @TempDir static Path tmp;
  static Path out;

  @BeforeAll
  static void run() {
    spark();
    out = tmp.resolve("run");
    CliTest.Run r = CliTest.run("curve", "--train", dataSamples("digits", "train"), "--test",
        dataSamples("digits", "test"), "--out", out.toString(), "--shots", "1,5,all",
        "--seeds", "3", "--models", "nb,nb-perclass,lr", "--title", "Digits <probe>",
        "--quiet");
    assertEquals(0, r.code(), r.err());
  }

  /** A CSV without quoted fields as rows of column -> value. */
  static List<Map<String, String>> csv(String name) throws Exception {
    List<String> lines = Files.readAllLines(out.resolve(name));
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] v = l.split(",", -1);
      assertEquals(header.length, v.length, l);
      Map<String, String> m = new HashMap<>();
      for (int i = 0; i < v.length; i++) m.put(header[i], v[i]);
      rows.add(m);
    }
    return rows;
  }

  static double d(Map<String, String> row, String col) {
    return Double.parseDouble(row.get(col));
  }

  @Test
  void perClassRecallAgreesWithErrorAndBalancedError() throws Exception {
    assertEquals("model,shots,seed,n_train,error,logloss,top5_error,balanced_error,c,c_source,"
        + "iterations,converged,fit_ms", Files.readAllLines(out.resolve("fits.csv")).get(0));
    List<Map<String, String>> fits = csv("fits.csv");
    List<Map<String, String>> perClass = csv("per_class.csv");
    assertEquals(3 * (2 * 3 + 1), fits.size());
    assertEquals(10 * fits.size(), perClass.size(), "ten classes per fit");
    long nTest = 599;
    for (int i = 0; i < fits.size(); i++) {
      Map<String, String> f = fits.get(i);
      List<Map<String, String>> mine = perClass.subList(10 * i, 10 * i + 10);
      double right = 0, recall = 0;
      long n = 0;
      for (Map<String, String> c : mine) {
        assertEquals(f.get("model"), c.get("model"));
        assertEquals(f.get("shots"), c.get("shots"));
        assertEquals(f.get("seed"), c.get("seed"));
        long nc = Long.parseLong(c.get("n_test"));
        n += nc;
        right += d(c, "recall") * nc;
        recall += d(c, "recall");
      }
      assertEquals(nTest, n);
      // the right rows by class add up to the rows fits.csv's error leaves (8 digits printed)
      assertEquals((1 - d(f, "error")) * nTest, right, 1e-4, f.toString());
      assertEquals(1 - recall / 10, d(f, "balanced_error"), 1e-7, f.toString());
      double top5 = d(f, "top5_error");
      assertTrue(top5 >= 0 && top5 <= d(f, "error"), "a top-1 hit is a top-5 hit: " + f);
    }
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
        perClass.subList(0, 10).stream().map(c -> c.get("class")).toList());
    // Parquet: the same columns and rows
    var frame = spark().read().parquet(out.resolve("per_class").toString());
    assertEquals("model,shots,seed,class,n_test,recall", String.join(",", frame.columns()));
    assertEquals(perClass.size(), frame.count());
    assertEquals("model,shots,seed,n_train,error,logloss,top5_error,balanced_error,c,c_source,"
        + "iterations,converged,fit_ms", String.join(",",
            spark().read().parquet(out.resolve("fits").toString()).columns()));
  }

  @Test
  void curveHasTheMeansOfTheNewColumns() throws Exception {
    List<Map<String, String>> curve = csv("curve.csv");
    assertEquals("model,shots,n_train,seeds,error_mean,error_std,error_ci95,logloss_mean,"
        + "logloss_std,top5_error_mean,top5_error_std,balanced_error_mean,balanced_error_std,"
        + "c_median", Files.readAllLines(out.resolve("curve.csv")).get(0));
    List<Map<String, String>> fits = csv("fits.csv");
    for (Map<String, String> p : curve) {
      double t5 = 0, be = 0;
      int n = 0;
      for (Map<String, String> f : fits) {
        if (f.get("model").equals(p.get("model")) && f.get("shots").equals(p.get("shots"))) {
          t5 += d(f, "top5_error");
          be += d(f, "balanced_error");
          n++;
        }
      }
      assertEquals(Integer.parseInt(p.get("seeds")), n);
      assertEquals(t5 / n, d(p, "top5_error_mean"), 1e-7, p.toString());
      assertEquals(be / n, d(p, "balanced_error_mean"), 1e-7, p.toString());
    }
    assertEquals(String.join(",", Arrays.asList(Files.readAllLines(out.resolve("curve.csv"))
        .get(0).split(","))), String.join(",",
            spark().read().parquet(out.resolve("curve").toString()).columns()));
  }

  @Test
  void comparisonCsvSummaryAndVerdictAgree() throws Exception {
    List<Map<String, String>> rows = csv("comparison.csv");
    assertEquals("nb_model,shots,seeds,mean_diff,std_diff,ci95,verdict,lr_only_right,"
        + "nb_only_right,mcnemar_p", Files.readAllLines(out.resolve("comparison.csv")).get(0));
    assertEquals(2 * 3, rows.size(), "nb and nb-perclass at 1, 5 and all");
    List<Map<String, String>> fits = csv("fits.csv");
    for (Map<String, String> r : rows) {
      // the mean difference is the difference of the means (every seed paired)
      double lr = 0, nb = 0;
      int n = 0;
      for (Map<String, String> f : fits) {
        if (!f.get("shots").equals(r.get("shots"))) continue;
        if (f.get("model").equals("lr")) lr += d(f, "error");
        if (f.get("model").equals(r.get("nb_model"))) {
          nb += d(f, "error");
          n++;
        }
      }
      assertEquals(Integer.parseInt(r.get("seeds")), n);
      assertEquals((lr - nb) / n, d(r, "mean_diff"), 1e-7, r.toString());
      if (r.get("shots").equals("all")) {
        assertEquals("", r.get("ci95"));
        // McNemar's test on the rows only one model gets right: their difference is the
        // difference of the two models' misclassified rows
        long lrOnly = Long.parseLong(r.get("lr_only_right"));
        long nbOnly = Long.parseLong(r.get("nb_only_right"));
        assertEquals(-Math.round(d(r, "mean_diff") * 599), lrOnly - nbOnly, r.toString());
        double p = d(r, "mcnemar_p");
        assertEquals(linprobe.curve.Comparison.mcnemarP(lrOnly, nbOnly), p,
            1e-7 * Math.max(p, 1e-300), r.toString());
        String v = p >= 0.05 ? "level" : lrOnly > nbOnly ? "lr better" : "nb better";
        assertTrue(r.get("verdict").startsWith(v + " (one fit; McNemar p "), r.toString());
      } else {
        assertEquals("", r.get("mcnemar_p"), r.toString());
        double m = d(r, "mean_diff"), h = d(r, "ci95");
        String v = m + h < 0 ? "lr better" : m - h > 0 ? "nb better" : "level";
        assertEquals(v, r.get("verdict"), r.toString());
      }
    }
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    JsonNode nb = s.get("comparison").get("nb");
    assertEquals(3, nb.size());
    assertEquals(rows.get(0).get("verdict"), nb.get(0).get("verdict").asText());
    assertTrue(nb.get(2).get("ci95").isNull(), "all: no interval");
    String verdict = s.get("verdict").asText();
    assertTrue(verdict.startsWith("lr is better than nb") || verdict.startsWith("no crossover"),
        verdict);
    assertEquals(verdict, Files.readString(out.resolve("curve.md")).lines()
        .filter(l -> l.startsWith("Verdict: ")).findFirst().orElseThrow().substring(9));
  }

  @Test
  void reportHasTheTitleTheVerdictsAndARunTable() throws Exception {
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<h1>Digits &lt;probe&gt;</h1>"), "--title, escaped");
    assertTrue(html.contains("<th>lr &minus; nb-perclass</th>"), "verdict per size");
    assertTrue(html.contains("<th>training rows</th><td>1,198 from "), "run table");
    assertTrue(html.contains("<th>seeds</th><td>3: 0, 1, 2</td>"), "run table");
    assertTrue(html.contains("lr_tol = 1e-6"), "settings as written");
    assertTrue(html.contains("<details><summary>summary.json</summary>"));
    assertFalse(html.contains("Lr is"), "model names as typed, never capitalized");
    assertTrue(html.contains("<th>nb-perclass top-5</th>"));
  }

  @Test
  void titleDefaultsToTheInputTablesNames() {
    CurveOptions o = CurveOptions.builder().train("/data/digits/train.parquet")
        .test("s3a://bucket/emb/test").build();
    assertEquals("digits/train.parquet vs emb/test", CurveOutput.title(o));
    assertEquals("train vs t", CurveOutput.title(CurveOptions.builder().train("train")
        .test("/t").build()));
    assertEquals("Mine", CurveOutput.title(o.toBuilder().title(" Mine ").build()));
  }
}
