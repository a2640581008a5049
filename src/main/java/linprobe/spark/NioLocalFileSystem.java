package linprobe.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's local file system (checksums and all), except that without Hadoop's native library
 * it sets a file's permissions through java.nio instead of starting a {@code chmod} process.
 * Hadoop does that for every file and directory it creates: about 110 processes for a small
 * table's run (its fits recorded for --resume, its outputs), each 2-3 ms of a core. The
 * launcher (jobs/linprobe) and the tests select it with {@code spark.hadoop.fs.file.impl};
 * permissions come out the same (the umask is Hadoop's, applied before this is called).
 */
public final class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** The raw file system under the checksums. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      Set<PosixFilePermission> posix = posix(permission);
      if (posix == null || NativeIO.isAvailable()) {
        super.setPermission(p, permission);
        return;
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), posix);
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(p, permission);
      }
    }
  }

  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ};

  /** The permission's nine mode bits, or null when it has more (sticky: left to Hadoop). */
  static Set<PosixFilePermission> posix(FsPermission permission) {
    int mode = permission.toShort();
    if ((mode & ~0777) != 0) return null;
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int b = 0; b < BITS.length; b++) if ((mode & (1 << b)) != 0) out.add(BITS[b]);
    return out;
  }
}
