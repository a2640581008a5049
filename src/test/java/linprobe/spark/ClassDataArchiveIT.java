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
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build leaves the class-data archive jobs/linprobe starts from (jobs/build-cds), made for the
 * Java the launcher runs (JAVA_HOME's, else the PATH's), and the launcher maps it: with
 * LINPROBE_CDS=require the JVM refuses to start when the archive it was given cannot be used
 * (-Xshare:on; -XX:AOTMode=on for the ahead-of-time cache of Java 25 and later), so a clean exit
 * means the archive loaded. The launcher refuses a Java older than 17 in one line.
 */
class ClassDataArchiveIT {
  @TempDir Path tmp;

  record Run(int code, String out) {}

  /** Runs a command from the project directory, SPARK_HOME and LINPROBE_CDS unset, env added. */
  static Run run(Map<String, String> env, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("LINPROBE_CDS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }

  /** The archive the launcher uses with this environment (LINPROBE_CDS=where). */
  static Path archive(Map<String, String> env) throws Exception {
    Map<String, String> where = new HashMap<>(env);
    where.put("LINPROBE_CDS", "where");
    where.put("LINPROBE_NO_BUILD", "1");
    Run r = run(where, "jobs/linprobe");
    assertEquals(0, r.code(), r.out());
    return Path.of(r.out().strip());
  }

  /** The java of a JDK home, or the PATH's for null. */
  static String java(String home) {
    return home == null ? "java" : home + "/bin/java";
  }

  /** Asserts that the JVM refuses an archive made for other jars when told to require it. */
  static void assertRefusedForOtherJars(String home, Path archive) throws Exception {
    boolean aot = archive.getFileName().toString().endsWith(".aot");
    Run refused = aot
        ? run(Map.of(), java(home), "-XX:AOTMode=on", "-XX:AOTCache=" + archive, "-cp",
            "target/classes", "linprobe.cli.Main", "--version")
        : run(Map.of(), java(home), "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-cp",
            "target/classes", "linprobe.cli.Main", "--version");
    assertTrue(refused.code() != 0, refused.out());
    assertTrue(refused.out().contains(aot ? "AOT cache" : "shared archive"), refused.out());
  }

  @Test
  void theBuildMakesTheArchiveAndTheLauncherStartsFromIt() throws Exception {
    Path archive = archive(Map.of());
    Path jar = Path.of("target", "linprobe-0.1.0.jar");
    assertTrue(Files.isRegularFile(archive), "the build made " + archive);
    assertTrue(Files.size(archive) > 10 << 20, "the archive holds Spark's classes");
    assertFalse(Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(archive)) > 0,
        "made after the jar, so the launcher uses it");
    for (String cds : List.of("require", "0")) {
      Run r = run(Map.of("LINPROBE_JAVA_OPTS", "-Xmx1g", "LINPROBE_CDS", cds),
          "jobs/linprobe", "--version");
      assertEquals(0, r.code(), r.out());
      assertTrue(r.out().startsWith("linprobe "), r.out());
    }
    // the test has power: an archive of other jars is refused
    assertRefusedForOtherJars(System.getenv("JAVA_HOME"), archive);
  }

  /**
   * An archive older than the jar (made for an earlier build: every mvn package rewrites the jar)
   * goes unused, and the launcher says so in one line naming the file and the remedy; none when it
   * is as new as the jar, nor with LINPROBE_CDS=0.
   */
  @Test
  void anArchiveOlderThanTheJarIsNamedInOneLine() throws Exception {
    Path archive = archive(Map.of());
    Path jar = Path.of("target", "linprobe-0.1.0.jar");
    assertTrue(Files.isRegularFile(archive), "the build made " + archive);
    Map<String, String> env = Map.of("LINPROBE_JAVA_OPTS", "-Xmx256m", "LINPROBE_NO_BUILD", "1");
    String hint = "linprobe: " + archive + " is older than the jar and not used (this run starts"
        + " slower); remake it with";
    Run fresh = run(env, "jobs/linprobe", "--version");
    assertEquals(0, fresh.code(), fresh.out());
    assertFalse(fresh.out().contains(" is older than the jar"), fresh.out());
    FileTime made = Files.getLastModifiedTime(archive);
    try {
      Files.setLastModifiedTime(archive,
          FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
      Run stale = run(env, "jobs/linprobe", "--version");
      assertEquals(0, stale.code(), stale.out());
      List<String> lines = stale.out().lines().toList();
      assertEquals(2, lines.size(), stale.out());
      assertTrue(lines.get(0).startsWith(hint) && lines.get(0).endsWith(
          "jobs/build-cds, or LINPROBE_CDS=0 to start without it"), stale.out());
      assertTrue(lines.get(1).startsWith("linprobe "), stale.out());
      Map<String, String> off = new HashMap<>(env);
      off.put("LINPROBE_CDS", "0");
      Run quiet = run(off, "jobs/linprobe", "--version");
      assertEquals(0, quiet.code(), quiet.out());
      assertFalse(quiet.out().contains(" is older than the jar"), quiet.out());
    } finally {
      Files.setLastModifiedTime(archive, made);
    }
  }

  /**
   * The launcher starts its JVM with conf/jvm.options (C2's thresholds raised), and options in
   * LINPROBE_JAVA_OPTS come after them and win.
   */
  @Test
  void theLauncherPassesConfJvmOptionsAndTheUsersOptionsWin() throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("conf", "jvm.options"))) {
      String option = line.replaceAll("#.*", "").strip();
      if (option.matches("-XX:\\w+=\\w+")) { // the valued -XX options; others unchecked
        int eq = option.indexOf('=');
        options.put(option.substring(4, eq), option.substring(eq + 1));
      }
    }
    assertTrue(options.containsKey("Tier4InvocationThreshold"), options.toString());
    Run r = run(Map.of("LINPROBE_JAVA_OPTS", "-Xmx1g -XX:+PrintFlagsFinal",
        "LINPROBE_NO_BUILD", "1"), "jobs/linprobe", "--version");
    assertEquals(0, r.code(), r.out());
    for (Map.Entry<String, String> o : options.entrySet()) {
      assertTrue(flag(r.out(), o.getKey(), o.getValue()),
          o.getKey() + " = " + o.getValue() + " not in the JVM's flags:\n" + r.out());
    }
    Run mine = run(Map.of("LINPROBE_JAVA_OPTS",
        "-Xmx1g -XX:Tier4InvocationThreshold=4321 -XX:+PrintFlagsFinal", "LINPROBE_NO_BUILD", "1"),
        "jobs/linprobe", "--version");
    assertEquals(0, mine.code(), mine.out());
    assertTrue(flag(mine.out(), "Tier4InvocationThreshold", "4321"), "the user's value wins");
    assertFalse(flag(mine.out(), "Tier4InvocationThreshold", options.get("Tier4InvocationThreshold")));
  }

  /**
   * Where Linux gives transparent huge pages on request (madvise), the launcher asks for them for
   * the heap, and LINPROBE_JAVA_OPTS can turn that off.
   */
  @Test
  void theLauncherAsksForTransparentHugePagesInMadviseMode() throws Exception {
    Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    assumeTrue(Files.isReadable(mode)
        && Files.readString(mode).contains("[madvise]"), "the kernel is not in madvise mode");
    Run r = run(Map.of("LINPROBE_JAVA_OPTS", "-Xmx1g -XX:+PrintFlagsFinal",
        "LINPROBE_NO_BUILD", "1"), "jobs/linprobe", "--version");
    assertEquals(0, r.code(), r.out());
    assertTrue(flag(r.out(), "UseTransparentHugePages", "true"), r.out());
    Run off = run(Map.of("LINPROBE_JAVA_OPTS",
        "-Xmx1g -XX:-UseTransparentHugePages -XX:+PrintFlagsFinal", "LINPROBE_NO_BUILD", "1"),
        "jobs/linprobe", "--version");
    assertEquals(0, off.code(), off.out());
    assertTrue(flag(off.out(), "UseTransparentHugePages", "false"), "the user's option wins");
  }

  /** Whether -XX:+PrintFlagsFinal's output shows the flag set to the value on the command line. */
  static boolean flag(String printed, String name, String value) {
    return java.util.regex.Pattern.compile("(?m)^\\s*\\w+\\s+" + name + "\\s+= " + value
        + "\\s.*\\{command line\\}\\s*$").matcher(printed).find();
  }

  @Test
  void aJavaOlderThan17OrNoneIsRefusedInOneLine() throws Exception {
    Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "jdk11");
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Run r = run(Map.of("JAVA_HOME", home.toString(), "LINPROBE_NO_BUILD", "1"),
        "jobs/linprobe", "--version");
    assertEquals(2, r.code(), r.out());
    assertEquals("linprobe: needs Java 17 or newer, " + java + " is Java 11.0.22; set JAVA_HOME"
        + " to a JDK 17+\n", r.out());
    Path none = home.resolveSibling(home.getFileName() + "-missing");
    Run missing = run(Map.of("JAVA_HOME", none.toString(), "LINPROBE_NO_BUILD", "1"),
        "jobs/linprobe", "--version");
    assertEquals(2, missing.code(), missing.out());
    assertEquals("linprobe: JAVA_HOME=" + none + " has no working bin/java; set it to a JDK 17 or"
        + " newer\n", missing.out());
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
   * the JAVA_HOME it is given, and the curve is the same as on the default Java (17 here), byte
   * for byte.
   */
  @Test
  void onJava25TheLauncherStartsFromAnAheadOfTimeCacheAndTheCurveIsTheSame() throws Exception {
    Optional<Path> jdk = jdk25();
    assumeTrue(jdk.isPresent(), "no JDK 25 or newer on this machine");
    String home = jdk.get().toString();
    Run build = run(Map.of("JAVA_HOME", home), "jobs/build-cds");
    Path cache = archive(Map.of("JAVA_HOME", home));
    assertTrue(Files.isRegularFile(cache), "jobs/build-cds made " + cache + ":\n" + build.out());
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
    assertArrayEquals(curves[0], curves[1], "the same curve on the default Java and on " + home);
    // the test has power: a cache made for other jars is refused under -XX:AOTMode=on
    assertRefusedForOtherJars(home, cache);
  }
}
