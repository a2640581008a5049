package linprobe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import linprobe.CurveOptions.Model;
import linprobe.CurveOptions.Setting;
import linprobe.math.Scaler;
import linprobe.spark.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options value: built and checked once, described once, for every consumer. */
class CurveOptionsTest extends SparkTestBase {
  @TempDir Path tmp;

  static CurveOptions.Builder minimal() {
    return CurveOptions.builder().train("tr").test("te");
  }

  @SuppressWarnings("unchecked")
  static Object described(CurveOptions o, Setting s) {
    return ((Map<String, Object>) o.describe().get(s.group().key())).get(s.describeKey());
  }

  @Test
  void defaultsAreThePapersProtocol() {
    CurveOptions o = minimal().build();
    assertEquals(List.of(Model.NB, Model.LR), o.models());
    assertNull(o.shots());
    assertTrue(o.includeAll());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4}, o.seeds());
    assertEquals(Scaler.Kind.MINMAX, o.scaling());
    // C chosen by cross-validation in each subset: what every linear-probe benchmark does
    assertEquals(Double.NaN, o.lrC());
    assertEquals(linprobe.plan.CSelection.defaults(), o.selection());
    assertEquals("cv", o.select());
    assertFalse(o.selection().validation());
    assertNull(o.validation());
    assertEquals(Double.NaN, o.validationFraction());
    assertEquals(1000, o.lrMaxIter());
    assertEquals(1e-6, o.lrTol());
    assertFalse(o.lrWarmStart());
    assertEquals(1e-9, o.nbEpsilon());
    assertEquals(0.01, o.epsilon());
    assertEquals("embedding", o.featuresCol());
    assertEquals("label", o.labelCol());
    assertNull(o.idCol());
    assertNull(o.out());
    assertEquals(0, o.partitions());
    assertEquals(-1, o.localFitMb());
    assertFalse(o.dropInvalid() || o.overwrite() || o.resume() || o.quiet());
  }

  @Test
  void everyBuilderSetterAppearsInDescribe() {
    Map<String, Object> d = minimal().build().describe();
    int setters = 0;
    for (Method m : CurveOptions.Builder.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers()) || m.getName().equals("build")) continue;
      setters++;
      assertEquals(CurveOptions.Builder.class, m.getReturnType(), m + " chains");
      Setting s = null;
      for (Setting x : Setting.values()) if (x.setters().contains(m.getName())) s = x;
      assertTrue(s != null, m.getName() + " sets no declared setting");
      Object group = d.get(s.group().key());
      assertTrue(group instanceof Map<?, ?> g && g.containsKey(s.describeKey()),
          m.getName() + " is missing from describe(): " + d);
    }
    assertTrue(setters >= Setting.values().length);
    // and describe() has nothing but the settings, in the groups' order
    List<String> keys = new ArrayList<>();
    d.forEach((g, v) -> ((Map<?, ?>) v).keySet().forEach(k -> keys.add(g + "." + k)));
    List<String> declared = new ArrayList<>();
    for (Setting s : Setting.values()) declared.add(s.group().key() + "." + s.describeKey());
    assertEquals(declared, keys);
    List<String> groups = new ArrayList<>();
    for (CurveOptions.Group g : CurveOptions.Group.values()) groups.add(g.key());
    assertEquals(groups, new ArrayList<>(d.keySet()));
  }

  @Test
  void everySetterChangesItsSetting() {
    CurveOptions base = minimal().build();
    List<UnaryOperator<CurveOptions.Builder>> changes = List.of(b -> b.train("x"),
        b -> b.test("x"), b -> b.out("x"), b -> b.featuresCol("x"), b -> b.labelCol("x"),
        b -> b.idCol("x"), b -> b.models("lr"), b -> b.models(List.of(Model.NB_PERCLASS)),
        b -> b.shots("1,all"), b -> b.seeds(2), b -> b.seedList(3, 7),
        b -> b.seedList("3,7,11"), b -> b.scaling("none"), b -> b.scaling(Scaler.Kind.STANDARD),
        b -> b.lrC(2), b -> b.lrMaxIter(3), b -> b.lrTol(1e-3), b -> b.lrWarmStart(true),
        b -> b.localFitMb(5), b -> b.nbEpsilon(0.5), b -> b.epsilon(0.2), b -> b.partitions(4),
        b -> b.dropInvalid(true), b -> b.overwrite(true), b -> b.resume(true),
        b -> b.quiet(true), b -> b.title("x"),
        b -> b.select("validation").validationFraction(0.1),
        b -> b.select("validation").validation("v"));
    for (UnaryOperator<CurveOptions.Builder> c : changes) {
      assertNotEquals(base.describe(), c.apply(base.toBuilder()).build().describe());
    }
  }

  @Test
  void buildChecksEverythingWithTheCliMessages() {
    assertEquals("--train and --test are required",
        assertThrows(LinprobeException.class, () -> CurveOptions.builder().test("t").build())
            .getMessage());
    String[][] cases = {
        {"--shots value -2 must be positive", "shots:-2"},
        {"--shots value 'x' is not a number", "shots:1,x"},
        {"--lr-c must be a positive number or auto, got -1.0", "lrC"},
        {"--seeds must be at least 1, got 0", "seeds"},
        {"unknown model 'svm'", "models:nb,svm"},
        {"--lr-max-iter must be at least 1", "lrMaxIter"},
        {"unknown scaling 'log': use minmax, standard or none (--scaling)", "scaling"},
        {"--seed-list has a repeated seed", "seedList"},
        {"--seed-list value 'a' is not an integer", "seedListText"},
        {"--lr-tol must be a positive number", "lrTol"},
        {"--nb-epsilon must be a positive number", "nbEpsilon"},
        {"--epsilon must be a number >= 0", "epsilon"},
        {"--partitions must be 0 (derived) to 100000", "partitions"},
        {"--local-fit-mb must be >= 0", "localFitMb"},
        {"--models is empty", "modelsList"},
        {"--select must be cv or validation, got 'holdout'", "select"},
        {"--select validation chooses C on held-out rows but --lr-c is fixed at 0.5: use "
            + "--lr-c auto, or drop --select validation", "fixedC"},
        {"--select validation needs validation rows: give --validation PATH", "noSource"},
        {"--validation and --validation-fraction are two sources of validation rows: give one "
            + "of them, not both", "bothSources"},
        {"--validation-fraction must be between 0 and 1 (exclusive), got 1.0", "fraction1"},
        {"--validation-fraction must be between 0 and 1 (exclusive), got 0.0", "fraction0"},
        {"--validation-fraction is used only to choose C on held-out rows: add --select "
            + "validation", "fractionWithCv"},
        {"--validation is used only to choose C on held-out rows", "tableWithCv"},
    };
    for (String[] c : cases) {
      CurveOptions.Builder b = minimal();
      switch (c[1]) {
        case "lrC" -> b.lrC(-1);
        case "seeds" -> b.seeds(0);
        case "lrMaxIter" -> b.lrMaxIter(0);
        case "scaling" -> b.scaling("log");
        case "seedList" -> b.seedList(3, 3);
        case "seedListText" -> b.seedList("1,a");
        case "lrTol" -> b.lrTol(0);
        case "nbEpsilon" -> b.nbEpsilon(-1);
        case "epsilon" -> b.epsilon(-0.1);
        case "partitions" -> b.partitions(-1);
        case "localFitMb" -> b.localFitMb(-2);
        case "modelsList" -> b.models(List.of());
        case "select" -> b.select("holdout");
        case "fixedC" -> b.lrC(0.5).select("validation").validationFraction(0.1);
        case "noSource" -> b.select("validation");
        case "bothSources" -> b.select("validation").validation("v").validationFraction(0.1);
        case "fraction1" -> b.select("validation").validationFraction(1);
        case "fraction0" -> b.select("validation").validationFraction(0);
        case "fractionWithCv" -> b.validationFraction(0.1);
        case "tableWithCv" -> b.validation("v");
        default -> {
          String[] kv = c[1].split(":", 2);
          if (kv[0].equals("shots")) b.shots(kv[1]);
          else b.models(kv[1]);
        }
      }
      LinprobeException e = assertThrows(LinprobeException.class, b::build, c[1]);
      assertTrue(e.getMessage().startsWith(c[0]), c[0] + " <> " + e.getMessage());
    }
  }

  @Test
  void aRangeOfOneGridPointOrNoneIsRefused() {
    for (String[] c : new String[][] {
        {"1..1", "--lr-c-range '1..1' must be LO..HI with 0 < LO < HI, e.g. 1e-4..1e4"},
        {"1e4..1e-4", "--lr-c-range '1e4..1e-4' must be LO..HI with 0 < LO < HI"},
        {"0..1", "--lr-c-range '0..1' must be LO..HI"},
        {"1..1.2", "--lr-c-range '1..1.2' holds one C of the grid, 8 per decade from LO: make HI "
            + "at least 1.34, or fix C with --lr-c 1"},
        {"3..4", "--lr-c-range '3..4' holds one C of the grid, 8 per decade from LO: make HI at "
            + "least 4.01, or fix C with --lr-c 3"},
        {"1e-4..1.2e-4", "--lr-c-range '1.0e-4..1.2e-4' holds one C of the grid, 8 per decade "
            + "from LO: make HI at least 0.000134, or fix C with --lr-c 1.0e-4"}}) {
      LinprobeException e = assertThrows(LinprobeException.class,
          () -> minimal().lrCRange(c[0]).build(), c[0]);
      assertTrue(e.getMessage().startsWith(c[1]), c[1] + " <> " + e.getMessage());
      // the HI it names is enough: two C
      if (e.getMessage().contains("make HI at least ")) {
        String hi = e.getMessage().replaceAll(".*make HI at least ([^,]+),.*", "$1");
        String lo = c[0].substring(0, c[0].indexOf(".."));
        assertEquals(2, minimal().lrCRange(lo + ".." + hi).build().selection().size(), hi);
      }
    }
    assertEquals(65, minimal().build().selection().size());
    // with C fixed the range is not searched: not refused (a --config may keep one)
    assertEquals(1.0, minimal().lrC(1.0).lrCRange("1..1.2").build().lrC());
  }

  @Test
  void autoPrecisionFitsNarrowModelsInFloat32AndScoresThemInDouble() {
    CurveOptions o = minimal().build();
    assertTrue(o.lrFloat32(10, 768), "workload A's fits in float32");
    assertFalse(o.lrFloat32(10, 64), "the bundled digits' fits in double");
    assertFalse(o.scoreFloat32(10, 768), "workload A scored in double");
    assertTrue(o.scoreFloat32(100, 2048), "workload B scored in float32");
    CurveOptions forced = minimal().lrGemm("double").scoreGemm("float32").build();
    assertFalse(forced.lrFloat32(100, 2048));
    assertTrue(forced.scoreFloat32(10, 64));
  }

  @Test
  void aValueThatCannotChange() throws Exception {
    CurveOptions o = minimal().shots("10,1,5,5,all").seedList(7, 3).build();
    assertArrayEquals(new int[] {1, 5, 10}, o.shots());
    o.shots()[0] = 99;
    o.seeds()[0] = 99;
    assertArrayEquals(new int[] {1, 5, 10}, o.shots());
    assertArrayEquals(new long[] {7, 3}, o.seeds());
    assertThrows(UnsupportedOperationException.class, () -> o.models().add(Model.LR));
    CurveOptions.Builder b = o.toBuilder();
    b.lrC(3);
    assertEquals(Double.NaN, o.lrC(), "a builder from the options does not change them (auto)");
    assertEquals(o, o.toBuilder().build());
    // Serializable, and equal after the trip
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(o, in.readObject());
    }
  }

  @Test
  void fitSettingsAreDescribeWithoutOutputAndLocalFitMb() {
    CurveOptions o = minimal().build();
    Map<String, Object> fit = o.fitSettings();
    assertFalse(fit.containsKey("output"));
    assertFalse(((Map<?, ?>) fit.get("execution")).containsKey("local_fit_mb"));
    assertFalse(((Map<?, ?>) fit.get("execution")).containsKey("score_gemm"));
    assertTrue(((Map<?, ?>) fit.get("execution")).containsKey("partitions"));
    assertEquals(fit, o.toBuilder().out("elsewhere").epsilon(0.3).localFitMb(0).quiet(true)
        .scoreGemm("float32").build().fitSettings(), "settings that do not change the fits");
    assertNotEquals(fit, o.toBuilder().lrWarmStart(true).build().fitSettings());
  }

  @Test
  void summaryConfigIsDescribe() throws Exception {
    CurveOptions o = CurveOptions.builder().train(dataSamples("digits", "train"))
        .test(dataSamples("digits", "test")).out(tmp.resolve("run").toString()).models("nb")
        .shots("1,2").seeds(1).quiet(true).build();
    LinProbe.Result r = LinProbe.curve(spark(), o);
    ObjectMapper json = new ObjectMapper();
    JsonNode written = json.readTree(Files.readString(tmp.resolve("run/summary.json")));
    JsonNode described = json.readTree(json.writeValueAsString(o.describe()));
    assertEquals(described, written.get("config"));
    assertEquals(written, json.readTree(r.summaryJson()));
    assertEquals("[\"1\",\"2\"]", written.get("shots").toString(), "the grid as run");
    // without out(...): the same run, nothing written
    CurveOptions noOut = o.toBuilder().out(null).build();
    LinProbe.Result again = LinProbe.curve(spark(), noOut);
    assertEquals(r.markdown(), again.markdown());
    try (var files = Files.list(tmp)) {
      assertEquals(1, files.count(), "only the first run's directory");
    }
  }
}
