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
      Run r = curve(jvmTmp, out, "--train", train.toString());
      denied(r, "train path " + train, "--train", lockedDir);
      assertFalse(r.out().contains("does not exist"), r.out());
      assertFalse(Files.exists(out), "nothing written");

      // through a symbolic link (a relative one) to a directory behind the locked one
      Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("locked/in"));
      Path viaLink = link.resolve("train.parquet");
      denied(curve(jvmTmp, out, "--train", viaLink.toString()), "train path " + viaLink,
          "--train", lockedDir);

      // the path itself a link to the table behind the locked directory
      Path tableLink = Files.createSymbolicLink(tmp.resolve("table-link"), train);
      denied(curve(jvmTmp, out, "--train", tableLink.toString()), "train path " + tableLink,
          "--train", lockedDir);

      Path config = lockedDir.resolve("run.properties");
      r = curve(jvmTmp, out, "--config", config.toString(), "--train", train.toString());
      denied(r, "config file " + config, "--config", lockedDir);
      assertEquals(r.out().strip(), lastLine(r.out()), "one line, before Spark starts");

      Path text = lockedDir.resolve("in/texts.csv");
      r = run(jvmTmp, "embed", "--input", text.toString(), "--out", out.toString());
      denied(r, "input " + text, "--input", lockedDir);
      assertFalse(Files.exists(out), "nothing written");

      // a path that is missing behind a directory that can be searched is still missing
      Path missing = tmp.resolve("nothing/train.parquet");
      r = curve(jvmTmp, out, "--train", missing.toString());
      assertEquals(2, r.code(), r.out());
      assertEquals("linprobe: error: train path " + missing + " does not exist: check --train",
          lastLine(r.out()), r.out());
    } finally {
      Files.setPosixFilePermissions(lockedDir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** Exit 2, and the last line says dir denied the path named flag, with no stack trace. */
  static void denied(Run r, String what, String flag, Path dir) {
    assertEquals(2, r.code(), r.out());
    assertEquals("linprobe: error: " + what + " cannot be reached: permission denied on "
        + "directory " + dir + " (check " + flag + ", or that directory's permissions)",
        lastLine(r.out()), r.out());
    assertFalse(r.out().contains("\tat "), "no stack trace: " + r.out());
  }

  /** curve on the digits' test table into out, with the options given. */
  Run curve(Path jvmTmp, Path out, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("curve"));
    args.addAll(List.of(options));
    args.addAll(List.of("--test", "data-samples/digits/test.parquet", "--out", out.toString()));
    return run(jvmTmp, args.toArray(new String[0]));
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
