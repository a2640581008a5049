package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import linprobe.CurveOptions;
import linprobe.LinprobeException;
import linprobe.spark.SparkTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** One test per layer: flag > spark.linprobe.* > --config file > built-in defaults. */
class ConfigPrecedenceTest extends SparkTestBase {
  @TempDir Path tmp;

  static CurveOptions parse(String... extra) {
    List<String> args = new ArrayList<>(List.of("--train", "a", "--test", "b", "--out", "c"));
    args.addAll(List.of(extra));
    String[] a = args.toArray(new String[0]);
    CommandLine cl = new CommandLine(new CurveCommand());
    cl.setDefaultValueProvider(LayeredDefaults.from(a));
    cl.parseArgs(a);
    return ((CurveCommand) cl.getCommand()).options();
  }

  @Test
  void readingTheConfigFileLeavesHadoopsFileSystemCacheAlone() throws Exception {
    // --config is read before Spark starts: a file system it left in Hadoop's cache (keyed by
    // scheme and user, not by configuration) would be every later file: lookup's, without the
    // launcher's spark.hadoop.fs.file.impl. A user of its own keeps this test's cache entries apart.
    String path = config("lr-c = 0.5\n");
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    conf.set("fs.file.impl", linprobe.spark.NioLocalFileSystem.class.getName());
    var user = org.apache.hadoop.security.UserGroupInformation.createRemoteUser("config-reader");
    Class<?> after = user.doAs((java.security.PrivilegedExceptionAction<Class<?>>) () -> {
      assertEquals("0.5", LayeredDefaults.loadConfig(path).getProperty("lr-c"));
      return org.apache.hadoop.fs.FileSystem.get(java.net.URI.create("file:///"), conf)
          .getClass();
    });
    assertEquals(linprobe.spark.NioLocalFileSystem.class, after);
  }

  String config(String text) throws Exception {
    Path p = tmp.resolve("linprobe.properties");
    Files.writeString(p, text);
    return p.toString();
  }

  @AfterEach
  void clearSparkConf() {
    spark().conf().unset("spark.linprobe.lr-c");
    spark().conf().unset("spark.linprobe.lrMaxIter");
    spark().conf().unset("spark.linprobe.lr-cc");
    spark().conf().unset("spark.linprobe.seed-list");
    spark().conf().unset("spark.linprobe.overwrite");
  }

  @Test
  void builtInDefaultsAreThePapersProtocol() {
    CurveOptions o = parse();
    // C is chosen from data by default (--lr-c auto); the paper's C = 1 is one flag away
    assertTrue(Double.isNaN(o.lrC()));
    assertEquals(linprobe.plan.CSelection.defaults(), o.selection());
    assertEquals(1.0, parse("--lr-c", "1").lrC());
    assertEquals(null, parse("--lr-c", "1").selection());
    assertEquals(1000, o.lrMaxIter());
    assertEquals(5, o.seeds().length);
    assertEquals(List.of(CurveOptions.Model.NB, CurveOptions.Model.LR), o.models());
  }

  @Test
  void configFileOverridesBuiltInDefaults() throws Exception {
    CurveOptions o = parse("--config", config("lr-c = 0.5\nmodels = lr\nshots = 1,2,all\n"));
    assertEquals(0.5, o.lrC());
    assertEquals(List.of(CurveOptions.Model.LR), o.models());
    assertArrayEquals(new int[] {1, 2}, o.shots());
  }

  @Test
  void sparkConfOverridesConfigFile() throws Exception {
    spark().conf().set("spark.linprobe.lr-c", "0.25");
    spark().conf().set("spark.linprobe.lrMaxIter", "7");
    CurveOptions o = parse("--config", config("lr-c = 0.5\nlr-max-iter = 9\n"));
    assertEquals(0.25, o.lrC());
    assertEquals(7, o.lrMaxIter());
  }

