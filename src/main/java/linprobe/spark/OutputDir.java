package linprobe.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import linprobe.LinprobeException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;

/**
 * The run's output directory, written through a staging directory beside it and moved in place
 * at the end, so a failed run leaves DIR as it was and a finished one is complete (_SUCCESS last).
 *
 * <p>One writer at a time: the run holds {@code .DIR.linprobe-lock} beside DIR from before any
 * work until it commits or fails (created if absent, atomically on HDFS and local disks), so two
 * runs into one DIR (an Airflow retry beside a slow first try) cannot mix their results. A lock
 * whose owner is gone (a killed driver) is taken over only with --resume or --overwrite.
 */
public final class OutputDir {
  /** Runs before Hadoop closes its file systems (priority 10) and Spark stops (50). */
  private static final int SHUTDOWN_PRIORITY = 60;

  private final Path target;
  private final Path staging;
  private final Path lock;
  private final FileSystem fs;
  private final boolean overwrite;
  private final Runnable onExit = this::abort;

  private OutputDir(Path target, Path staging, Path lock, FileSystem fs, boolean overwrite) {
    this.target = target;
    this.staging = staging;
    this.lock = lock;
    this.fs = fs;
    this.overwrite = overwrite;
  }

  /** As {@link #check(String, boolean, boolean, Configuration)} for a run that cannot resume. */
  public static OutputDir check(String dir, boolean overwrite, Configuration conf) {
    return check(dir, overwrite, false, conf);
  }

  /**
   * Refuses an existing non-empty DIR unless overwrite, and takes DIR's lock (see the class);
   * creates nothing else yet. Release it with {@link #commit} or {@link #abort}; it is also
   * released if the JVM exits first (Ctrl-C).
   *
   * @param resume the run continues an interrupted one (and may take over its stale lock)
   */
  public static OutputDir check(String dir, boolean overwrite, boolean resume,
      Configuration conf) {
    try {
      Path p = new Path(dir);
      FileSystem fs = p.getFileSystem(conf);
      Path q = fs.makeQualified(p);
      if (fs.exists(q)) {
        FileStatus st = fs.getFileStatus(q);
        boolean empty = st.isDirectory() && fs.listStatus(q).length == 0;
        if (!empty && !overwrite) {
          throw new LinprobeException("output " + dir + " already exists and is not empty: "
              + "choose another --out, or pass --overwrite to replace it");
        }
      }
      Path ancestor = q.getParent();
      while (ancestor != null && !fs.exists(ancestor)) ancestor = ancestor.getParent();
      if (ancestor != null && !fs.getFileStatus(ancestor).isDirectory()) {
        throw new LinprobeException("output " + dir + " cannot be created: " + ancestor
            + " is a file, not a directory; choose another --out");
      }
      if (ancestor != null) {
        try {
          fs.access(ancestor, FsAction.WRITE);
        } catch (AccessControlException e) {
          throw new LinprobeException("output " + dir + " is not writable (no write permission on "
              + ancestor + "): choose another --out or fix the permissions");
        }
      }
      Path parent = q.getParent();
      Path staging = new Path(parent, "." + q.getName() + ".linprobe-" + UUID.randomUUID());
      Path lock = lockOf(q);
      acquire(fs, lock, dir, overwrite || resume);
      OutputDir out = new OutputDir(q, staging, lock, fs, overwrite);
      org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(out.onExit,
          SHUTDOWN_PRIORITY);
      return out;
    } catch (IOException e) {
      throw new LinprobeException("cannot use output " + dir + ": "
          + EmbeddingSource.firstLine(e) + " (check --out)", e);
    }
  }

