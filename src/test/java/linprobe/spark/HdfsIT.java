package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * linprobe on a real HDFS: a name node and a data node on loopback (Hadoop's MiniDFSCluster),
 * the inputs read and every output, its lock, staging directory and record of fits written
 * through HDFS's client by {@code jobs/linprobe}, as on a cluster. HDFS differs from a local
 * disk where linprobe relies on it: create without overwrite is atomic, a rename onto an
 * existing file fails instead of replacing it, a file being written is leased to its writer.
 */
class HdfsIT {
  static final String ROOT = System.getProperty("user.dir");
  static MiniDFSCluster cluster;
  static FileSystem fs;
  static String hdfs;
  @TempDir static java.nio.file.Path tmp;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    cluster = new MiniDFSCluster.Builder(conf, tmp.resolve("hdfs").toFile()).numDataNodes(1)
        .build();
    cluster.waitActive();
    fs = cluster.getFileSystem();
    hdfs = fs.getUri().toString();
    fs.mkdirs(new Path("/in"));
    for (String t : List.of("train", "test")) {
      fs.copyFromLocalFile(new Path(ROOT + "/data-samples/digits/" + t + ".parquet"),
          new Path("/in/" + t + ".parquet"));
    }
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) cluster.shutdown();
  }

  static List<String> curve(String out, String... extra) {
    List<String> a = new ArrayList<>(List.of("jobs/linprobe", "curve", "--train",
        hdfs + "/in/train.parquet", "--test", hdfs + "/in/test.parquet", "--out", out,
        "--seeds", "2", "--shots", "1,2,5,all", "--models", "nb,lr"));
    a.addAll(List.of(extra));
    return a;
  }

  static Process start(List<String> cmd, java.nio.file.Path log) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File(ROOT))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("LINPROBE_MASTER", "local[2]");
    return pb.start();
  }

  /** Runs cmd to its end; its exit code and output. */
  static Object[] run(List<String> cmd, String name) throws Exception {
    java.nio.file.Path log = tmp.resolve(name + ".log");
    Process p = start(cmd, log);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), name + " did not finish");
    return new Object[] {p.exitValue(), Files.readString(log)};
  }

  static String read(String file) throws Exception {
    Path p = new Path(file);
    try (var in = p.getFileSystem(fs.getConf()).open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String fitsWithoutTiming(String dir) throws Exception {
    return read(dir + "/fits.csv").lines().map(l -> l.substring(0, l.lastIndexOf(',')))
        .collect(Collectors.joining("\n"));
  }

  static List<String> names(String dir) throws Exception {
    return Arrays.stream(fs.listStatus(new Path(dir))).map(FileStatus::getPath)
        .map(Path::getName).sorted().toList();
  }

  static void assertRefused(Object[] r, int code, String expected) {
    String out = (String) r[1];
    assertEquals(code, r[0], out);
    List<String> lines = out.lines().toList();
    assertTrue(lines.get(lines.size() - 1).contains(expected), out);
    assertFalse(out.contains("\tat "), "no stack trace:\n" + out);
  }

  @Test
  void aHeldLockIsRenewedOnHdfs() throws Exception {
    // how a run on another host is told from a lost one (LockHeartbeatTest, on a local disk)
    long every = OutputDir.heartbeatMs;
    OutputDir.heartbeatMs = 100;
    try {
      OutputDir dir = OutputDir.check(hdfs + "/held/out", false, fs.getConf());
      Path lock = new Path("/held/.out.linprobe-lock");
      long made = fs.getFileStatus(lock).getModificationTime();
      Thread.sleep(600);
      assertTrue(fs.getFileStatus(lock).getModificationTime() > made, "renewed");
      dir.abort();
      assertFalse(fs.exists(lock), "released");
    } finally {
      OutputDir.heartbeatMs = every;
    }
  }

  @Test
  void fitsRecordedAtOnceByTwoTasksAndTwiceByARetriedOneAreAllKept() throws Exception {
    // two chains' first fits finish together: both writers make the store's fingerprint
    for (int trial = 0; trial < 10; trial++) {
      Path out = new Path(hdfs + "/race/" + trial + "/out");
      FitStore store = FitStore.open(out, "fp", false, false, fs.getConf());
      linprobe.plan.Subset[] subsets = {
          FitStoreTest.subset(new linprobe.plan.SubsetId.Sampled(0, 1, 0, 1)),
          FitStoreTest.subset(new linprobe.plan.SubsetId.Sampled(1, 1, 0, 1))};
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
      List<java.util.concurrent.CompletableFuture<Void>> writers = new ArrayList<>();
      for (linprobe.plan.Subset s : subsets) {
        writers.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
          try {
            together.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          store.record(linprobe.plan.FitResult.logistic(s, 2, new double[] {1, 2, 3, 4, 5, 6},
              3, true, 1));
        }));
      }
      for (var w : writers) w.get(1, TimeUnit.MINUTES); // a failed writer fails the test
      // a retried task records its fit again: the record is kept, nothing half-written beside
      store.record(linprobe.plan.FitResult.logistic(subsets[0], 2, new double[6], 3, true, 1));
      for (linprobe.plan.Subset s : subsets) {
        assertEquals(3, store.find(s, 2).iterations(), "trial " + trial);
      }
      assertEquals(List.of("fingerprint", FitStore.name(subsets[0]), FitStore.name(subsets[1]))
          .stream().sorted().toList(), names("/race/" + trial + "/.out.linprobe-fits"));
    }
  }

  @Test
  void curveFromAndToHdfsGivesTheLocalTablesAndGuardsItsOutput() throws Exception {
    // C chosen by cross-validation (the default): each seed's chain of small fits runs in a
    // Spark task, which records every fit on HDFS as it finishes, two tasks at once
    String out = hdfs + "/runs/tuned";
    Object[] first = run(curve(out), "tuned");
    assertEquals(0, first[0], (String) first[1]);
    String local = tmp.resolve("local-tuned").toString();
    Object[] onDisk = run(List.of("jobs/linprobe", "curve", "--train",
        ROOT + "/data-samples/digits/train.parquet", "--test",
        ROOT + "/data-samples/digits/test.parquet", "--out", local, "--seeds", "2", "--shots",
        "1,2,5,all", "--models", "nb,lr"), "local-tuned");
    assertEquals(0, onDisk[0], (String) onDisk[1]);
    assertEquals(fitsWithoutTiming("file://" + local), fitsWithoutTiming(out));
    for (String table : List.of("curve.csv", "comparison.csv", "per_class.csv", "curve.md")) {
      assertEquals(read("file://" + local + "/" + table), read(out + "/" + table), table);
    }
    // nothing beside the output: no lock, no staging directory, no record of fits
    assertEquals(List.of("tuned"), names("/runs"));
    assertTrue(names("/runs/tuned").contains("_SUCCESS"), names("/runs/tuned").toString());

    // the output is the user's: refused without --overwrite, in one line
    long written = fs.getFileStatus(new Path("/runs/tuned/_SUCCESS")).getModificationTime();
    assertRefused(run(curve(out), "again"), 2, "output " + out
        + " already exists and is not empty: choose another --out, or pass --overwrite");
    Object[] resumed = run(curve(out, "--resume"), "resume-finished");
    assertEquals(0, resumed[0], (String) resumed[1]);
    assertTrue(((String) resumed[1]).contains("already complete"), (String) resumed[1]);
    assertEquals(written,
        fs.getFileStatus(new Path("/runs/tuned/_SUCCESS")).getModificationTime());
    List<String> oneSeed = curve(out, "--overwrite");
    oneSeed.set(oneSeed.indexOf("--seeds") + 1, "1");
    Object[] replaced = run(oneSeed, "overwrite");
    assertEquals(0, replaced[0], (String) replaced[1]);
    assertEquals(List.of("tuned"), names("/runs"));
    assertEquals(List.of("0"), read(out + "/fits.csv").lines().skip(1)
        .map(l -> l.split(",")[2]).filter(seed -> !seed.isEmpty()).distinct().sorted().toList(),
        "the old output was replaced: the seeds of the second run only");
  }

  @Test
  void embedFromAndToHdfsGivesTheLocalVectors() throws Exception {
    // embed reads a text table (its format told from the name) and writes a Parquet dataset,
    // moved in place as a whole
    java.nio.file.Path csv = tmp.resolve("texts.csv");
    Files.write(csv, Files.readAllLines(java.nio.file.Path.of(ROOT,
        "data-samples/packages/text/train.csv")).subList(0, 41));
    fs.mkdirs(new Path("/text"));
    fs.copyFromLocalFile(new Path(csv.toString()), new Path("/text/texts.csv"));
    String out = hdfs + "/emb/texts";
    Object[] onHdfs = run(List.of("jobs/linprobe", "embed", "--input", hdfs + "/text/texts.csv",
        "--out", out), "embed-hdfs");
    assertEquals(0, onHdfs[0], (String) onHdfs[1]);
    String local = tmp.resolve("emb-texts").toString();
    Object[] onDisk = run(List.of("jobs/linprobe", "embed", "--input", csv.toString(), "--out",
        local), "embed-local");
    assertEquals(0, onDisk[0], (String) onDisk[1]);
    assertEquals(List.of("texts"), names("/emb"));
    assertTrue(names("/emb/texts").contains("_SUCCESS"), names("/emb/texts").toString());
    var fromHdfs = SparkTestBase.spark().read().parquet(out).orderBy("id").collectAsList();
    assertEquals(40, fromHdfs.size());
    assertEquals(SparkTestBase.spark().read().parquet(local).orderBy("id").collectAsList(),
        fromHdfs);
  }

  @Test
  void sigtermThenResumeOnHdfsGivesTheUninterruptedTables() throws Exception {
    // fits on the driver, one Spark job per evaluation, reported one by one: stop after two
    String out = hdfs + "/resumed/run";
    List<String> cmd = curve(out, "--local-fit-mb", "0", "--lr-c", "1");
    java.nio.file.Path log = tmp.resolve("stopped.log");
    Process p = start(cmd, log);
    long deadline = System.currentTimeMillis() + 300_000;
    while (Files.readAllLines(log).stream().filter(l -> l.contains("] lr ")).count() < 2
        && System.currentTimeMillis() < deadline) {
      assertTrue(p.isAlive(), Files.readString(log));
      Thread.sleep(100);
    }
    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(143, p.exitValue(), Files.readString(log));
    assertFalse(fs.exists(new Path(out)), "a stopped run leaves no output directory");
    // what is left beside it: the record of fits only (the lock released, staging removed)
    assertEquals(List.of(".run.linprobe-fits"), names("/resumed"));
    long recorded = names("/resumed/.run.linprobe-fits").stream()
        .filter(n -> n.endsWith(".bin")).count();
    assertTrue(recorded >= 2 && recorded < 7, recorded + " of 7 fits recorded");

    Object[] resumed = run(curve(out, "--local-fit-mb", "0", "--lr-c", "1", "--resume"),
        "resumed");
    assertEquals(0, resumed[0], (String) resumed[1]);
    assertTrue(((String) resumed[1]).contains("resuming: " + recorded
        + " logistic regressions already fitted"), (String) resumed[1]);
    assertEquals(List.of("run"), names("/resumed"));

    Object[] whole = run(curve(hdfs + "/resumed/whole", "--local-fit-mb", "0", "--lr-c", "1"),
        "whole");
    assertEquals(0, whole[0], (String) whole[1]);
    assertEquals(fitsWithoutTiming(hdfs + "/resumed/whole"), fitsWithoutTiming(out));
    assertEquals(read(hdfs + "/resumed/whole/curve.csv"), read(out + "/curve.csv"));
  }
}
