package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import linprobe.LinprobeException;
import linprobe.spark.OutputDir;
import linprobe.spark.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per output directory: a live owner is refused, a dead one taken over on request. */
class OutputLockTest extends SparkTestBase {
  @TempDir Path tmp;

  @org.junit.jupiter.api.BeforeAll
  static void session() {
    spark(); // the CLI runs on the shared local session
  }

  static String[] curve(Path out, String... extra) {
    String[] base = {"curve", "--train", dataSamples("digits", "train"), "--test",
        dataSamples("digits", "test"), "--out", out.toString(), "--shots", "1,2", "--seeds", "1",
        "--models", "nb", "--quiet"};
    String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  /** An output into out, a.txt written, neither committed nor aborted. */
  static OutputDir writing(Path out, String text) throws java.io.IOException {
    OutputDir dir = OutputDir.check(out.toString(), false, new Configuration());
    dir.writeText("a.txt", text);
    return dir;
  }

  /** The names in dir, sorted. */
  static java.util.List<String> names(Path dir) throws java.io.IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void twoWritersStartingTogetherNeverBothTakeTheLock() throws Exception {
    // Hadoop's local create checks for the file, then opens it: two threads both took the lock
    // in 31 of 300 such trials (and 16 of 300 with NioLocalFileSystem, jobs/linprobe's)
    for (String impl : new String[] {"org.apache.hadoop.fs.LocalFileSystem",
        "linprobe.spark.NioLocalFileSystem"}) {
      Configuration conf = new Configuration();
      conf.set("fs.file.impl", impl);
      conf.setBoolean("fs.file.impl.disable.cache", true);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        for (int t = 0; t < 150; t++) {
          String out = tmp.resolve("race-" + impl.hashCode() + "-" + t).toString();
          java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
          java.util.concurrent.Callable<OutputDir> take = () -> {
            start.await();
            try {
              return OutputDir.check(out, false, false, conf, java.util.Map.of());
            } catch (linprobe.LinprobeException refused) {
              assertTrue(refused.getMessage().startsWith("another linprobe run ("),
                  refused.getMessage());
              return null;
            }
          };
          var a = pool.submit(take);
          var b = pool.submit(take);
          OutputDir da = a.get(), db = b.get();
          assertTrue(da == null || db == null, impl + ": both took the lock of " + out);
          assertTrue(da != null || db != null, impl + ": neither took the lock of " + out);
          if (da != null) da.abort();
          if (db != null) db.abort();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void anOutputBelowDirectoriesThatDoNotExistYetIsLockedAndWritten() throws Exception {
    // runs/2026-12-01/digits with no runs/: the lock's directory is made, as Hadoop's create did
    Path out = tmp.resolve("runs/2026-12-01/digits");
    OutputDir dir = writing(out, "x");
    dir.commit();
    assertEquals("x", Files.readString(out.resolve("a.txt")));
  }

  @Test
  void aStaleChecksumBesideTheLockDoesNotBreakIt() throws Exception {
    // an older linprobe wrote its lock through Hadoop (with .NAME.crc); a user deleted the lock
    // alone; the next lock, made by java.nio, must still be read as a lock by a second run
    Path out = tmp.resolve("crc");
    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(
        new Configuration());
    org.apache.hadoop.fs.Path lock = OutputDir.lockOf(new org.apache.hadoop.fs.Path(
        out.toUri()));
    try (var os = fs.create(lock, false)) {
      os.write("someone".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Files.delete(Path.of(lock.toUri()));
    assertTrue(Files.exists(tmp.resolve("..crc.linprobe-lock.crc")), "the stale checksum");
    OutputDir first = writing(out, "x");
    linprobe.LinprobeException second = assertThrows(linprobe.LinprobeException.class,
        () -> OutputDir.check(out.toString(), false, new Configuration()));
    assertTrue(second.getMessage().startsWith("another linprobe run ("), second.getMessage());
    first.abort();
  }

  @Test
  void aSecondWriterIsRefusedAtOnceAndTheFirstFinishes() throws Exception {
    Path out = tmp.resolve("out");
    OutputDir first = OutputDir.check(out.toString(), false, new Configuration());
    Path lock = tmp.resolve(".out.linprobe-lock");
    assertTrue(Files.exists(lock));
    CliTest.Run r = CliTest.run(curve(out));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("another linprobe run (" + ProcessHandle.current().pid() + "@"),
        r.err());
    assertTrue(r.err().contains("is writing " + out), r.err());
    assertFalse(Files.exists(out), "the loser wrote nothing");
    CliTest.Run again = CliTest.run(curve(out, "--overwrite"));
    assertEquals(2, again.code(), "--overwrite does not take a live run's lock");
    first.writeText("x.txt", "first");
    first.commit();
    assertFalse(Files.exists(lock), "released on commit");
    assertEquals("first", Files.readString(out.resolve("x.txt")));
  }

  @Test
  void anAbortedOutputTakesNoMoreWritesAndCommitsNothing() throws Exception {
    Path out = tmp.resolve("out");
    OutputDir dir = writing(out, "half");
    // Ctrl-C while the outputs are written: the handler aborts before it prints its line
    OutputDir.abortOpen();
    assertThrows(java.io.IOException.class, () -> dir.writeText("b.txt", "late"));
    assertThrows(java.io.IOException.class, dir::commit);
    assertFalse(Files.exists(out), "nothing committed after the abort");
    assertEquals(java.util.List.of(), names(tmp), "no staging directory brought back, no lock "
        + "left");
  }

  /**
   * The local file system, but a move onto a directory named "out" stops half-way in: it has
   * begun (entered) and waits for the test (release) before it moves anything.
   */
  public static final class PausingMove extends org.apache.hadoop.fs.LocalFileSystem {
    static volatile java.util.concurrent.CountDownLatch entered, release;

    @Override
    public boolean rename(org.apache.hadoop.fs.Path src, org.apache.hadoop.fs.Path dst)
        throws java.io.IOException {
      if (dst.getName().equals("out")) {
        entered.countDown();
        try {
          release.await(60, java.util.concurrent.TimeUnit.SECONDS); // a failed test lets go
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
      }
      return super.rename(src, dst);
    }
  }

  @Test
  void ctrlCDuringTheFinalMoveWaitsForItAndLeavesTheWholeOutput() throws Exception {
    // (whether Ctrl-C's message says "complete" is anAbortAfterTheCommit...'s to test: the flag
    // is the JVM's, already set by any earlier commit)
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", PausingMove.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    PausingMove.entered = new java.util.concurrent.CountDownLatch(1);
    PausingMove.release = new java.util.concurrent.CountDownLatch(1);
    Path out = tmp.resolve("out");
    OutputDir dir = OutputDir.check(out.toString(), false, conf);
    dir.writeText("a.txt", "whole");
    java.util.concurrent.atomic.AtomicReference<Throwable> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread commit = new Thread(() -> {
      try {
        dir.commit();
      } catch (Throwable t) {
        failed.set(t);
      }
    });
    commit.setDaemon(true);
    commit.start();
    assertTrue(PausingMove.entered.await(30, java.util.concurrent.TimeUnit.SECONDS));
    // Ctrl-C now: its handler aborts the open outputs; this one is in its final move
    Thread ctrlC = new Thread(OutputDir::abortOpen);
    ctrlC.setDaemon(true);
    ctrlC.start();
    try {
      ctrlC.join(500);
      assertTrue(ctrlC.isAlive(), "the abort waits for the move under way");
    } finally {
      PausingMove.release.countDown();
    }
    commit.join(30_000);
    ctrlC.join(30_000);
    assertEquals(null, failed.get());
    assertEquals("whole", Files.readString(out.resolve("a.txt")));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    assertEquals(java.util.List.of("out"), names(tmp), "no staging directory, no lock left");
  }

  @Test
  void anAbortAfterTheCommitLeavesTheOutputAndSaysItIsComplete() throws Exception {
    Path out = tmp.resolve("out");
    OutputDir dir = writing(out, "done");
    dir.commit();
    assertTrue(OutputDir.abortOpen(), "a committed output is reported as complete");
    dir.abort();
    assertEquals("done", Files.readString(out.resolve("a.txt")));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
  }

  @Test
  void overwriteReplacesTheOldOutputWholeAndLeavesNoCopyBehind() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("sub"));
    Files.writeString(out.resolve("old.txt"), "old");
    Files.writeString(out.resolve("sub/old.txt"), "old");
    Files.writeString(out.resolve("_SUCCESS"), ""); // an earlier run's finished output
    OutputDir dir = OutputDir.check(out.toString(), true, new Configuration());
    dir.writeText("new.txt", "new");
    dir.commit();
    assertEquals(java.util.List.of("_SUCCESS", "new.txt"),
        names(out).stream().filter(n -> !n.endsWith(".crc")).toList());
    assertEquals(java.util.List.of("out"), names(tmp),
        "the old output moved aside is deleted, the lock released");
  }

  @Test
  void aDatasetWrittenWithoutSuccessMarkerIsMovedInPlaceOverTheOldOne() throws Exception {
    // Spark's writer leaves no _SUCCESS with mapreduce.fileoutputcommitter.marksuccessfuljobs off
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("part-00000.parquet"), "old"); // an earlier such dataset
    Files.writeString(out.resolve(".part-00000.parquet.crc"), "old");
    OutputDir dir = OutputDir.check(out.toString(), true, new Configuration());
    dir.writeText("data/part-0", "rows");
    dir.commitFrom("data");
    assertEquals("rows", Files.readString(out.resolve("part-0")));
    assertFalse(Files.exists(out.resolve("part-00000.parquet")));
    assertEquals(java.util.List.of("out"), names(tmp));
  }

  @Test
  void overwriteReplacesOnlyAFinishedOutputNeverTheUsersFiles() throws Exception {
    Path out = tmp.resolve("mine");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "keep");
    LinprobeException e = assertThrows(LinprobeException.class,
        () -> OutputDir.check(out.toString(), true, new Configuration()));
    assertTrue(e.getMessage().contains("is not empty and is not a finished output (it has no "
        + "_SUCCESS), so --overwrite does not replace it"), e.getMessage());
    // hidden files alone are not a dataset
    Path dots = Files.createDirectories(tmp.resolve("dots"));
    Files.writeString(dots.resolve(".config"), "keep");
    assertThrows(LinprobeException.class,
        () -> OutputDir.check(dots.toString(), true, new Configuration()));
    // the working directory (--out .) and its parents, even with a _SUCCESS, and home
    Path cwd = Path.of("").toAbsolutePath();
    Files.writeString(out.resolve("_SUCCESS"), "");
    for (String d : new String[] {".", cwd.toString(), cwd.getParent().toString()}) {
      e = assertThrows(LinprobeException.class,
          () -> OutputDir.check(d, true, new Configuration()));
      assertTrue(e.getMessage().contains("which the finished run would replace as a whole: "
          + "choose another --out"),
          e.getMessage());
    }
    e = assertThrows(LinprobeException.class, () -> OutputDir.check(
        System.getProperty("user.home"), true, new Configuration()));
    assertTrue(e.getMessage().contains("is the home directory"), e.getMessage());
    // without --overwrite too (an empty one would be replaced all the same by the commit)
    e = assertThrows(LinprobeException.class,
        () -> OutputDir.check(".", false, new Configuration()));
    assertTrue(e.getMessage().contains("is the current directory"), e.getMessage());
    // a symbolic link to the current directory is the current directory
    Path link = Files.createSymbolicLink(tmp.resolve("here"), cwd);
    e = assertThrows(LinprobeException.class,
        () -> OutputDir.check(link.toString(), false, new Configuration()));
    assertTrue(e.getMessage().contains("is the current directory"), e.getMessage());
    // what looks like a dataset but is not Spark's: part- notes, part- directories
    Path notes = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(notes.resolve("part-1.md"), "keep");
    Files.createDirectories(notes.resolve("part-00000"));
    e = assertThrows(LinprobeException.class,
        () -> OutputDir.check(notes.toString(), true, new Configuration()));
    assertTrue(e.getMessage().contains("is not a finished output"), e.getMessage());
    assertEquals("keep", Files.readString(notes.resolve("part-1.md")));
    assertEquals("keep", Files.readString(out.resolve("notes.txt")));
    assertEquals("keep", Files.readString(dots.resolve(".config")));
  }

  @Test
  void aKilledRunsStagingIsRemovedByTheNextWriterAndAnOldCopyIsKept() throws Exception {
    Path out = tmp.resolve("out");
    Path dead = Files.createDirectories(
        tmp.resolve(".out.linprobe-d9451f20-1c2b-4a5e-9f00-0123456789ab"));
    Files.writeString(dead.resolve("comparison.csv"), "half");
    Path old = Files.createDirectories(tmp.resolve(".out.linprobe-old-12345"));
    Path other = Files.createDirectories(
        tmp.resolve(".outer.linprobe-d9451f20-1c2b-4a5e-9f00-0123456789ab"));
    OutputDir dir = OutputDir.check(out.toString(), false, new Configuration());
    assertFalse(Files.exists(dead), "a dead run's staging directory is removed");
    assertTrue(Files.exists(old) && Files.exists(other), "an old copy and other outputs' stay");
    dir.abort();
  }

  @Test
  void aDeadOwnersLockIsTakenOverOnlyWhenAsked() throws Exception {
    Path out = tmp.resolve("out");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Path lock = tmp.resolve(".out.linprobe-lock");
    Files.writeString(lock, gone.pid() + "@" + host + " since 2026-01-01T00:00:00Z");
    CliTest.Run r = CliTest.run(curve(out));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("is locked by a linprobe run (" + gone.pid() + "@" + host), r.err());
    assertTrue(r.err().contains("pass --resume to continue it, or --overwrite to start over"),
        r.err());
    CliTest.Run taken = CliTest.run(curve(out, "--overwrite"));
    assertEquals(0, taken.code(), taken.err());
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    assertFalse(Files.exists(lock), "released when the run is done");
  }

  @Test
  void aFailedRunReleasesItsLock() {
    Path out = tmp.resolve("out");
    // fails after the lock is taken: no class has 1,000 rows
    CliTest.Run r = CliTest.run("curve", "--train", dataSamples("digits", "train"), "--test",
        dataSamples("digits", "test"), "--out", out.toString(), "--shots", "1000", "--quiet");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("fewer than the 1000 shots"), r.err());
    assertFalse(Files.exists(tmp.resolve(".out.linprobe-lock")));
  }
}