  /** The lock file of an output directory: .NAME.linprobe-lock beside it. */
  public static Path lockOf(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".linprobe-lock");
  }

  /** This process as a lock owner: "pid@host since time". */
  static String owner() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return ProcessHandle.current().pid() + "@" + host + " since " + java.time.Instant.now();
  }

  private static void acquire(FileSystem fs, Path lock, String dir, boolean takeOver)
      throws IOException {
    for (int attempt = 0; attempt < 2; attempt++) {
      try (OutputStream os = fs.create(lock, false)) {
        os.write(owner().getBytes(StandardCharsets.UTF_8));
        return;
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        String holder;
        try (var in = fs.open(lock)) {
          holder = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (java.io.FileNotFoundException gone) {
          continue; // released meanwhile: try again
        }
        Boolean alive = alive(holder);
        if (Boolean.TRUE.equals(alive)) {
          throw new LinprobeException("another linprobe run (" + holder + ") is writing " + dir
              + ": wait for it to finish, or choose another --out");
        }
        if (!takeOver || attempt > 0) {
          throw new LinprobeException("output " + dir + " is locked by a linprobe run ("
              + holder + ") that " + (alive == null ? "may be gone: if it is, pass"
                  : "is gone: pass") + " --resume to continue it, or --overwrite to start over");
        }
        fs.delete(lock, false); // a killed run's lock: taken over as asked
      }
    }
    throw new LinprobeException("cannot lock output " + dir + ": another run keeps taking it; "
        + "choose another --out");
  }

  /** Whether a lock's owner still runs: known only on this host (null elsewhere). */
  static Boolean alive(String holder) {
    int at = holder.indexOf('@'), sp = holder.indexOf(' ');
    if (at < 0 || sp < at) return null;
    try {
      long pid = Long.parseLong(holder.substring(0, at));
      String host = holder.substring(at + 1, sp);
      if (!host.equals(java.net.InetAddress.getLocalHost().getHostName())) return null;
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException | IOException e) {
      return null;
    }
  }

  private void release() {
    try {
      org.apache.hadoop.util.ShutdownHookManager.get().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // called by the hook itself while the JVM exits
    }
    try {
      fs.delete(lock, false);
    } catch (IOException ignored) {
      // a leftover lock names a dead owner: the next run says so and how to take it over
    }
  }

  public Path target() {
    return target;
  }

  /** Where files are written before the final move; created on first use. */
  public Path staging() throws IOException {
    if (!fs.exists(staging)) {
      if (!fs.mkdirs(staging)) throw new IOException("cannot create " + staging);
    }
    return staging;
  }

  public String stagingPath(String name) throws IOException {
    return new Path(staging(), name).toString();
  }

  public void writeText(String name, String text) throws IOException {
    writeBytes(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes rows as the Parquet dataset {@code name}, by the driver (see {@link SmallParquet}),
   * compressed with codec (spark.sql.parquet.compression.codec's value).
   */
  public void writeParquet(String name, org.apache.spark.sql.types.StructType schema,
      java.util.List<org.apache.spark.sql.Row> rows, String codec) throws IOException {
    SmallParquet.write(fs, new Path(staging(), name), schema, rows, codec);
  }

  public void writeBytes(String name, byte[] bytes) throws IOException {
    try (OutputStream os = fs.create(new Path(staging(), name), true)) {
      os.write(bytes);
    }
  }

  /** Writes _SUCCESS and moves the staging directory onto DIR. */
  public void commit() throws IOException {
    writeText("_SUCCESS", "");
    if (fs.exists(target)) {
      if (!overwrite && fs.listStatus(target).length > 0) {
        throw new LinprobeException("output " + target + " appeared during the run: "
            + "choose another --out, or pass --overwrite");
      }
      fs.delete(target, true);
    }
    if (target.getParent() != null) fs.mkdirs(target.getParent());
    if (!fs.rename(staging, target)) {
      throw new IOException("cannot move " + staging + " to " + target);
    }
    release();
  }

  /**
   * Moves the staging subdirectory {@code name} (a Parquet dataset written by Spark, with its own
   * _SUCCESS) onto DIR itself.
   */
  public void commitFrom(String name) throws IOException {
    Path data = new Path(staging(), name);
    if (fs.exists(target)) fs.delete(target, true);
    if (target.getParent() != null) fs.mkdirs(target.getParent());
    if (!fs.rename(data, target)) throw new IOException("cannot move " + data + " to " + target);
    fs.delete(staging, true);
    release();
  }

  /** Removes the staging directory after a failure and releases the lock; DIR is untouched. */
  public void abort() {
    try {
      if (fs.exists(staging)) fs.delete(staging, true);
    } catch (IOException ignored) {
      // best effort: the staging directory is hidden and named after this run
    }
    release();
  }
}
