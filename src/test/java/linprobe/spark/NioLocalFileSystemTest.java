package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local file system the launcher and the tests use gives files Hadoop's own permissions. */
class NioLocalFileSystemTest {
  @TempDir java.nio.file.Path tmp;

  private static FileSystem fs(Class<? extends FileSystem> impl, String umask) throws Exception {
    Configuration conf = new Configuration(false);
    conf.set("fs.permissions.umask-mode", umask);
    FileSystem fs = impl.getDeclaredConstructor().newInstance();
    fs.initialize(java.net.URI.create("file:///"), conf);
    return fs;
  }

  private String mode(java.nio.file.Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void createsFilesAndDirectoriesWithTheSamePermissionsAsHadoopsShellChmod() throws Exception {
    for (String umask : new String[] {"022", "077", "002"}) {
      String[] modes = new String[2];
      for (int i = 0; i < 2; i++) {
        FileSystem fs = fs(i == 0 ? LocalFileSystem.class : NioLocalFileSystem.class, umask);
        java.nio.file.Path root = tmp.resolve(umask + "-" + i);
        Path dir = new Path(root.toUri().toString(), "a/b");
        assertTrue(fs.mkdirs(dir));
        try (OutputStream out = fs.create(new Path(dir, "f.txt"), false)) {
          out.write(1);
        }
        java.nio.file.Path d = root.resolve("a/b");
        modes[i] = mode(d) + " " + mode(d.resolve("f.txt")) + " " + mode(d.resolve(".f.txt.crc"));
      }
      assertEquals(modes[0], modes[1], "umask " + umask);
    }
    // and an explicit mode, as Spark's committers set them
    FileSystem fs = fs(NioLocalFileSystem.class, "022");
    Path f = new Path(tmp.resolve("g").toUri().toString());
    fs.create(f).close();
    fs.setPermission(f, new FsPermission((short) 0640));
    assertEquals("rw-r-----", mode(tmp.resolve("g")));
  }

  @Test
  void mapsTheNineModeBitsAndLeavesTheStickyBitToHadoop() {
    assertEquals(PosixFilePermissions.fromString("rwxr-x--x"),
        NioLocalFileSystem.posix(new FsPermission((short) 0751)));
    assertEquals(PosixFilePermissions.fromString("---------"),
        NioLocalFileSystem.posix(new FsPermission((short) 0)));
    assertNull(NioLocalFileSystem.posix(new FsPermission((short) 01777)));
  }

  @Test
  void isTheTestsSessionsLocalFileSystem() throws Exception {
    // a new instance: Hadoop's cache may hold one another test made without the session's conf
    try (FileSystem fs = FileSystem.newInstance(tmp.toUri(),
        SparkTestBase.spark().sparkContext().hadoopConfiguration())) {
      assertSame(NioLocalFileSystem.class, fs.getClass());
    }
  }
}
