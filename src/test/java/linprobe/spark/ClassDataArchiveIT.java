package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build leaves the class-data archive jobs/linprobe starts from (jobs/build-cds), and the
 * launcher maps it: with LINPROBE_CDS=require the JVM refuses to start when the archive it was
 * given cannot be used (-Xshare:on; -XX:AOTMode=on for Java 25's ahead-of-time cache), so a clean
 * exit means the archive loaded. The launcher runs the Java of JAVA_HOME, and refuses one older
 * than 17 in one line.
 */
class ClassDataArchiveIT {
  @TempDir Path tmp;

  record Run(int code, String out) {}

  static Run run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("JAVA_HOME");
    pb.environment().remove("LINPROBE_CDS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }

  @Test
  void theBuildMakesTheArchiveAndTheLauncherStartsFromIt() throws Exception {
    Path archive = Path.of("target", "linprobe-cds.jsa");
    Path jar = Path.of("target", "linprobe-0.1.0.jar");
    assertTrue(Files.size(archive) > 10 << 20, "the archive holds Spark's classes");
    assertFalse(Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(archive)) > 0,
        "made after the jar, so the launcher uses it");
    for (String cds : List.of("require", "0")) {
      Run r = run(Map.of("LINPROBE_JAVA_OPTS", "-Xmx1g", "LINPROBE_CDS", cds),
          "jobs/linprobe", "--version");
      assertEquals(0, r.code(), r.out());
      assertTrue(r.out().startsWith("linprobe "), r.out());
    }
    // the test has power: an archive of other jars is refused under -Xshare:on
    Run refused = run(Map.of(), "java", "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-cp",
        "target/classes", "linprobe.cli.Main", "--version");
    assertTrue(refused.code() != 0, refused.out());
    assertTrue(refused.out().contains("shared archive"), refused.out());
  }

  @Test
  void aJavaOlderThan17IsRefusedInOneLine() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("jdk11/bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Run r = run(Map.of("JAVA_HOME", tmp.resolve("jdk11").toString(), "LINPROBE_NO_BUILD", "1"),
        "jobs/linprobe", "--version");
    assertEquals(2, r.code(), r.out());
    assertEquals("linprobe: needs Java 17 or newer, " + java + " is Java 11.0.22; set JAVA_HOME"
        + " to a JDK 17+\n", r.out());
  }

  /** A JDK 25 or newer on this machine: LINPROBE_TEST_JDK25, else one under /usr/lib/jvm. */
  static Optional<Path> jdk25() throws IOException {
    String given = System.getenv("LINPROBE_TEST_JDK25");
    if (given != null) {
      return given.isEmpty() ? Optional.empty() : Optional.of(Path.of(given));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (var dirs = Files.list(jvms)) {
      return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
          .filter(d -> d.getFileName().toString().matches(".*-(2[5-9]|[3-9][0-9])(-.*|\\.\\d.*)?"))
          .sorted().findFirst();
    }
  }

  /**
   * From Java 25 the launcher starts from an ahead-of-time cache, which jobs/build-cds makes for
   * the JAVA_HOME it is given, and the curve is the same as on Java 17, byte for byte.
   */
  @Test
  void onJava25TheLauncherStartsFromAnAheadOfTimeCacheAndTheCurveIsTheSame() throws Exception {
    Optional<Path> jdk = jdk25();
    assumeTrue(jdk.isPresent(), "no JDK 25 or newer on this machine");
    String home = jdk.get().toString();
    Run build = run(Map.of("JAVA_HOME", home), "jobs/build-cds");
    assertEquals(0, build.code(), build.out());
    Path cache = Path.of(run(Map.of("JAVA_HOME", home, "LINPROBE_NO_BUILD", "1",
        "LINPROBE_CDS", "where"), "jobs/linprobe").out().strip());
    assertTrue(cache.getFileName().toString().matches("linprobe-java\\d+\\.aot"), cache.toString());
    assertTrue(Files.size(cache) > 10 << 20, "the cache holds Spark's classes");
    byte[][] curves = new byte[2][];
    for (int i = 0; i < 2; i++) {
      Path out = tmp.resolve("run" + i);
      List<String> command = new ArrayList<>(Arrays.asList("jobs/linprobe", "curve", "--train",
          "data-samples/digits/train.parquet", "--test", "data-samples/digits/test.parquet",
          "--out", out.toString(), "--lr-c", "1", "--seeds", "1", "--quiet"));
      Run r = run(i == 0 ? Map.of("LINPROBE_CDS", "require")
          : Map.of("LINPROBE_CDS", "require", "JAVA_HOME", home), command.toArray(String[]::new));
      assertEquals(0, r.code(), r.out());
      assertFalse(r.out().contains("WARNING"), "no JVM warnings on stdout or stderr:\n" + r.out());
      curves[i] = Files.readAllBytes(out.resolve("curve.csv"));
    }
    assertArrayEquals(curves[0], curves[1], "the same curve on Java 17 and on " + home);
    // the test has power: a cache made for other jars is refused under -XX:AOTMode=on
    Run refused = run(Map.of(), home + "/bin/java", "-XX:AOTMode=on", "-XX:AOTCache=" + cache,
        "-cp", "target/classes", "linprobe.cli.Main", "--version");
    assertTrue(refused.code() != 0, refused.out());
    assertTrue(refused.out().contains("AOT cache"), refused.out());
  }
}
