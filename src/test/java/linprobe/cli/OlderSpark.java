package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar, compiled against Spark 4.2, run on an older Spark's own classpath (each
 * subclass names one: the Spark of a Databricks Runtime, since a JAR task runs the jar on the
 * runtime's Spark, not on the one it was built with). A call into an API that the older Spark
 * does not have fails only when it runs (NoSuchMethodError), so the paths a JAR task takes are
 * run here: the demo, whose curve.csv must equal the pinned one; embed, the sentence model inside
 * Spark tasks; and a failed run in a hosted driver, which must end in Spark's
 * SparkUserAppException carrying the exit code (on Spark 4.0 it once died of NoSuchMethodError
 * there). The older Spark's jars are resolved by a Maven run of their own (this build's Maven,
 * local repository, settings file and offline mode).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OlderSpark {
  /** The Spark version whose jars the application jar runs on. */
  abstract String spark();

  /** DATABRICKS_RUNTIME_VERSION of a runtime with this Spark. */
  abstract String runtime();

  Path dir; // one temporary directory for the class's tests
  String classpath;

  record Run(int code, String out, String err) {}

  @BeforeAll
  void resolveSpark(@TempDir Path tmp) throws Exception {
    dir = tmp;
    // Spark 4.0 and 4.1 run on Java 17 and 21; from Java 23 Spark 4.0's Hadoop (3.4.1) fails at
    // the first file ("getSubject is not supported"), and Databricks runs Java 17
    String version = spark();
    assumeTrue(Runtime.version().feature() < 23, "Spark " + version + " does not run on Java "
        + Runtime.version().feature());
    Path pom = dir.resolve("pom.xml");
    Files.writeString(pom, "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
        + "  <modelVersion>4.0.0</modelVersion>\n"
        + "  <groupId>linprobe.test</groupId><artifactId>spark-" + version + "</artifactId>"
        + "<version>1</version>\n  <dependencies>\n"
        + "    <dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_2.13</artifactId>"
        + "<version>" + version + "</version></dependency>\n"
        + "    <dependency><groupId>org.apache.spark</groupId>"
        + "<artifactId>spark-mllib_2.13</artifactId><version>" + version + "</version></dependency>\n"
        + "  </dependencies>\n</project>\n");
    Path out = dir.resolve("classpath.txt");
    // the Maven running this build (failsafe passes its home), else the PATH's
    String home = System.getProperty("linprobe.m2.home", "");
    Path own = home.startsWith("${") || home.isEmpty() ? null : Path.of(home, "bin", "mvn");
    String maven = own != null && Files.isExecutable(own) ? own.toString() : "mvn";
    List<String> mvn = new ArrayList<>(List.of(maven, "-B", "-q", "-f", pom.toString(),
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
        "-Dmdep.outputFile=" + out));
    // the surrounding build's local repository, settings file (its mirrors) and offline mode
    // (failsafe passes them)
    String repo = System.getProperty("linprobe.m2.repo", "");
    if (!repo.isEmpty() && !repo.startsWith("${")) mvn.add("-Dmaven.repo.local=" + repo);
    String settings = System.getProperty("linprobe.m2.settings", "");
    if (!settings.startsWith("${") && Files.isRegularFile(Path.of(settings))) {
      mvn.addAll(List.of("-s", settings));
    }
    if (Boolean.parseBoolean(System.getProperty("linprobe.m2.offline"))) mvn.add("-o");
    Path log = dir.resolve("mvn.log");
    Process p = new ProcessBuilder(mvn).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    assertEquals(0, finish(p), "resolving Spark " + version + ": " + Files.readString(log));
    classpath = Files.readString(out).strip();
    assertTrue(classpath.contains("spark-core_2.13-" + version + ".jar"), classpath);
  }

  /** The exit code of a process given 10 minutes (killed after them, and the test failed). */
  static int finish(Process p) throws InterruptedException {
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("still running after 10 minutes: " + p.info().commandLine().orElse("?"));
    }
    return p.exitValue();
  }

  /** linprobe's Main on the older Spark, as jobs/linprobe starts it, with env added. */
  Run linprobe(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
        "@conf/java-opens.args", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
        "-Dspark.master=local[2]", "-Dspark.ui.enabled=false",
        "-Dlog4j2.configurationFile=conf/log4j2.properties",
        "-cp", "target/linprobe-0.1.0.jar" + java.io.File.pathSeparator + classpath,
        "linprobe.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("DATABRICKS_RUNTIME_VERSION");
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err",
        ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    int code = finish(pb.start());
    return new Run(code, Files.readString(out), Files.readString(err));
  }

  @Test
  void theDemoGivesThePinnedCurve() throws Exception {
    Path out = dir.resolve("demo");
    Run r = linprobe(Map.of(), "demo", "--out", out.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    String difference = GoldenCurveTest.curveDifference(
        Files.readString(Path.of(GoldenCurveTest.DEMO_GOLDEN)),
        Files.readString(out.resolve("curve.csv")));
    assertEquals(null, difference, "the demo's curve.csv on Spark " + spark());
  }

  @Test
  void embedRunsTheSentenceModelInSparkTasks() throws Exception {
    Path csv = dir.resolve("texts.csv");
    List<String> lines = Files.readAllLines(Path.of("data-samples/packages/text/test.csv"));
    Files.write(csv, lines.subList(0, 21)); // the header and 20 rows
    Path out = dir.resolve("emb");
    Run r = linprobe(Map.of(), "embed", "--input", csv.toString(),
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("wrote 20 embeddings of 'text' (all-minilm-l6-v2-q, 384 "
        + "dimensions)"), r.err());
    assertTrue(Files.exists(out.resolve("_SUCCESS")), "committed");
  }

  @Test
  void aHostedDriverFailsWithItsExitCode() throws Exception {
    // a Databricks JAR task: main must throw Spark's SparkUserAppException with the exit code
    // (2: bad input), not exit and not die of a missing constructor
    Run r = linprobe(Map.of("DATABRICKS_RUNTIME_VERSION", runtime()), "curve", "--train",
        dir.resolve("missing").toString(), "--test", dir.resolve("missing").toString(),
        "--out", dir.resolve("never").toString());
    assertTrue(r.code() != 0, "a failure exits non-zero");
    assertTrue(r.err().contains("linprobe: error: train path"), r.err());
    assertTrue(r.err().contains("org.apache.spark.SparkUserAppException: User application "
        + "exited with 2"), r.err());
    assertFalse(r.err().contains("NoSuchMethodError"), r.err());
    assertFalse(Files.exists(dir.resolve("never")), "nothing written");
  }
}