  @Test
  void flagOverridesEverything() throws Exception {
    spark().conf().set("spark.linprobe.lr-c", "0.25");
    CurveOptions o = parse("--config", config("lr-c = 0.5\n"), "--lr-c", "2");
    assertEquals(2.0, o.lrC());
  }

  @Test
  void aLayerGivingOneOfTwoExclusiveOptionsHidesTheOtherBelowIt() throws Exception {
    String cfg = config("seeds = 5\nvalidation-fraction = 0.1\nselect = validation\n");
    CurveOptions o = parse("--config", cfg, "--seed-list", "3,7", "--validation", "v");
    assertArrayEquals(new long[] {3, 7}, o.seeds());
    assertEquals("v", o.validation());
    assertTrue(Double.isNaN(o.validationFraction()));
    spark().conf().set("spark.linprobe.seed-list", "4,9");
    assertArrayEquals(new long[] {4, 9}, parse("--config", cfg).seeds());
    assertArrayEquals(new long[] {0, 1}, parse("--config", cfg, "--seeds", "2").seeds());
    spark().conf().unset("spark.linprobe.seed-list");
    // both in one layer: refused, with that layer named
    String both = config("seeds = 5\nseed-list = 1,2\n");
    CliTest.Run r = CliTest.run("curve", "--train", "a", "--test", "b", "--out",
        tmp.resolve("o").toString(), "--config", both);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("give --seeds or --seed-list, not both (the value comes from "
        + "config file " + both), r.err());
  }

  @Test
  void aPathFromTheConfigFileThatTheRunCannotUseNamesTheFile() throws Exception {
    String cfg = config("train = s3a://bucket/train\n");
    CliTest.Run r = CliTest.run("curve", "--test", dataSamples("digits", "test"), "--out",
        tmp.resolve("o").toString(), "--config", cfg);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--train s3a://bucket/train: no Hadoop file system for 's3a:'")
        && r.err().contains("(the value comes from config file " + cfg + ", key 'train': fix "
            + "it there)"), r.err());
  }

  @Test
  void onlyCurveTakesItsOptionsFromSparkSettings() throws Exception {
    Path taken = tmp.resolve("taken");
    Files.createDirectories(taken);
    Files.writeString(taken.resolve("mine.txt"), "keep");
    spark().conf().set("spark.linprobe.overwrite", "true");
    CliTest.Run r = CliTest.run("generate", "--out", taken.toString(), "--dims", "2",
        "--train-rows", "10", "--test-rows", "10", "--quiet");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("already exists and is not empty"), r.err());
    assertEquals("keep", Files.readString(taken.resolve("mine.txt")));
  }

  @Test
  void aBadValueInALowerLayerNamesItsPlaceNotAFlagNeverTyped() throws Exception {
    String bad = config("lr-c = -1\n");
    CliTest.Run r = CliTest.run("curve", "--train", "a", "--test", "b", "--out",
        tmp.resolve("o").toString(), "--config", bad);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--lr-c must be a positive number")
        && r.err().contains("(the value comes from config file " + bad + ", key 'lr-c': fix it "
            + "there)"), r.err());
    Path other = tmp.resolve("other.properties");
    Files.writeString(other, "lr-max-iter = lots\n");
    String notANumber = other.toString();
    r = CliTest.run("curve", "--train", "a", "--test", "b", "--out", tmp.resolve("o").toString(),
        "--config", notANumber);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("'lots'") && r.err().contains("config file " + notANumber
        + ", key 'lr-max-iter'"), r.err());
    spark().conf().set("spark.linprobe.lr-c", "0");
    r = CliTest.run("curve", "--train", "a", "--test", "b", "--out", tmp.resolve("o").toString());
    assertTrue(r.err().contains("(the value comes from Spark setting spark.linprobe.lr-c"),
        r.err());
    // typed on the command line: the flag is the place, nothing is added
    r = CliTest.run("curve", "--train", "a", "--test", "b", "--out", tmp.resolve("o").toString(),
        "--lr-c", "-2", "--config", bad);
    assertTrue(r.err().contains("--lr-c must be a positive number")
        && !r.err().contains("comes from"), r.err());
  }

  @Test
  void typosInConfigFileOrSparkConfAreErrors() throws Exception {
    String cfg = config("lr-cc = 0.5\n");
    LinprobeException e = assertThrows(LinprobeException.class, () -> parse("--config", cfg));
    assertTrue(e.getMessage().contains("unknown key 'lr-cc' (did you mean 'lr-c'?): keys are "
        + "curve's flag names without the leading --, e.g. lr-c"), e.getMessage());
    String underscore = config("lr_c = 0.5\n");
    e = assertThrows(LinprobeException.class, () -> parse("--config", underscore));
    assertTrue(e.getMessage().contains("'lr_c' (did you mean 'lr-c'?)"), e.getMessage());
    // a key without a value is not silently false or empty
    String empty = config("drop-invalid =\n");
    e = assertThrows(LinprobeException.class, () -> parse("--config", empty));
    assertTrue(e.getMessage().contains("gives 'drop-invalid' no value: give it one, or remove "
        + "the line"), e.getMessage());
    spark().conf().set("spark.linprobe.lr-cc", "1");
    e = assertThrows(LinprobeException.class, ConfigPrecedenceTest::parse);
    assertTrue(e.getMessage().contains("unknown Spark setting 'spark.linprobe.lr-cc'"));
  }

  @Test
  void shippedConfigFileEqualsTheBuiltInDefaults() {
    String shipped = System.getProperty("user.dir") + "/conf/linprobe.properties";
    CurveOptions fromFile = parse("--config", shipped);
    CurveOptions builtIn = CurveOptions.builder().train("a").test("b").out("c").build();
    assertEquals(builtIn.featuresCol(), fromFile.featuresCol());
    assertEquals(builtIn.labelCol(), fromFile.labelCol());
    assertEquals(builtIn.models(), fromFile.models());
    assertArrayEquals(builtIn.seeds(), fromFile.seeds());
    assertEquals(builtIn.scaling(), fromFile.scaling());
    assertEquals(builtIn.lrC(), fromFile.lrC());
    assertEquals(builtIn.lrMaxIter(), fromFile.lrMaxIter());
    assertEquals(builtIn.lrTol(), fromFile.lrTol());
    assertEquals(builtIn.nbEpsilon(), fromFile.nbEpsilon());
    assertEquals(builtIn.epsilon(), fromFile.epsilon());
    // and every other setting: the whole description is the same
    assertEquals(builtIn.describe(), fromFile.describe());
  }

  @Test
  void shippedConfigFileNamesEverySetting() throws Exception {
    // each setting is set there or listed among the others possible: the file cannot drift
    String shipped = Files.readString(Path.of(System.getProperty("user.dir"),
        "conf/linprobe.properties"));
    java.util.Properties p = new java.util.Properties();
    p.load(new java.io.StringReader(shipped));
    for (CurveOptions.Setting s : CurveOptions.Setting.values()) {
      if (p.containsKey(s.key())) {
        assertEquals(s.defaultText(), p.getProperty(s.key()), s.key());
      } else {
        assertTrue(shipped.matches("(?s).*#[^\\n]*\\b" + s.key() + "\\b.*"),
            s.key() + " is neither set nor listed in conf/linprobe.properties");
      }
    }
  }

  @Test
  void everySettingIsACurveFlagAndEveryFlagReachesTheOptions() {
    // a non-default value for every setting, given as flags; the CLI must hand each one over
    String[] args = {"--train", "tr", "--test", "te", "--out", "o", "--features-col", "f",
        "--label-col", "l", "--id-col", "i", "--drop-invalid", "--models", "lr",
        "--shots", "3,all", "--seeds", "2", "--scaling", "standard", "--lr-c", "0.5",
        "--lr-max-iter", "7", "--lr-tol", "1e-4", "--lr-cv-tol", "1e-3", "--lr-gemm", "float32",
        "--score-gemm", "double", "--lr-warm-start", "--nb-epsilon", "0.1",
        "--partitions", "3", "--local-fit-mb", "9", "--epsilon", "0.5", "--overwrite",
        "--lr-c-range", "1e-2..1e2", "--select-metric", "error", "--lr-c-fallback", "2",
        "--lr-c-patience", "0", "--resume", "--quiet", "--title", "T"};
    CommandLine cl = new CommandLine(new CurveCommand());
    cl.parseArgs(args);
    CurveOptions o = ((CurveCommand) cl.getCommand()).options();
    CurveOptions expected = CurveOptions.builder().train("tr").test("te").out("o")
        .featuresCol("f").labelCol("l").idCol("i").dropInvalid(true).models("lr")
        .shots("3,all").seeds(2).scaling("standard").lrC(0.5).lrMaxIter(7).lrTol(1e-4)
        .lrCvTol(1e-3).lrGemm("float32").scoreGemm("double").lrWarmStart(true).nbEpsilon(0.1).partitions(3)
        .localFitMb(9).epsilon(0.5)
        .lrCRange("1e-2..1e2").selectMetric("error").lrCFallback(2).lrCPatience(0)
        .overwrite(true).resume(true).quiet(true).title("T").build();
    assertEquals(expected.describe(), o.describe());
    // C chosen on validation rows: a table, or a fraction of train (one of the two; --lr-c auto)
    String[][] validation = {{"--train", "tr", "--test", "te", "--out", "o", "--select",
        "validation", "--validation", "v"}, {"--train", "tr", "--test", "te", "--out", "o",
        "--select", "validation", "--validation-fraction", "0.2"}};
    List<CurveOptions> parsed = new java.util.ArrayList<>(List.of(o));
    List<String> flags = new java.util.ArrayList<>(List.of(args));
    for (String[] a : validation) {
      CommandLine v = new CommandLine(new CurveCommand());
      v.parseArgs(a);
      parsed.add(((CurveCommand) v.getCommand()).options());
      flags.addAll(List.of(a));
    }
    assertEquals(CurveOptions.builder().train("tr").test("te").out("o").select("validation")
        .validation("v").build().describe(), parsed.get(1).describe());
    assertEquals(CurveOptions.builder().train("tr").test("te").out("o").select("validation")
        .validationFraction(0.2).build().describe(), parsed.get(2).describe());
    CurveOptions defaults = CurveOptions.builder().train("a").test("b").out("c").build();
    for (CurveOptions.Setting s : CurveOptions.Setting.values()) {
      assertTrue(flags.contains("--" + s.key()), "curve has no flag --" + s.key());
      Object dflt = ((java.util.Map<?, ?>) defaults.describe().get(s.group().key()))
          .get(s.describeKey());
      boolean handed = false;
      for (CurveOptions p : parsed) {
        Object given = p.describe().get(s.group().key()) instanceof java.util.Map<?, ?> g
            ? g.get(s.describeKey()) : null;
        handed |= !java.util.Objects.equals(given, dflt);
      }
      assertTrue(handed, "--" + s.key() + " was not handed over");
    }
  }

  @Test
  void curveHelpShowsEachSettingsDocAndDefault() {
    java.io.StringWriter help = new java.io.StringWriter();
    CommandLine cl = new CommandLine(new CurveCommand());
    cl.usage(new java.io.PrintWriter(help));
    String text = help.toString().replaceAll("\\s+", " ");
    for (CurveOptions.Setting s : CurveOptions.Setting.values()) {
      assertTrue(text.contains(s.help().replaceAll("\\s+", " ")), "help of --" + s.key()
          + ": " + s.help() + "\n" + text);
    }
  }
}
