package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build leaves the class-data archive jobs/linprobe starts from (jobs/build-cds), and the
 * launcher maps it: with -Xshare:on the JVM refuses to start when an archive it was given cannot
 * be used, so a clean exit here means the archive loaded.
 */
class ClassDataArchiveIT {
  @Test
  void theBuildMakesTheArchiveAndTheLauncherStartsFromIt() throws Exception {
    Path archive = Path.of("target", "linprobe-cds.jsa");
    Path jar = Path.of("target", "linprobe-0.1.0.jar");
    assertTrue(Files.size(archive) > 10 << 20, "the archive holds Spark's classes");
    assertFalse(Files.getLastModifiedTime(jar).compareTo(Files.getLastModifiedTime(archive)) > 0,
        "made after the jar, so the launcher uses it");
    for (String cds : List.of("1", "0")) {
      ProcessBuilder pb = new ProcessBuilder("jobs/linprobe", "--version").redirectErrorStream(true);
      pb.environment().put("LINPROBE_JAVA_OPTS", "-Xmx1g -Xshare:on");
      pb.environment().put("LINPROBE_CDS", cds);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), out);
      assertTrue(out.startsWith("linprobe "), out);
    }
    // the test has power: an archive of other jars is refused under -Xshare:on
    ProcessBuilder pb = new ProcessBuilder("java", "-Xshare:on", "-XX:SharedArchiveFile="
        + archive, "-cp", "target/classes", "linprobe.cli.Main", "--version").redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor() != 0, out);
    assertTrue(out.contains("shared archive"), out);
  }
}
