package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill the driver with SIGKILL mid-run, rerun with --resume: only the missing fits are refitted
 * and the tables equal an uninterrupted run's. Runs jobs/linprobe after the jar is built.
 */
class ResumeIT {
  static final String ROOT = System.getProperty("user.dir");
  @TempDir Path tmp;

  static List<String> args(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("jobs/linprobe", "curve", "--train",
        ROOT + "/data-samples/digits/train.parquet", "--test",
        ROOT + "/data-samples/digits/test.parquet", "--out", out.toString(), "--seeds", "2",
        "--shots", "1,2,5,10,all", "--models", "nb,lr", "--local-fit-mb", "0", "--lr-c", "1"));
    a.addAll(List.of(extra));
    return a;
  }

  static Process start(List<String> cmd, Path log) throws Exception {
    return start(cmd, log, null);
  }

  /**
   * With javaTmp, the JVM's temporary files (Spark's scratch directories, the native libraries
   * it unpacks) go there: a killed run's are the test's to remove, and a stopped run's can be
   * counted.
   */
  static Process start(List<String> cmd, Path log, Path javaTmp) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File(ROOT))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    if (javaTmp != null) {
      pb.environment().put("LINPROBE_JAVA_OPTS",
          "-Xmx4g -Djava.io.tmpdir=" + Files.createDirectories(javaTmp));
    }
    return pb.start();
  }

  static long lrFits(Path log) throws Exception {
    return Files.readAllLines(log).stream().filter(l -> l.contains("] lr ")).count();
  }

  static String fitsWithoutTiming(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve("fits.csv")).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).collect(Collectors.joining("\n"));
  }

  @Test
  void resumeAfterSigkillGivesTheUninterruptedTables() throws Exception {
    interruptThenResume("KILL");
  }

  @Test
  void sigtermSaysSoInOneLineAndResumeGivesTheUninterruptedTables() throws Exception {
    // as Airflow stops a task: exit 143, one line, the lock and temporary files cleaned up
    interruptThenResume("TERM");
  }

  @Test
  void ctrlCSaysSoInOneLineAndResumeGivesTheUninterruptedTables() throws Exception {
    assumeFalse(sigintIgnored(), "SIGINT is ignored by this process (started in the background "
        + "of a non-interactive shell, or under nohup), so by the driver it starts: its Ctrl-C "
        + "cannot be tested here");
    interruptThenResume("INT");
  }

  /**
   * Whether this process ignores SIGINT (Linux's /proc/self/status): a process inherits that
   * disposition, and a JVM started ignoring SIGINT never sees Ctrl-C (it runs on to the end).
   */
  static boolean sigintIgnored() throws Exception {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) return false;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0;
      }
    }
    return false;
  }

  /** Stops a run after its fourth fit with the signal (KILL, INT or TERM), then resumes it. */
  void interruptThenResume(String signal) throws Exception {
    boolean handled = !signal.equals("KILL");
    Path out = tmp.resolve("run");
    Path log1 = tmp.resolve("first.log");
    Path javaTmp = tmp.resolve("java-tmp");
    Process first = start(args(out), log1, javaTmp);
    long deadline = System.currentTimeMillis() + 300_000;
    // distributed fits finish one by one on the driver: stop it after the fourth
    while (lrFits(log1) < 4 && System.currentTimeMillis() < deadline) {
      assertTrue(first.isAlive(), Files.readString(log1));
      Thread.sleep(100);
    }
    if (handled) {
      // jobs/linprobe execs java: the process is the driver, as a terminal's Ctrl-C reaches it
      new ProcessBuilder("kill", "-" + signal, Long.toString(first.pid())).start().waitFor();
    } else {
      first.destroyForcibly(); // SIGKILL: no chance to clean up
    }
    assertTrue(first.waitFor(60, TimeUnit.SECONDS));
    assertFalse(Files.exists(out), "a stopped run leaves no output directory");
    if (handled) {
      assertEquals(signal.equals("INT") ? 130 : 143, first.exitValue());
      List<String> lines = Files.readAllLines(log1);
      String last = lines.get(lines.size() - 1);
      assertTrue(last.startsWith(signal.equals("INT") ? "linprobe: interrupted:"
          : "linprobe: stopped (SIGTERM):") && last.contains("--resume"), last);
      String log = Files.readString(log1);
      assertFalse(log.contains("\tat ") || log.contains("ERROR") || log.contains("failed:"), log);
      assertFalse(Files.exists(out.resolveSibling("." + out.getFileName() + ".linprobe-lock")),
          "Ctrl-C releases the lock");
      try (var left = Files.list(javaTmp)) {
        assertEquals(List.of(), left.map(p -> p.getFileName().toString()).sorted().toList(),
            "Ctrl-C leaves no temporary files (Spark's scratch, unpacked native libraries)");
      }
    }
    Path store = out.resolveSibling("." + out.getFileName() + ".linprobe-fits");
    long recorded;
    try (var files = Files.list(store)) {
      recorded = files.filter(p -> p.toString().endsWith(".bin")).count();
    }
    assertTrue(recorded >= 4 && recorded < 9, recorded + " of 9 fits recorded");

    Path log2 = tmp.resolve("again.log");
    Process again = start(args(out), log2);
    assertTrue(again.waitFor(5, TimeUnit.MINUTES));
    assertEquals(2, again.exitValue(), "without --resume the leftover is refused");
    assertTrue(Files.readString(log2).contains("pass --resume to continue it"),
        Files.readString(log2));

    Path log3 = tmp.resolve("resume.log");
    Process resumed = start(args(out, "--resume"), log3);
    assertTrue(resumed.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, resumed.exitValue(), Files.readString(log3));
    assertTrue(lrFits(log3) == 9, "every fit reported");
    assertTrue(Files.readString(log3).contains("resuming: " + recorded
        + " logistic regressions already fitted"), Files.readString(log3));
    assertFalse(Files.exists(store), "the record of fits is removed once the run is done");

    assertSameAsAnUninterruptedRun(out);
  }

  @TempDir static Path shared;
  static Path whole;

  /** The run's tables equal those of one uninterrupted, unshared run (made once per class). */
  static synchronized void assertSameAsAnUninterruptedRun(Path out) throws Exception {
    if (whole == null) {
      Path dir = shared.resolve("whole");
      Process uninterrupted = start(args(dir), shared.resolve("whole.log"));
      assertTrue(uninterrupted.waitFor(5, TimeUnit.MINUTES));
      assertEquals(0, uninterrupted.exitValue());
      whole = dir;
    }
    assertEquals(fitsWithoutTiming(whole), fitsWithoutTiming(out));
    assertEquals(Files.readString(whole.resolve("curve.csv")),
        Files.readString(out.resolve("curve.csv")));
  }

  @Test
  void aSecondWriterIntoTheSameOutIsRefusedAndTheFirstIsUntouched() throws Exception {
    // an Airflow retry started while the first try still runs: other data, same --out
    Path out = tmp.resolve("run");
    Path log1 = tmp.resolve("first.log");
    Process first = start(args(out), log1);
    long deadline = System.currentTimeMillis() + 300_000;
    while (lrFits(log1) < 2 && System.currentTimeMillis() < deadline) {
      assertTrue(first.isAlive(), Files.readString(log1));
      Thread.sleep(100);
    }
    Path log2 = tmp.resolve("second.log");
    List<String> other = new ArrayList<>(List.of("jobs/linprobe", "curve", "--train",
        ROOT + "/data-samples/fashion/train.parquet", "--test",
        ROOT + "/data-samples/fashion/test.parquet", "--out", out.toString(), "--seeds", "1",
        "--shots", "1,all", "--models", "nb,lr", "--overwrite", "--resume"));
    Process second = start(other, log2);
    assertTrue(second.waitFor(2, TimeUnit.MINUTES));
    assertEquals(2, second.exitValue(), Files.readString(log2));
    assertTrue(Files.readString(log2).contains("another linprobe run (" + first.pid() + "@"),
        Files.readString(log2));
    assertTrue(first.isAlive(), "the second writer was refused before it touched anything");
    assertTrue(first.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, first.exitValue(), Files.readString(log1));
    assertSameAsAnUninterruptedRun(out);
  }
}
