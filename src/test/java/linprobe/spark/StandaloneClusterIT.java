package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real multi-process run: a Spark standalone master and two workers on loopback
 * (jobs/standalone-cluster), the application jar submitted through SparkSubmit in client mode.
 * Runs in the verify phase (failsafe), after the jar is built.
 */
class StandaloneClusterIT {
  static final String ROOT = System.getProperty("user.dir");
  @TempDir static Path tmp;
  static Path cluster;

  static Process start(List<String> cmd, Path log) throws IOException {
    return new ProcessBuilder(cmd).directory(new File(ROOT)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  static int run(Path log, String... cmd) throws Exception {
    Process p = start(List.of(cmd), log);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "timed out: " + String.join(" ", cmd));
    return p.exitValue();
  }

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = tmp.resolve("cluster");
    Files.createDirectories(cluster);
    int rc = run(tmp.resolve("start.log"), "jobs/standalone-cluster", "start", cluster.toString(),
        "2");
    assertEquals(0, rc, Files.readString(tmp.resolve("start.log")));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster == null) return;
    run(tmp.resolve("stop.log"), "jobs/standalone-cluster", "stop", cluster.toString());
    // the SPARK_HOME's jars are links into the Maven repository: removed here, JUnit's clean-up
    // would warn once per link (about 300 lines in the build's log)
    Path links = cluster.resolve("spark-home/jars");
    if (!Files.isDirectory(links)) return; // the start failed first: its error is the one to see
    try (var jars = Files.list(links)) {
      for (Path j : (Iterable<Path>) jars::iterator) Files.deleteIfExists(j);
    }
  }

  static List<String> curveArgs(String out, String dataset, String... extra) {
    List<String> a = new ArrayList<>(List.of("curve", "--train",
        ROOT + "/data-samples/" + dataset + "/train.parquet", "--test",
        ROOT + "/data-samples/" + dataset + "/test.parquet", "--out", out, "--seeds", "2",
        "--quiet"));
    a.addAll(List.of(extra));
    if (!a.contains("--models")) a.addAll(List.of("--models", "nb,nb-perclass,lr"));
    return a;
  }

  static String fitsWithoutTiming(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("fits.csv")).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).collect(Collectors.joining("\n"));
  }

  int local(Path out, String dataset, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("jobs/linprobe"));
    cmd.addAll(curveArgs(out.toString(), dataset, extra));
    Process p = start(cmd, tmp.resolve(out.getFileName() + ".log"));
    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
    return p.exitValue();
  }

  List<String> submit(Path out, String dataset, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("jobs/standalone-cluster", "submit",
        cluster.toString()));
    cmd.addAll(curveArgs(out.toString(), dataset, extra));
    return cmd;
  }

  @Test
  void clusterCurveEqualsLocalCurve() throws Exception {
    Path onCluster = tmp.resolve("cluster-digits");
    Path log = tmp.resolve("cluster-digits.log");
    Process p = start(submit(onCluster, "digits", "--shots", "1,2,5,all", "--partitions", "3"),
        log);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), Files.readString(log));
    Path local = tmp.resolve("local-digits");
    assertEquals(0, local(local, "digits", "--shots", "1,2,5,all", "--partitions", "3"));
    assertEquals(fitsWithoutTiming(local), fitsWithoutTiming(onCluster));
    assertTrue(Files.exists(onCluster.resolve("_SUCCESS")));
  }

  /** id and embedding of every row of a Parquet output, part files in name order. */
  static List<Object[]> idsAndVectors(Path dir) throws IOException {
    List<Path> parts;
    try (var s = Files.list(dir)) {
      parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    }
    List<Object[]> rows = new ArrayList<>();
    for (Path part : parts) {
      try (var reader = org.apache.parquet.hadoop.ParquetReader.builder(
          new org.apache.parquet.hadoop.example.GroupReadSupport(),
          new org.apache.hadoop.fs.Path(part.toString())).build()) {
        org.apache.parquet.example.data.Group g;
        while ((g = reader.read()) != null) {
          var list = g.getGroup("embedding", 0);
          float[] v = new float[list.getFieldRepetitionCount("list")];
          for (int i = 0; i < v.length; i++) v[i] = list.getGroup("list", i).getFloat("element", 0);
          // a CSV's ids are text, as written
          rows.add(new Object[] {g.getString("id", 0), g.getString("section", 0), v});
        }
      }
    }
    return rows;
  }

  @Test
  void embedRunsInTheApplicationJarOnTheCluster() throws Exception {
    // the cluster's SPARK_HOME has Spark's jars only: the model, ONNX Runtime and the tokenizer
    // come from the application jar, next to Spark's own Jackson
    String[] sections = {"games", "sound", "science"};
    String[] topics = {"a strategy game with %d levels", "an audio mixer with %d channels",
        "a solver for %d equations"};
    StringBuilder csv = new StringBuilder("id,section,text\n");
    for (int i = 0; i < 60; i++) {
      csv.append(i).append(',').append(sections[i % 3]).append(",\"")
          .append(String.format(topics[i % 3], i)).append(", \"\"quoted\"\"\"\n");
    }
    Path in = tmp.resolve("texts.csv");
    Files.writeString(in, csv.toString());
    Path onCluster = tmp.resolve("cluster-embed");
    Path log = tmp.resolve("cluster-embed.log");
    List<String> cmd = new ArrayList<>(List.of("jobs/standalone-cluster", "submit",
        cluster.toString(), "embed", "--input", in.toString(), "--label-col", "section",
        "--out", onCluster.toString(), "--partitions", "3", "--batch", "8"));
    Process p = start(cmd, log);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), Files.readString(log));
    assertTrue(Files.readString(log).contains("wrote 60 embeddings"), Files.readString(log));
    assertTrue(Files.exists(onCluster.resolve("_SUCCESS")));
    Path local = tmp.resolve("local-embed");
    Process q = start(List.of("jobs/linprobe", "embed", "--input", in.toString(), "--label-col",
        "section", "--out", local.toString(), "--partitions", "1", "--quiet"),
        tmp.resolve("local-embed.log"));
    assertTrue(q.waitFor(10, TimeUnit.MINUTES));
    assertEquals(0, q.exitValue(), Files.readString(tmp.resolve("local-embed.log")));
    List<Object[]> a = idsAndVectors(onCluster), b = idsAndVectors(local);
    assertEquals(60, a.size());
    assertEquals(60, b.size());
    for (int i = 0; i < 60; i++) {
      assertEquals(Integer.toString(i), a.get(i)[0], "input order on the cluster");
      assertEquals(sections[i % 3], a.get(i)[1]);
      float[] v = (float[]) a.get(i)[2];
      assertEquals(384, v.length);
      double norm = 0;
      for (float x : v) norm += (double) x * x;
      assertEquals(1.0, Math.sqrt(norm), 1e-5);
      assertTrue(java.util.Arrays.equals(v, (float[]) b.get(i)[2]),
          "row " + i + ": the cluster's vector equals the local run's, bit for bit");
    }
  }

  @Test
  void killingAWorkerMidRunGivesTheSameNumbers() throws Exception {
    // distributed L-BFGS (--local-fit-mb 0) makes a long run of many small jobs to interrupt;
    // C fixed: cross-validating every C on the cluster would be thousands of jobs
    String[] extra = {"--shots", "1,5,20", "--local-fit-mb", "0", "--partitions", "4",
        "--models", "lr", "--lr-c", "1"};
    Path onCluster = tmp.resolve("cluster-kill");
    Path log = tmp.resolve("cluster-kill.log");
    List<String> cmd = submit(onCluster, "digits", extra);
    cmd.remove("--quiet");
    Process p = start(cmd, log);
    long deadline = System.currentTimeMillis() + 300_000;
    while (!Files.readString(log).contains("[2/") && System.currentTimeMillis() < deadline) {
      assertTrue(p.isAlive(), Files.readString(log));
      Thread.sleep(200);
    }
    assertTrue(Files.readString(log).contains("[2/"), "the run reached its second fit");
    assertEquals(0, run(tmp.resolve("kill.log"), "jobs/standalone-cluster", "kill-worker",
        cluster.toString(), "1"));
    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), Files.readString(log));
    Path local = tmp.resolve("local-kill");
    assertEquals(0, local(local, "digits", extra));
    assertEquals(fitsWithoutTiming(local), fitsWithoutTiming(onCluster));
  }
}
