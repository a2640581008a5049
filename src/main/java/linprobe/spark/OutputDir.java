package linprobe.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
 * whose owner is gone (a killed driver) is taken over only with --resume or --overwrite; the
 * holder renews the lock's modification time, so that another host's run, whose process cannot
 * be looked up, is known to be gone when its lock is no longer renewed.
 */
public final class OutputDir {
  /** Runs before Hadoop closes its file systems (priority 10) and Spark stops (50). */
  private static final int SHUTDOWN_PRIORITY = 60;

  private final Path target;
  private final Path staging;
  private final Path lock;
  private final FileSystem fs;
  private final boolean overwrite;
  /** --resume found DIR finished (_SUCCESS): the run may find it has nothing to do. */
  private boolean complete;
  /** Whether staging() has made the staging directory: it must then stay. */
  private boolean stagingMade;
  private final Runnable onExit = this::abort;
  /** Set by {@link #commit}, {@link #commitFrom} or {@link #abort}: nothing is written after. */
  private boolean closed;
  /** Set once the output is in place: an abort then leaves it. */
  private boolean committed;
  private boolean released;

  /**
   * How often a held lock's modification time is renewed, and how long a run that finds a lock
   * of another host's run watches it for a renewal before taking it over (--resume, --overwrite):
   * a run that is still going renews it, a lost one does not. Settable for tests.
   */
  static volatile long heartbeatMs = 5_000;
  static volatile long watchMs = 16_000;
  private static final java.util.concurrent.ScheduledExecutorService HEARTBEATS =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "linprobe-lock-heartbeat");
        t.setDaemon(true);
        return t;
      });
  private java.util.concurrent.ScheduledFuture<?> heartbeat;

  /** Sets the lock's modification time to now; where a store cannot, the lock is not renewed. */
  private static void renew(FileSystem fs, Path lock) {
    try {
      fs.setTimes(lock, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      // an object store without setTimes: a taker waits its watch out and takes the lock
    }
  }

  /** Whether an output of this JVM has been committed (Ctrl-C's message says so). */
  private static volatile boolean committedAny;

  /** The outputs being written (not yet committed or aborted): Ctrl-C aborts them first. */
  private static final java.util.Set<OutputDir> OPEN =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private OutputDir(Path target, Path staging, Path lock, FileSystem fs, boolean overwrite) {
    this.target = target;
    this.staging = staging;
    this.lock = lock;
    this.fs = fs;
    this.overwrite = overwrite;
  }

  /** As {@link #check(String, boolean, boolean, Configuration, Map)}, no resume, no inputs. */
  public static OutputDir check(String dir, boolean overwrite, Configuration conf) {
    return check(dir, overwrite, false, conf, Map.of());
  }

  /** As {@link #check(String, boolean, boolean, Configuration, Map)}, for a run without resume. */
  public static OutputDir check(String dir, boolean overwrite, Configuration conf,
      Map<String, String> inputs) {
    return check(dir, overwrite, false, conf, inputs);
  }

  /**
   * Refuses an existing non-empty DIR unless overwrite, and takes DIR's lock (see the class);
   * creates nothing else yet. Release it with {@link #commit} or {@link #abort}; it is also
   * released if the JVM exits first (Ctrl-C).
   *
   * @param resume the run continues an interrupted one (and may take over its stale lock)
   * @param inputs flag to path of what the run reads: DIR must not be, contain or lie in one
   */
  public static OutputDir check(String dir, boolean overwrite, boolean resume,
      Configuration conf, Map<String, String> inputs) {
    if (dir.isBlank()) throw new LinprobeException("--out is empty: name an output directory");
    try {
      Path p = new Path(dir);
      FileSystem fs = FileSystems.of(p, conf, "--out");
      Path q = fs.makeQualified(p);
      if (q.getParent() == null) {
        throw new LinprobeException("output " + dir + " is a file system's root: choose a "
            + "directory inside it with --out");
      }
      FileSystems.refuseOverlap(dir, inputs, conf);
      if (fs.exists(q)) {
        FileStatus st = fs.getFileStatus(q);
        if (!st.isDirectory()) { // a file named by mistake (results.csv) is never replaced
          throw new LinprobeException("output " + dir + " is a file, not a directory: choose "
              + "another --out (--overwrite replaces directories only)");
        }
        refuseWorkingOrHome(q, dir); // empty or not: the commit would replace it
        boolean empty = fs.listStatus(q).length == 0;
        boolean complete = !empty && !overwrite && resume && fs.exists(new Path(q, "_SUCCESS"));
        if (complete) { // the run compares what DIR records with its own inputs and settings
          OutputDir out = take(fs, q, null, dir, false, true);
          out.complete = true;
          return out;
        }
        if (!empty && !overwrite) {
          String unfinished = unfinished(fs, q, dir);
          throw new LinprobeException("output " + dir + " already exists and is not empty: "
              + (unfinished == null ? "choose another --out, or pass --overwrite to replace it"
                  : "choose another --out (it is not a finished output, so --overwrite would "
                      + "not replace it either)"));
        }
        if (mountPoint(q)) {
          throw new LinprobeException("output " + dir + " is a mount point, which the finished "
              + "run could not move in place: choose a directory inside it with --out");
        }
        String unfinished = empty ? null : unfinished(fs, q, dir);
        if (unfinished != null) throw new LinprobeException(unfinished);
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
      OutputDir out = take(fs, q, staging, dir, overwrite, overwrite || resume);
      removeDeadStaging(fs, q); // with the lock held and released on any exit
      return out;
    } catch (IOException | IllegalArgumentException e) {
      throw FileSystems.accessError("cannot use output " + dir, e, "--out");
    }
  }

  /**
   * Takes DIR's lock (see {@link #acquire}) and opens the output, released by a commit, an
   * abort or, at the latest, the JVM's exit.
   */
  private static OutputDir take(FileSystem fs, Path q, Path staging, String dir,
      boolean overwrite, boolean takeOver) throws IOException {
    Path lock = lockOf(q);
    acquire(fs, lock, dir, takeOver);
    OutputDir out = new OutputDir(q, staging, lock, fs, overwrite);
    out.heartbeat = HEARTBEATS.scheduleWithFixedDelay(() -> renew(fs, lock), heartbeatMs,
        heartbeatMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    OPEN.add(out);
    org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(out.onExit,
        SHUTDOWN_PRIORITY);
    return out;
  }

  /**
   * Refuses the directory the user is working in, one above it, or their home, --overwrite or
   * not, as the finished run replaces DIR as a whole: `--out . --overwrite` must not delete the
   * files around the user.
   */
  static void refuseWorkingOrHome(Path q, String dir) {
    if ("file".equals(q.toUri().getScheme())) {
      java.nio.file.Path local = real(java.nio.file.Path.of(q.toUri()));
      java.nio.file.Path cwd = real(java.nio.file.Path.of(""));
      if (cwd.startsWith(local)) {
        throw new LinprobeException("output " + dir + " is " + (cwd.equals(local)
            ? "the current directory" : "a directory above the current one") + ", which the "
            + "finished run would replace as a whole: choose another --out");
      }
      String home = System.getProperty("user.home");
      if (home != null && !home.isEmpty() && local.equals(real(java.nio.file.Path.of(home)))) {
        throw new LinprobeException("output " + dir + " is the home directory, which the "
            + "finished run would replace as a whole: choose another --out");
      }
    }
  }

  /** A path with its symbolic links resolved where it exists, else made absolute. */
  private static java.nio.file.Path real(java.nio.file.Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  /** Spark's data files: part-00000, part-00000-<uuid>-c000.snappy.parquet, ... */
  private static final java.util.regex.Pattern PART =
      java.util.regex.Pattern.compile("part-\\d{5}([-.].*)?");

  /**
   * Why --overwrite would not replace the non-empty DIR, or null when it would: it replaces
   * only a finished output, never a directory of the user's files; a finished output has
   * _SUCCESS, or is a dataset of Spark's part- files (plain files) with only checksums (.crc)
   * and committer files (_...) beside them.
   */
  static String unfinished(FileSystem fs, Path q, String dir) throws IOException {
    if (fs.exists(new Path(q, "_SUCCESS"))) return null;
    int parts = 0, others = 0;
    for (FileStatus f : fs.listStatus(q)) {
      String name = f.getPath().getName();
      if (f.isFile() && PART.matcher(name).matches()) parts++;
      else if (!(f.isFile() && (name.startsWith("_") || name.startsWith(".")
          && name.endsWith(".crc")))) {
        others++;
      }
    }
    return parts > 0 && others == 0 ? null : "output " + dir + " is not empty and is not a "
        + "finished output (it has no _SUCCESS), so --overwrite does not replace it: choose "
        + "another --out, or empty it first";
  }

  /**
   * Whether --resume found DIR already finished (it has _SUCCESS): nothing is written into it;
   * {@link #abort} releases its lock and leaves it as it is.
   */
  public boolean complete() {
    return complete;
  }

  /** A file of the finished DIR (see {@link #complete}), or null when it has none. */
  public String readFinished(String name) throws IOException {
    Path p = new Path(target, name);
    if (!fs.exists(p)) return null;
    try (var in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Removes the staging directories of earlier runs into DIR, which a killed driver (SIGKILL,
   * a lost host) leaves beside it: whoever holds DIR's lock is the only writer, so any other
   * {@code .DIR.linprobe-<uuid>} is dead. An old output moved aside by a commit
   * ({@code .DIR.linprobe-old-...}) is left: it may be the only copy.
   */
  static void removeDeadStaging(FileSystem fs, Path q) {
    java.util.regex.Pattern dead = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(
        "." + q.getName() + ".linprobe-") + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
        + "[0-9a-f]{12}");
    try {
      for (FileStatus f : fs.listStatus(q.getParent(), p -> dead.matcher(p.getName()).matches())) {
        try {
          fs.delete(f.getPath(), true);
        } catch (IOException e) { // best effort: a leftover is hidden, and never read
        }
      }
    } catch (IOException e) { // the listing too: a cleanup never fails the run
    }
  }

  /** A local directory on another file store than its parent's (a container's volume). */
  private static boolean mountPoint(Path q) {
    if (!"file".equals(q.toUri().getScheme())) return false;
    try {
      java.nio.file.Path t = java.nio.file.Path.of(q.toUri());
      return java.nio.file.Files.isDirectory(t) && t.getParent() != null
          && !java.nio.file.Files.getFileStore(t).equals(java.nio.file.Files.getFileStore(
              t.getParent()));
    } catch (IOException | RuntimeException e) {
      return false; // not decidable here: the commit's own checks remain
    }
  }

  /**
   * Creates file with text, or throws FileAlreadyExistsException when it exists: atomically.
   * HDFS's create without overwrite is; Hadoop's local file systems check for the file, then
   * open it, so two runs could both pass (two threads did, 31 times in 300): local files are
   * created by java.nio's CREATE_NEW, one system call that only one caller can win.
   */
  static void createNew(FileSystem fs, Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    java.nio.file.Path local = localPath(fs, file);
    if (local != null) {
      // as Hadoop's create does: the parent directories (an --out two levels below what exists)
      java.nio.file.Files.createDirectories(local.getParent());
      try (OutputStream os = java.nio.file.Files.newOutputStream(local,
          java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
        os.write(bytes);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        throw new org.apache.hadoop.fs.FileAlreadyExistsException(file + " exists");
      }
      // a checksum left beside it by a lock that Hadoop wrote and a user deleted alone would
      // fail every read of this one; the file is ours now
      java.nio.file.Files.deleteIfExists(local.resolveSibling("." + local.getFileName() + ".crc"));
      return;
    }
    try (OutputStream os = fs.create(file, false)) {
      os.write(bytes);
    }
  }

  /** The java.nio path of a file: path, or null for another file system. */
  private static java.nio.file.Path localPath(FileSystem fs, Path file) {
    Path q = fs.makeQualified(file);
    return "file".equals(q.toUri().getScheme()) ? java.nio.file.Path.of(q.toUri()) : null;
  }

  /**
   * The lock's holder as written (a local lock read as the plain file it was created as, never
   * against a checksum); a lock just created may not hold its text yet: read again for up to a
   * second before taking it as empty.
   */
  private static String holder(FileSystem fs, Path lock) throws IOException {
    java.nio.file.Path local = localPath(fs, lock);
    String holder = "";
    for (int i = 0; i < 20 && holder.isEmpty(); i++) {
      if (i > 0) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (local != null) {
        try {
          holder = java.nio.file.Files.readString(local, StandardCharsets.UTF_8).strip();
        } catch (java.nio.file.NoSuchFileException gone) {
          throw new java.io.FileNotFoundException(lock + " is gone");
        }
      } else {
        try (var in = fs.open(lock)) {
          holder = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
      }
    }
    return holder;
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
      try {
        createNew(fs, lock, owner());
        return;
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        String holder;
        try {
          holder = holder(fs, lock);
        } catch (java.io.FileNotFoundException gone) {
          continue; // released meanwhile: try again
        }
        Boolean alive = alive(holder);
        if (Boolean.TRUE.equals(alive)) {
          throw new LinprobeException("another linprobe run (" + holder + ") is writing " + dir
              + ": wait for it to finish, or choose another --out (if no such run is going, "
              + "delete " + lock + ")");
        }
        if (!takeOver || attempt > 0) {
          throw new LinprobeException("output " + dir + " is locked by a linprobe run ("
              + holder + ") that " + (alive == null ? "may be gone: if it is, pass"
                  : "is gone: pass") + " --resume to continue it, or --overwrite to start over");
        }
        if (alive == null) { // another host's run: gone only if it no longer renews its lock
          System.err.println("linprobe: output " + dir + " is locked by a run on another host ("
              + holder + "): watching its lock for " + (watchMs / 1000) + "s to see whether "
              + "that run is still going");
          Boolean renewed = renewed(fs, lock);
          if (renewed == null) continue; // released meanwhile: try again
          if (renewed) {
            throw new LinprobeException("another linprobe run (" + holder + ") is writing "
                + dir + ": its lock is still renewed; wait for it to finish, or choose another "
                + "--out");
          }
        }
        fs.delete(lock, false); // a killed run's lock: taken over as asked
      }
    }
    throw new LinprobeException("cannot lock output " + dir + ": another run keeps taking it; "
        + "choose another --out");
  }

  /**
   * Whether the lock's modification time changes within watchMs (its holder renews it); null
   * when it is released meanwhile. Only the lock's own times are compared, so the two hosts'
   * clocks need not agree.
   */
  private static Boolean renewed(FileSystem fs, Path lock) throws IOException {
    try {
      long first = fs.getFileStatus(lock).getModificationTime();
      long until = System.nanoTime() + watchMs * 1_000_000;
      while (System.nanoTime() < until) {
        Thread.sleep(Math.min(1_000, watchMs / 4 + 1));
        if (fs.getFileStatus(lock).getModificationTime() != first) return true;
      }
      return false;
    } catch (java.io.FileNotFoundException gone) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while watching " + lock);
    }
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

  /** @param keepHook leave the shutdown hook to abort again at exit (after Ctrl-C) */
  private void release(boolean keepHook) {
    OPEN.remove(this);
    if (released) return;
    released = true;
    if (heartbeat != null) heartbeat.cancel(false);
    try {
      if (!keepHook) org.apache.hadoop.util.ShutdownHookManager.get().removeShutdownHook(onExit);
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

  /**
   * Where files are written before the final move; created on first use. Refused once the output
   * is finished: after an abort (Ctrl-C while the outputs are written) a write must not bring the
   * staging directory back for a commit to move in place.
   */
  public synchronized Path staging() throws IOException {
    if (closed) throw new IOException("the output " + target + " was closed (run stopped)");
    if (complete) throw new IllegalStateException(target + " is finished: nothing is written");
    if (!fs.exists(staging)) {
      if (stagingMade) { // another run took this one's lock (--resume) and removed it
        throw new IOException("the staging directory " + staging + " was removed by another run "
            + "into " + target);
      }
      if (!fs.mkdirs(staging)) throw new IOException("cannot create " + staging);
      stagingMade = true;
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

  /**
   * Writes _SUCCESS and moves the staging directory onto DIR. An old DIR (--overwrite) is first
   * moved aside and deleted only once the new one is in place, so a failed move leaves it as it
   * was; the move is checked (Hadoop's local rename falls back to copying into an existing
   * directory).
   */
  public synchronized void commit() throws IOException {
    writeText("_SUCCESS", "");
    replaceWith(staging);
    finish();
  }

  /**
   * Moves the staging subdirectory {@code name} (a Parquet dataset written by Spark) onto DIR
   * itself.
   */
  public synchronized void commitFrom(String name) throws IOException {
    Path data = new Path(staging(), name);
    replaceWith(data);
    fs.delete(staging, true);
    finish();
  }

  /** Moves source onto DIR, an old DIR aside first and deleted last. */
  private void replaceWith(Path source) throws IOException {
    if (fs.exists(target) && fs.listStatus(target).length > 0) {
      if (!overwrite) {
        throw new LinprobeException("output " + target + " appeared during the run: "
            + "choose another --out, or pass --overwrite");
      }
      // --overwrite: what is there now, not what was there at the start (files put into an
      // empty DIR during the run are the user's)
      String unfinished = unfinished(fs, target, target.toString());
      if (unfinished != null) throw new LinprobeException(unfinished);
    }
    Path old = null;
    if (fs.exists(target)) {
      old = new Path(target.getParent(), "." + target.getName() + ".linprobe-old-"
          + UUID.randomUUID());
      if (!fs.rename(target, old) || fs.exists(target)) {
        // a mount point: the local rename may have copied the contents out before failing
        if (fs.exists(old) && !restore(old)) {
          throw new LinprobeException("cannot replace " + target + " (a mount point?): its old "
              + "contents are in " + old + "; choose another --out");
        }
        throw new LinprobeException("cannot move the old " + target + " aside to replace it (a "
            + "mount point, or no permission on its parent?): choose another --out");
      }
    } else if (target.getParent() != null) {
      fs.mkdirs(target.getParent());
    }
    if (!fs.rename(source, target) || !fs.exists(target) || fs.exists(source)) {
      if (old != null && !restore(old)) {
        throw new IOException("cannot move " + source + " to " + target + "; the old output is "
            + "in " + old);
      }
      throw new IOException("cannot move " + source + " to " + target);
    }
    if (old != null && !fs.delete(old, true)) {
      System.err.println("linprobe: warning: the results are in " + target + " but the old "
          + "output, moved to " + old + ", could not be deleted: delete it by hand");
    }
  }

  /** Puts the old output moved aside back in place (DIR absent or empty); false if it cannot. */
  private boolean restore(Path old) throws IOException {
    if (fs.exists(target) && fs.listStatus(target).length == 0) fs.delete(target, false);
    return !fs.exists(target) && fs.rename(old, target);
  }

  private void finish() {
    closed = true;
    committed = true;
    committedAny = true;
    release(false);
  }

  /**
   * Removes the staging directory after a failure and releases the lock; DIR is untouched. Waits
   * for a commit under way (Ctrl-C during the final move); does nothing after one.
   */
  public void abort() {
    abort(false);
  }

  /**
   * @param keepHook Ctrl-C's abort: the shutdown hook aborts again at exit, as a Spark write
   *     still under way (generate, embed, import-idx) may recreate the staging directory
   */
  private synchronized void abort(boolean keepHook) {
    if (committed) return;
    closed = true;
    try {
      if (staging != null && fs.exists(staging)) fs.delete(staging, true);
    } catch (IOException ignored) {
      // best effort: the staging directory is hidden and named after this run
    }
    release(keepHook);
  }

  /**
   * Ctrl-C: aborts every output still being written (waiting for a commit under way) and tells
   * whether any output of this JVM was committed, so the message can say what is on disk.
   */
  public static boolean abortOpen() {
    for (OutputDir d : java.util.List.copyOf(OPEN)) d.abort(true);
    return committedAny;
  }
}
