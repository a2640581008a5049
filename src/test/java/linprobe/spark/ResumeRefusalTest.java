package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import linprobe.CurveOptions;
import linprobe.LinprobeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --resume over changed data: an interrupted run's recorded fits belong to its training rows;
 * other rows at the same path (same shape, same class counts) are refused, exit 2.
 */
class ResumeRefusalTest extends SparkTestBase {
  @TempDir Path tmp;

  record Run(int code, String err) {}

  static Run run(String... args) {
    var err = new java.io.ByteArrayOutputStream();
    int code = linprobe.cli.Main.execute(args, new java.io.PrintStream(
        new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err, true));
    return new Run(code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  static void table(String path, long seed) {
    Random rnd = new Random(seed);
    int n = 60, d = 4;
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int r = 0; r < n; r++) {
      y[r] = r % 3;
      for (int j = 0; j < d; j++) x[r * d + j] = (float) (rnd.nextGaussian() + (j == y[r] ? 2 : 0));
    }
    writeParquet(path, x, y, d, 2);
  }

  /** A record of another format or version is named as such; more than three changes counted. */
  @Test
  void theDifferenceNamesTheVersionOrCountsTheRest() throws Exception {
    assertEquals("recorded by another linprobe version",
        FitStore.difference("linprobe fits v4\nx", "linprobe fits v5\nx"));
    assertEquals("recorded by linprobe 0.0.9", FitStore.difference(
        "linprobe fits v5\nlinprobe version: 0.0.9", "linprobe fits v5\nlinprobe version: 0.1.0"));
    assertEquals("--c unset (was 0)", FitStore.difference("v\n--c: 0", "v"));
    // an older build's record: no "rerun it with the same ones", only starting over
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(tmp.resolve("old").toUri());
    Path store = Files.createDirectories(tmp.resolve(".old.linprobe-fits"));
    Files.writeString(store.resolve("fingerprint"), "linprobe fits v4\nx");
    LinprobeException e = org.junit.jupiter.api.Assertions.assertThrows(LinprobeException.class,
        () -> FitStore.open(target, "linprobe fits v5\nx", true, false,
            new org.apache.hadoop.conf.Configuration()));
    assertEquals("--resume: the unfinished run into " + target + " was recorded by another "
        + "linprobe version, whose fits this one does not use; use --overwrite instead of "
        + "--resume to start over", e.getMessage());
    assertEquals("--shots [1, 2] (was default)", FitStore.difference(
        "v\nshots: [1, 2, 5]\n--shots: null", "v\nshots: [1, 2]\n--shots: [1, 2]"));
    assertEquals("--a 1 (was 0), --b 1 (was 0), --d 1 (was 0) and 1 more",
        FitStore.difference("v\n--a: 0\n--b: 0\n--c: 0\n--d: 0",
            "v\n--a: 1\n--b: 1\n--d: 1"));
  }

  @Test
  void resumeOverOtherRowsAtTheSamePathIsRefused() throws Exception {
    String train = tmp.resolve("train").toString();
    String test = tmp.resolve("test").toString();
    table(train, 1);
    table(test, 2);
    Path out = tmp.resolve("out");
    // an interrupted run: the fits are recorded beside --out, nothing is committed
    CurveOptions o = CurveOptions.builder().train(train).test(test).out(out.toString())
        .shots("1,2,5,all").seeds(2).models("lr").lrC(1).quiet(true).build();
    CurveJob job = new CurveJob(spark(), o, Progress.silent(),
        new org.apache.hadoop.fs.Path(out.toString()));
    job.run();
    assertTrue(job.store().count() > 0);
    // other rows, same shape and class counts, at the same path
    org.apache.commons.io.FileUtils.deleteDirectory(tmp.resolve("train").toFile());
    table(train, 3);
    Run r = run("curve", "--train", train, "--test", test, "--out",
        out.toString(), "--shots", "1,2,5,all", "--seeds", "2", "--models", "lr", "--lr-c", "1", "--quiet",
        "--resume");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("had other inputs, data or settings (other train rows); rerun it"
        + " with the same ones, or use --overwrite instead of --resume to start over"), r.err());
    assertFalse(Files.exists(out));
    // --overwrite given too: the fix is to drop --resume, not to add what is there
    r = run("curve", "--train", train, "--test", test, "--out", out.toString(), "--shots",
        "1,2,5,all", "--seeds", "2", "--models", "lr", "--lr-c", "1", "--quiet", "--resume",
        "--overwrite");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("drop --resume (keeping --overwrite) to start over"), r.err());
    assertFalse(Files.exists(out));
    // the same rows, other settings: named, with what they were
    org.apache.commons.io.FileUtils.deleteDirectory(tmp.resolve("train").toFile());
    table(train, 1);
    r = run("curve", "--train", train, "--test", test, "--out", out.toString(), "--shots",
        "1,2,5,all", "--seeds", "3", "--models", "lr", "--lr-c", "0.5", "--quiet", "--resume");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("had other inputs, data or settings (--seeds [0, 1, 2] (was "
        + "[0, 1]), --lr-c 0.5 (was 1.0)); rerun it"), r.err());
    assertFalse(Files.exists(out));
    // the same rows and settings (other files, other order): resumed
    Run same = run("curve", "--train", train, "--test", test, "--out",
        out.toString(), "--shots", "1,2,5,all", "--seeds", "2", "--models", "lr", "--lr-c", "1", "--resume");
    assertEquals(0, same.code(), same.err());
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    assertFalse(Files.exists(tmp.resolve(".out.linprobe-fits")), "the record is gone once done");
    // a fixed C: the report's lr settings leave out how C would have been chosen
    String report = Files.readString(out.resolve("report.html"));
    java.util.regex.Matcher lrRow = java.util.regex.Pattern.compile(
        "<th>lr settings</th><td>([^<]*)</td>").matcher(report);
    assertTrue(lrRow.find(), "the run table's lr settings");
    assertTrue(lrRow.group(1).startsWith("lr_c = 1") && !lrRow.group(1).contains("select")
        && !lrRow.group(1).contains("lr_c_range"), lrRow.group(1));

    // --resume again (an Airflow retry of a try that had finished): nothing to do, exit 0, and
    // the result is the finished output's
    long done = Files.getLastModifiedTime(out.resolve("_SUCCESS")).toMillis();
    String[] again = {"curve", "--train", train, "--test", test, "--out", out.toString(),
        "--shots", "1,2,5,all", "--seeds", "2", "--models", "lr", "--lr-c", "1", "--resume"};
    var progress = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stderr = System.err;
    Run retry;
    try {
      System.setErr(new java.io.PrintStream(progress, true)); // progress lines go to System.err
      retry = run(again);
    } finally {
      System.setErr(stderr);
    }
    assertEquals(0, retry.code(), retry.err());
    assertTrue(progress.toString().contains("is already complete, from the same inputs, data "
        + "and settings: nothing to resume"), progress.toString());
    assertEquals(done, Files.getLastModifiedTime(out.resolve("_SUCCESS")).toMillis());
    assertFalse(Files.exists(tmp.resolve(".out.linprobe-lock")), "the lock is released");
    linprobe.LinProbe.Result api = linprobe.LinProbe.curve(spark(), CurveOptions.builder()
        .train(train).test(test).out(out.toString()).shots("1,2,5,all").seeds(2).models("lr")
        .lrC(1).quiet(true).resume(true).build());
    assertEquals(Files.readString(out.resolve("curve.md")), api.markdown());
    assertEquals(4, api.curve().count());
    assertEquals(null, api.verdict(), "lr alone: no comparison, as in the run that wrote it");
    // other settings: refused, named, the output kept
    r = run("curve", "--train", train, "--test", test, "--out", out.toString(), "--shots",
        "1,2,5,all", "--seeds", "3", "--models", "lr", "--lr-c", "1", "--quiet", "--resume");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("is already complete, from other inputs, data or settings "
        + "(--seeds [0, 1, 2] (was [0, 1])): nothing to resume; choose another --out, or pass "
        + "--overwrite to run it again"), r.err());
    assertEquals(done, Files.getLastModifiedTime(out.resolve("_SUCCESS")).toMillis());
    // what changes the outputs but no fit counts too: --epsilon, other test rows
    String[] epsilon = java.util.Arrays.copyOf(again, again.length + 2);
    epsilon[again.length] = "--epsilon";
    epsilon[again.length + 1] = "0.05";
    r = run(epsilon);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("(--epsilon 0.05 (was 0.01))"), r.err());
    org.apache.commons.io.FileUtils.deleteDirectory(tmp.resolve("test").toFile());
    table(test, 4);
    r = run(again);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("(other test rows)"), r.err());
    org.apache.commons.io.FileUtils.deleteDirectory(tmp.resolve("test").toFile());
    table(test, 2);
    // a finished output that has lost a table: refused, and the lock released
    Files.delete(out.resolve("fits").resolve("_SUCCESS"));
    r = run(again);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("is complete but lacks fits/_SUCCESS"), r.err());
    assertFalse(Files.exists(tmp.resolve(".out.linprobe-lock")), "the lock is released");
    // an output that records no run (an older build's): refused as before
    Files.delete(out.resolve(linprobe.spark.CurveJob.RECORD));
    r = run(again);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("records no run to compare with"), r.err());
  }
}
