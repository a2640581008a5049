package linprobe.spark;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import linprobe.LinprobeException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Hadoop file system of a path the user named, with the two mistakes paths bring said in
 * one line: a scheme whose connector is not on the class path (s3a without hadoop-aws: Hadoop
 * knows the class name and fails to load it), and an output that overlaps an input.
 */
public final class FileSystems {
  private FileSystems() {}

  /**
   * path's file system; a missing connector is a {@link LinprobeException} that names flag and
   * the jar to add, not a ClassNotFoundException (which a scheduler would retry as transient).
   */
  public static FileSystem of(Path path, Configuration conf, String flag) throws IOException {
    return opened(path, flag, () -> path.getFileSystem(conf));
  }

  /** The same for a new, uncached instance (closed by the caller). */
  public static FileSystem newInstance(Path path, Configuration conf, String flag)
      throws IOException {
    return opened(path, flag, () -> FileSystem.newInstance(path.toUri(), conf));
  }

  private interface Opener {
    FileSystem open() throws IOException;
  }

  private static FileSystem opened(Path path, String flag, Opener opener) throws IOException {
    try {
      return opener.open();
    } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
      throw missing(path, flag, e);
    } catch (RuntimeException e) {
      if (e.getCause() instanceof ClassNotFoundException) throw missing(path, flag, e);
      throw e;
    }
  }

  /** The network failures that mean a file system did not answer (worth a retry). */
  private static final java.util.List<Class<? extends Exception>> UNANSWERED = java.util.List.of(
      java.net.ConnectException.class, java.net.NoRouteToHostException.class,
      java.net.SocketTimeoutException.class);

  /**
   * The error for a path that could not be used: "cannot access train path X: why (check
   * --train)", exit 2; or, when its file system did not answer (connection refused or timed out,
   * no route), a {@link linprobe.TransientFailure} saying so, exit 1: a retry may cure it.
   *
   * @param what what could not be used, as the message opens ("cannot access train path X")
   */
  public static RuntimeException accessError(String what, Exception e, String flag) {
    String message = what + ": " + EmbeddingSource.firstLine(e);
    if (UNANSWERED.stream().anyMatch(type -> LinprobeException.inChain(e, type) != null)) {
      return new linprobe.TransientFailure(message + " (its file system did not answer: "
          + "retry once it is up, or check " + flag + ")", e);
    }
    return new LinprobeException(message + " (check " + flag + ")", e);
  }

  private static LinprobeException missing(Path path, String flag, Exception e) {
    String scheme = path.toUri().getScheme() == null ? "" : path.toUri().getScheme();
    String v = org.apache.hadoop.util.VersionInfo.getVersion();
    String jar = switch (scheme.toLowerCase(Locale.ROOT)) {
      case "s3a" -> "hadoop-aws, e.g. spark-submit --packages org.apache.hadoop:hadoop-aws:" + v;
      case "abfs", "abfss", "wasb", "wasbs" ->
          "hadoop-azure, e.g. spark-submit --packages org.apache.hadoop:hadoop-azure:" + v;
      case "gs" -> "Google's GCS connector (com.google.cloud.bigdataoss:gcs-connector)";
      default -> "the jar of a Hadoop file system for '" + scheme + ":' (or fix the path)";
    };
    return new LinprobeException(flag + " " + path + ": no Hadoop file system for '" + scheme
        + ":' paths on the class path: add " + jar, e);
  }

  /**
   * Refuses a path that does not exist, in one line ("train path x does not exist: check
   * --train"); a local path behind a directory this user may not search is said as such, not as
   * missing: Hadoop's local file system asks java.io, whose answer is "no such file" either way
   * (HDFS and the object stores say "permission denied" themselves, as an IOException).
   *
   * @param what the path as messages name it, as the user wrote it ("train path data/x")
   * @param flag the option that named it, for the message's fix ("--train")
   * @throws LinprobeException when path is missing, or behind a directory that cannot be searched
   */
  public static void requireExists(FileSystem fs, Path path, String what, String flag)
      throws IOException {
    if (fs.exists(path)) return;
    java.nio.file.Path denied = null;
    try {
      denied = unsearchable(fs.makeQualified(path).toUri());
    } catch (IOException | RuntimeException e) { // only a better message was at stake
    }
    if (denied != null) {
      throw new LinprobeException(what + " cannot be reached: permission denied on directory "
          + denied + " (check " + flag + ", or that directory's permissions)");
    }
    String name = path.getName();
    if (name.contains("*") || name.contains("?") || name.contains("[") || name.contains("{")) {
      throw new LinprobeException(what + " does not exist: paths are taken as written, not as "
          + "patterns; point " + flag + " at the directory that holds the files");
    }
    throw new LinprobeException(what + " does not exist: check " + flag);
  }

  /** A local path's first ancestor directory this user may not search, or null. */
  private static java.nio.file.Path unsearchable(java.net.URI uri) throws IOException {
    if (!"file".equals(uri.getScheme())) return null;
    return unsearchable(java.nio.file.Paths.get(uri), 0);
  }

  /**
   * The same for an absolute path, through symbolic links among its ancestors: the directory
   * that denies may be on the link's side (a link's target is read without searching it).
   */
  private static java.nio.file.Path unsearchable(java.nio.file.Path p, int links)
      throws IOException {
    java.nio.file.Path dir = p.getRoot(), parent = p.getParent();
    if (dir == null || parent == null || links > 40) return null; // 40: Linux's own limit
    for (int i = 0; i < parent.getNameCount(); i++) {
      dir = dir.resolve(parent.getName(i));
      if (java.nio.file.Files.isSymbolicLink(dir)) {
        java.nio.file.Path through = dir.resolveSibling(java.nio.file.Files.readSymbolicLink(dir));
        if (i + 1 < parent.getNameCount()) {
          through = through.resolve(parent.subpath(i + 1, parent.getNameCount()));
        }
        return unsearchable(through.resolve(p.getFileName()), links + 1);
      }
      if (!java.nio.file.Files.isDirectory(dir)) return null; // missing: said by the caller
      if (!java.nio.file.Files.isExecutable(dir)) return dir;
    }
    return java.nio.file.Files.isSymbolicLink(p) // the path itself a link: its target's way
        ? unsearchable(p.resolveSibling(java.nio.file.Files.readSymbolicLink(p)), links + 1)
        : null;
  }

  /**
   * Refuses an output that is an input, contains one (replacing it would delete the input) or
   * lies inside one (its files would be read as part of that table next time).
   *
   * @param inputs flag to path of every table or file the command reads (null paths skipped)
   */
  public static void refuseOverlap(String out, Map<String, String> inputs, Configuration conf) {
    String o = qualified(out, conf);
    if (o == null) return;
    for (Map.Entry<String, String> in : inputs.entrySet()) {
      if (in.getValue() == null) continue;
      String i = qualified(in.getValue(), conf);
      if (i == null) continue;
      if (i.equals(o)) {
        throw new LinprobeException("--out " + out + " is the " + in.getKey() + " input itself: "
            + "writing there would replace it; choose another --out");
      }
      if (under(i, o)) {
        throw new LinprobeException("--out " + out + " contains the " + in.getKey() + " input "
            + in.getValue() + ": writing there would delete it; choose another --out");
      }
      if (under(o, i)) {
        throw new LinprobeException("--out " + out + " is inside the " + in.getKey() + " input "
            + in.getValue() + ": its files would be read as part of that table; choose another "
            + "--out");
      }
    }
  }

  /**
   * Whether two tables share files: the same path, however written (relative, absolute, with or
   * without its scheme), or one inside the other.
   */
  public static boolean overlap(String a, String b, Configuration conf) {
    String qa = qualified(a, conf), qb = qualified(b, conf);
    if (qa == null || qb == null) return new Path(a).equals(new Path(b));
    return qa.equals(qb) || under(qa, qb) || under(qb, qa);
  }

  /**
   * Whether Spark's file readers skip a file or directory of this name: a leading dot, a
   * leading underscore but for partition directories (_c=1), or a file still being copied.
   */
  public static boolean hidden(String name) {
    return name.startsWith(".") || (name.startsWith("_") && !name.contains("="))
        || name.endsWith("._COPYING_");
  }

  /** A directory's data files, those Spark reads (not {@link #hidden}), sorted by path. */
  public static java.util.List<Path> dataFiles(FileSystem fs, Path dir) throws IOException {
    return java.util.Arrays.stream(fs.listStatus(dir))
        .filter(f -> f.isFile() && !hidden(f.getPath().getName()))
        .map(org.apache.hadoop.fs.FileStatus::getPath).sorted().toList();
  }

  /** A local file (read with java.io) as a file: URI, whatever Hadoop's default file system. */
  public static String local(String path) {
    return new java.io.File(path).getAbsoluteFile().toURI().toString();
  }

  private static boolean under(String child, String parent) {
    return child.startsWith(parent.endsWith("/") ? parent : parent + "/");
  }

  /** The fully qualified form of path, or null where it cannot be had (said later, by its use). */
  private static String qualified(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      java.net.URI u = p.getFileSystem(conf).makeQualified(p).toUri().normalize();
      // one spelling: file:/x and file:///x are the same path
      String dir = u.getPath().length() > 1 ? u.getPath().replaceAll("/+$", "") : u.getPath();
      return u.getScheme() + "://" + (u.getAuthority() == null ? "" : u.getAuthority()) + dir;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
