package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local path behind a directory the user may not search is said as such, not as missing
 * (java.io, which Hadoop's local file system asks, answers "does not exist" either way). Root
 * searches every directory, so as root the command runs in a JVM of its own in a user namespace
 * of its own (unshare --user): there it has no capabilities over the machine's files, and a
 * directory of mode 000 denies it, owner bits included.
 */
class PermissionDeniedIT {
  @TempDir Path tmp;

  record Run(int code, String out) {}

  @Test
  void aTableBehindADirectoryThatCannotBeSearchedIsSaidSo() throws Exception {
    Path locked = Files.createDirectories(tmp.resolve("locked/in"));
    copyTable(Path.of("data-samples/digits/train.parquet"), locked.resolve("train.parquet"));
    Path lockedDir = tmp.resolve("locked");
    Path train = locked.resolve("train.parquet");
    Path out = tmp.resolve("out");
    // the child may enter the test's directory and write its own temporary files
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jvmTmp = Files.createDirectories(tmp.resolve("jvm-tmp"));
    Files.setPosixFilePermissions(jvmTmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(lockedDir, PosixFilePermissions.fromString("---------"));
    try {
      Run r = run(jvmTmp, "curve", "--train", train.toString(),
          "--test", "data-samples/digits/test.parquet", "--out", out.toString());
      assertEquals(2, r.code(), r.out());
      assertEquals("linprobe: error: train path " + train + " cannot be reached: permission "
          + "denied on directory " + lockedDir + " (check --train, or that directory's "
          + "permissions)", lastLine(r.out()), r.out());
      assertFalse(r.out().contains("\tat "), "no stack trace: " + r.out());
      assertFalse(r.out().contains("does not exist"), r.out());
      assertFalse(Files.exists(out), "nothing written");

      // through a symbolic link (a relative one) to a directory behind the locked one
      Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("locked/in"));
      Path viaLink = link.resolve("train.parquet");
      r = run(jvmTmp, "curve", "--train", viaLink.toString(),
          "--test", "data-samples/digits/test.parquet", "--out", out.toString());
      assertEquals(2, r.code(), r.out());
      assertEquals("linprobe: error: train path " + viaLink + " cannot be reached: permission "
          + "denied on directory " + lockedDir + " (check --train, or that directory's "
          + "permissions)", lastLine(r.out()), r.out());

      // the path itself a link to the table behind the locked directory
      Path tableLink = Files.createSymbolicLink(tmp.resolve("table-link"), train);
      r = run(jvmTmp, "curve", "--train", tableLink.toString(),
          "--test", "data-samples/digits/test.parquet", "--out", out.toString());
      assertEquals(2, r.code(), r.out());
      assertEquals("linprobe: error: train path " + tableLink + " cannot be reached: permission "
          + "denied on directory " + lockedDir + " (check --train, or that directory's "
          + "permissions)", lastLine(r.out()), r.out());

      Path config = lockedDir.resolve("run.properties");
      r = run(jvmTmp, "curve", "--config", config.toString(), "--train", train.toString(),
          "--test", "data-samples/digits/test.parquet", "--out", out.toString());
      assertEquals(2, r.code(), r.out());
      assertEquals("linprobe: error: config file " + config + " cannot be reached: permission "
          + "denied on directory " + lockedDir + " (check --config, or that directory's "
          + "permissions)", r.out().strip(), r.out());

      Path text = lockedDir.resolve("in/texts.csv");
      r = run(jvmTmp, "embed", "--input", text.toString(), "--out", out.toString());
      assertEquals(2, r.code(), r.out());
      assertEquals("linprobe: error: input " + text + " cannot be reached: permission denied on "
          + "directory " + lockedDir + " (check --input, or that directory's permissions)",
          lastLine(r.out()), r.out());
      assertFalse(Files.exists(out), "nothing written");

      // a path that is missing behind a directory that can be searched is still missing
      Path missing = tmp.resolve("nothing/train.parquet");
      r = run(jvmTmp, "curve", "--train", missing.toString(),
          "--test", "data-samples/digits/test.parquet", "--out", out.toString());
      assertEquals(2, r.code(), r.out());
      assertEquals("linprobe: error: train path " + missing + " does not exist: check --train",
          lastLine(r.out()), r.out());
    } finally {
      Files.setPosixFilePermissions(lockedDir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** The command's output, stdout and stderr, without the progress lines before its error. */
  static String lastLine(String out) {
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1];
  }

  static void copyTable(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, to.resolve(f.getFileName()));
    }
  }

  /** linprobe's CLI in a JVM of its own, as a user who is not root (as nobody when we are). */
  Run run(Path jvmTmp, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      String said;
      int code;
      try {
        Process probe = new ProcessBuilder("unshare", "--user", "true")
            .redirectErrorStream(true).start();
        said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        code = probe.waitFor();
      } catch (java.io.IOException e) {
        said = e.getMessage();
        code = -1;
      }
      Assumptions.assumeTrue(code == 0, "running as root, and this machine cannot make a user "
          + "namespace (unshare --user: " + said + "): root searches every directory, so there "
          + "is no one to deny");
      command.addAll(List.of("unshare", "--user"));
    }
    String cp = "target/test-classes:target/classes:"
        + Files.readString(Path.of("target/test-classpath.txt")).strip();
    command.addAll(List.of("java", "-Xmx1g", "@conf/java-opens.args",
        "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
        "-Djava.io.tmpdir=" + jvmTmp, "-Dspark.master=local[2]", "-Dspark.ui.enabled=false",
        "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
        "-Dspark.hadoop.fs.file.impl=" + NioLocalFileSystem.class.getName(),
        "-Dlog4j2.configurationFile=conf/log4j2.properties",
        "-cp", cp, "linprobe.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("SPARK_HOME");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }
}
