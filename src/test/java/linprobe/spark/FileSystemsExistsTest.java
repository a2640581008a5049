package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileSystems#requireExists} answers as {@code fs.exists} ("does not exist") wherever no
 * directory on the way denies the user (the denied case, which needs a user other than root, is {@link PermissionDeniedIT}),
 * on every local file system a run may be given: Hadoop's checksummed one, the raw one
 * (spark.hadoop.fs.file.impl, to skip .crc files: it has no scheme of its own to ask) and
 * linprobe's.
 */
class FileSystemsExistsTest {
  @TempDir Path tmp;

  @Test
  void answersAsHadoopOnEveryLocalFileSystem() throws Exception {
    Path file = Files.writeString(tmp.resolve("a b%c.txt"), "x");
    Files.writeString(tmp.resolve("plain"), "x");
    Files.createDirectories(tmp.resolve("real/inner"));
    Files.writeString(tmp.resolve("real/inner/t"), "x");
    Files.createSymbolicLink(tmp.resolve("link"), Path.of("real"));
    Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("nowhere/at/all"));
    Files.createSymbolicLink(tmp.resolve("loop"), Path.of("loop"));
    Configuration conf = new Configuration();
    for (FileSystem fs : List.<FileSystem>of(new LocalFileSystem(), new RawLocalFileSystem(),
        new NioLocalFileSystem())) {
      fs.initialize(java.net.URI.create("file:///"), conf);
      String name = fs.getClass().getSimpleName();
      assertTrue(exists(fs, file.toString()), name);
      assertTrue(exists(fs, "file://" + file), name);
      assertTrue(exists(fs, "/"), name);
      assertFalse(exists(fs, tmp.resolve("missing/x").toString()), name);
      assertFalse(exists(fs, tmp.resolve("missing").toString()), name);
      // an ancestor that is a file, not a directory: missing, not denied
      assertFalse(exists(fs, tmp.resolve("plain/x").toString()), name);
      assertFalse(exists(fs, "file:" + tmp.resolve("missing/y")), name);
      // through symbolic links: to a directory, dangling, a loop
      assertTrue(exists(fs, tmp.resolve("link/inner/t").toString()), name);
      assertFalse(exists(fs, tmp.resolve("link/inner/missing").toString()), name);
      assertFalse(exists(fs, tmp.resolve("dangling/x").toString()), name);
      assertFalse(exists(fs, tmp.resolve("dangling").toString()), name);
      assertFalse(exists(fs, tmp.resolve("loop").toString()), name);
      assertFalse(exists(fs, tmp.resolve("loop/x/y").toString()), name);
      // relative: against the working directory
      assertFalse(exists(fs, "no-such-dir-here/x"), name);
    }
  }

  static boolean exists(FileSystem fs, String path) throws Exception {
    try {
      FileSystems.requireExists(fs, new org.apache.hadoop.fs.Path(path), "train path " + path,
          "--train");
      return true;
    } catch (linprobe.LinprobeException e) {
      assertEquals("train path " + path + " does not exist: check --train", e.getMessage());
      return false;
    }
  }
}
