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
 */
public final class OutputDir {
  private final Path target;
  private final Path staging;
  private final FileSystem fs;
  private final boolean overwrite;

  private OutputDir(Path target, Path staging, FileSystem fs, boolean overwrite) {
    this.target = target;
    this.staging = staging;
    this.fs = fs;
    this.overwrite = overwrite;
  }

  /** Refuses an existing non-empty DIR unless overwrite; creates nothing yet. */
  public static OutputDir check(String dir, boolean overwrite, Configuration conf) {
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
      return new OutputDir(q, staging, fs, overwrite);
    } catch (IOException e) {
      throw new LinprobeException("cannot use output " + dir + ": "
          + EmbeddingSource.firstLine(e) + " (check --out)", e);
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
  }

  /** Removes the staging directory after a failure; DIR is untouched. */
  public void abort() {
    try {
      if (fs.exists(staging)) fs.delete(staging, true);
    } catch (IOException ignored) {
      // best effort: the staging directory is hidden and named after this run
    }
  }
}
