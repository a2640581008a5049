package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spark-submit to a real YARN in its cluster deploy mode, where the driver runs inside YARN's
 * ApplicationMaster: a resource manager and a node manager on loopback (Hadoop's
 * MiniYARNCluster), containers started as processes of this machine. A finished run must be
 * SUCCEEDED in one attempt (an exit from inside main fails every run, successful ones included,
 * and YARN runs it again), a failed one FAILED with linprobe's exit code, and a driver lost
 * mid-run resumed by YARN's next attempt.
 */
class YarnIT {
  static final String ROOT = System.getProperty("user.dir");
  @TempDir static Path tmp;
  static MiniYARNCluster yarn;
  static YarnClient client;

  @BeforeAll
  static void startYarn() throws Exception {
    YarnConfiguration conf = new YarnConfiguration();
    conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage",
        "100.0");
    // hadoop-client-minicluster has no capacity-scheduler.xml: its one queue, set here
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
    conf.setInt("yarn.nodemanager.resource.memory-mb", 6144);
    conf.setInt("yarn.resourcemanager.am.max-attempts", 2); // YARN's default, made explicit
    yarn = new MiniYARNCluster("linprobe-yarn-it", 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      assertTrue(System.currentTimeMillis() < deadline, "the resource manager has no address");
      Thread.sleep(100);
    }
    client = YarnClient.createYarnClient();
    client.init(yarn.getConfig());
    client.start();
  }

  @AfterAll
  static void stopYarn() {
    if (client != null) client.stop();
    if (yarn != null) yarn.stop();
  }

  /** The jars of a classpath file of the build (target/NAME). */
  static List<String> classpath(String name) throws Exception {
    return Arrays.asList(Files.readString(Path.of(ROOT, "target", name)).strip().split(":"));
  }

  /**
   * spark-submit --master yarn --deploy-mode cluster of linprobe's jar, with args; its exit code
   * and output. Spark and spark-yarn come from the build's classpath (no Spark download): the
   * containers are given them with extraClassPath, as Spark's own YARN tests do.
   */
  static Object[] submit(String name, String... args) throws Exception {
    return submit(name, Map.of(), args);
  }

  /** As {@link #submit(String, String...)}, with Spark settings of the submission's own. */
  static Object[] submit(String name, Map<String, String> conf, String... args)
      throws Exception {
    List<String> spark = new ArrayList<>(classpath("spark-classpath.txt"));
    classpath("test-classpath.txt").stream().filter(j -> j.contains("/spark-yarn_"))
        .forEach(spark::add);
    String cp = String.join(File.pathSeparator, spark);
    Path emptyJar = tmp.resolve("no-spark.jar");
    if (!Files.exists(emptyJar)) {
      new java.util.jar.JarOutputStream(Files.newOutputStream(emptyJar)).close();
    }
    Properties props = new Properties();
    for (Map.Entry<String, String> e : yarn.getConfig()) {
      props.setProperty("spark.hadoop." + e.getKey(), e.getValue());
    }
    props.setProperty("spark.yarn.jars", "local:" + emptyJar);
    props.setProperty("spark.driver.extraClassPath", cp);
    props.setProperty("spark.executor.extraClassPath", cp);
    props.setProperty("spark.yarn.appMasterEnv.JAVA_HOME", System.getProperty("java.home"));
    props.setProperty("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"));
    props.setProperty("spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS", "1");
    props.setProperty("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
    props.setProperty("spark.yarn.stagingDir", tmp.resolve("staging").toUri().toString());
    props.setProperty("spark.executor.instances", "1");
    props.setProperty("spark.executor.memory", "1g");
    props.setProperty("spark.driver.memory", "1g");
    props.setProperty("spark.ui.enabled", "false");
    props.setProperty("spark.yarn.submit.waitAppCompletion", "true");
    conf.forEach(props::setProperty);
    Path propsFile = tmp.resolve(name + ".properties");
    try (var w = new OutputStreamWriter(new FileOutputStream(propsFile.toFile()),
        StandardCharsets.UTF_8)) {
      props.store(w, "YarnIT");
    }
    Path confDir = Files.createDirectories(tmp.resolve("yarn-conf")); // spark-submit wants one
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "@" + ROOT + "/conf/java-opens.args", "-cp", cp,
        "org.apache.spark.deploy.SparkSubmit", "--master", "yarn", "--deploy-mode", "cluster",
        "--properties-file", propsFile.toString(), "--class", "linprobe.cli.Main",
        ROOT + "/target/linprobe-0.1.0.jar"));
    cmd.addAll(List.of(args));
    Path log = tmp.resolve(name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File(ROOT))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("YARN_CONF_DIR", confDir.toString());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    assertTrue(p.waitFor(8, TimeUnit.MINUTES), name + " did not finish");
    return new Object[] {p.exitValue(), Files.readString(log)};
  }

  /** The one application whose name is linprobe's and that is not among before. */
  static ApplicationReport newApplication(List<ApplicationReport> before) throws Exception {
    List<String> seen = before.stream().map(r -> r.getApplicationId().toString()).toList();
    List<ApplicationReport> now = client.getApplications().stream()
        .filter(r -> !seen.contains(r.getApplicationId().toString())).toList();
    assertEquals(1, now.size(), now.toString());
    return now.get(0);
  }

  /** The stderr of an application's containers (under target/test/data, MiniYARNCluster's). */
  static String containerLogs(ApplicationReport app) throws Exception {
    String id = app.getApplicationId().toString();
    try (var files = Files.walk(Path.of(ROOT, "target", "test", "data", "linprobe-yarn-it"))) {
      return files.filter(f -> f.getFileName().toString().equals("stderr")
          && f.toString().contains("/" + id + "/")).sorted().map(f -> {
        try {
          return f + ":\n" + Files.readString(f);
        } catch (Exception e) {
          return f + ": " + e;
        }
      }).collect(Collectors.joining("\n"));
    }
  }

  static List<String> curve(Path out) {
    // fits on the driver (one Spark job per evaluation), recorded one by one; --resume, as a
    // YARN submission should pass, so that YARN's next attempt continues a lost driver's run
    return List.of("curve", "--train", ROOT + "/data-samples/digits/train.parquet", "--test",
        ROOT + "/data-samples/digits/test.parquet", "--out", out.toString(), "--seeds", "2",
        "--shots", "1,5,all", "--models", "nb,lr", "--lr-c", "1", "--local-fit-mb", "0",
        "--resume");
  }

  @Test
  void aFinishedRunSucceedsInOneAttemptAndALostDriverIsResumedByTheNext() throws Exception {
    Path out = tmp.resolve("out");
    List<ApplicationReport> before = client.getApplications();
    Object[] ok = submit("finished", curve(out).toArray(new String[0]));
    ApplicationReport run = newApplication(before);
    assertEquals(0, ok[0], ok[1] + "\n" + containerLogs(run));
    assertEquals(FinalApplicationStatus.SUCCEEDED, run.getFinalApplicationStatus(),
        run.getDiagnostics());
    assertEquals(1, client.getApplicationAttempts(run.getApplicationId()).size(),
        "one attempt: YARN did not run it again");
    assertTrue(Files.exists(out.resolve("_SUCCESS")));

    // the driver (YARN's ApplicationMaster) killed after its first recorded fits
    Path lost = tmp.resolve("lost");
    before = client.getApplications();
    List<ApplicationReport> earlier = before;
    java.util.concurrent.CompletableFuture<Object[]> submitted =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return submit("lost", curve(lost).toArray(new String[0]));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    Path store = tmp.resolve(".lost.linprobe-fits");
    long deadline = System.currentTimeMillis() + 300_000;
    while (recorded(store) < 2) {
      assertTrue(System.currentTimeMillis() < deadline && !submitted.isDone(),
          "no fit recorded: " + (submitted.isDone() ? submitted.get()[1] : "timed out"));
      Thread.sleep(100);
    }
    String appId = client.getApplications().stream()
        .filter(r -> earlier.stream().noneMatch(b -> b.getApplicationId()
            .equals(r.getApplicationId()))).findFirst().orElseThrow().getApplicationId()
        .toString();
    List<ProcessHandle> masters = ProcessHandle.allProcesses().filter(h -> h.info().command()
        .map(c -> c.endsWith("/java")).orElse(false) && h.info().commandLine().map(c -> c.contains("deploy.yarn.ApplicationMaster")
            && c.contains(appId.replace("application_", "container_") + "_01_"))
        .orElse(false)).toList();
    assertEquals(1, masters.size(), "the first attempt's driver (its JVM, not the container's "
        + "shell)");
    long kept = recorded(store);
    masters.get(0).destroyForcibly();
    Object[] resumed = submitted.get(8, TimeUnit.MINUTES);
    ApplicationReport retried = newApplication(before);
    assertEquals(0, resumed[0], resumed[1] + "\n" + containerLogs(retried));
    assertEquals(FinalApplicationStatus.SUCCEEDED, retried.getFinalApplicationStatus());
    assertEquals(2, client.getApplicationAttempts(retried.getApplicationId()).size());
    java.util.regex.Matcher resuming = java.util.regex.Pattern
        .compile("resuming: (\\d+) logistic regressions already fitted")
        .matcher(containerLogs(retried));
    long read = -1; // the second attempt's line, the last (the first attempt's says 0)
    while (resuming.find()) read = Long.parseLong(resuming.group(1));
    assertTrue(read >= kept && read < 5, read + " of 5 fits read back, " + kept + " seen before "
        + "the kill");
    assertEquals(ResumeIT.fitsWithoutTiming(out),
        ResumeIT.fitsWithoutTiming(lost));
    assertEquals(Files.readString(out.resolve("curve.csv")),
        Files.readString(lost.resolve("curve.csv")));
  }

  static long recorded(Path store) throws Exception {
    if (!Files.isDirectory(store)) return 0;
    try (var files = Files.list(store)) {
      return files.filter(f -> f.toString().endsWith(".bin")).count();
    }
  }

  @Test
  void aFailedRunFailsWithItsExitCodeInOneLine() throws Exception {
    List<ApplicationReport> before = client.getApplications();
    // one attempt, as operations.md says to submit for no retry (the lost driver above shows
    // YARN's second attempt)
    Object[] bad = submit("failed", Map.of("spark.yarn.maxAppAttempts", "1"), "curve",
        "--train", tmp.resolve("missing").toString(),
        "--test", ROOT + "/data-samples/digits/test.parquet", "--out",
        tmp.resolve("out2").toString());
    ApplicationReport failed = newApplication(before);
    assertNotEquals(0, bad[0], (String) bad[1]);
    assertEquals(FinalApplicationStatus.FAILED, failed.getFinalApplicationStatus());
    assertTrue(failed.getDiagnostics().contains("exited with status 2"), failed.getDiagnostics());
    assertEquals(1, client.getApplicationAttempts(failed.getApplicationId()).size());
    String logs = containerLogs(failed);
    String error = "linprobe: error: train path " + tmp.resolve("missing")
        + " does not exist: check --train";
    assertEquals(1, logs.lines().filter(l -> l.equals(error)).count(), logs);
    assertTrue(!logs.contains("\tat linprobe"), "no stack trace: " + logs);
    assertTrue(!Files.exists(tmp.resolve("out2")), "nothing written");
  }
}
