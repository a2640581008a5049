package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import linprobe.LinprobeException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lock whose owner ran on another host (whose process cannot be looked up) is taken over with
 * --resume or --overwrite only once it is no longer renewed: a lost driver's (YARN's next attempt
 * continues it), never a live run's (an Airflow retry beside a try that still runs elsewhere).
 */
class LockHeartbeatTest {
  @TempDir Path tmp;
  long heartbeat;
  long watch;

  @BeforeEach
  void fast() {
    heartbeat = OutputDir.heartbeatMs;
    watch = OutputDir.watchMs;
    OutputDir.heartbeatMs = 100;
    OutputDir.watchMs = 1_500;
  }

  @AfterEach
  void restore() {
    OutputDir.heartbeatMs = heartbeat;
    OutputDir.watchMs = watch;
  }

  @Test
  void aHeldLockIsRenewedUntilReleased() throws Exception {
    Path out = tmp.resolve("out");
    OutputDir dir = OutputDir.check(out.toString(), false, new Configuration());
    Path lock = tmp.resolve(".out.linprobe-lock");
    FileTime made = Files.getLastModifiedTime(lock);
    Thread.sleep(600);
    assertTrue(Files.getLastModifiedTime(lock).compareTo(made) > 0, "renewed");
    dir.abort();
    assertFalse(Files.exists(lock), "released");
  }

  @Test
  void anotherHostsLockIsTakenOverOnlyOnceItIsNoLongerRenewed() throws Exception {
    Path out = tmp.resolve("out");
    Path lock = tmp.resolve(".out.linprobe-lock");
    String holder = "4242@a-host-that-is-not-this-one since 2026-12-02T18:00:00Z";
    Files.writeString(lock, holder);
    Configuration conf = new Configuration();
    // a run still going on that host renews its lock
    Thread live = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          Files.setLastModifiedTime(lock, FileTime.fromMillis(System.currentTimeMillis()));
          Thread.sleep(100);
        }
      } catch (Exception stopped) {
        // interrupted: the run is lost
      }
    });
    live.start();
    try {
      LinprobeException e = assertThrows(LinprobeException.class,
          () -> OutputDir.check(out.toString(), false, true, conf, Map.of()));
      assertEquals("another linprobe run (" + holder + ") is writing " + out + ": its lock is "
          + "still renewed; wait for it to finish, or choose another --out", e.getMessage());
      assertEquals(holder, Files.readString(lock), "the live run's lock is left alone");
    } finally {
      live.interrupt();
      live.join();
    }
    // without --resume or --overwrite it is refused at once, as before
    LinprobeException refused = assertThrows(LinprobeException.class,
        () -> OutputDir.check(out.toString(), false, conf));
    assertTrue(refused.getMessage().contains("that may be gone: if it is, pass --resume"),
        refused.getMessage());
    // lost: no longer renewed, so --resume takes it over
    OutputDir taken = OutputDir.check(out.toString(), false, true, conf, Map.of());
    assertTrue(Files.readString(lock).startsWith(ProcessHandle.current().pid() + "@"));
    taken.abort();
    assertFalse(Files.exists(lock));
  }
}
