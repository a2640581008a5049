package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session a command builds when none exists, in a JVM of its own (FreshSessionProbe): the
 * context class loader put back, spark.submit.appName and spark.sql.extensions honoured, MLlib's
 * SQL functions left out, and a curve on Spark ML vector columns run in it.
 */
class SessionsIT {
  @TempDir Path tmp;

  @Test
  void aSessionBuiltFromNothingRunsACurveOnVectors() throws Exception {
    String cp = "target/test-classes:target/classes:"
        + Files.readString(Path.of("target/test-classpath.txt")).strip();
    ProcessBuilder pb = new ProcessBuilder(List.of("java", "-Xmx1g",
        "-XX:+IgnoreUnrecognizedVMOptions", "@conf/java-opens.args",
        "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
        "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jvm-tmp")),
        "-Dspark.master=local[2]", "-Dspark.ui.enabled=false",
        "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1",
        "-Dspark.hadoop.fs.file.impl=" + NioLocalFileSystem.class.getName(),
        "-Dlog4j2.configurationFile=conf/log4j2.properties",
        "-Dspark.sql.extensions=" + FreshSessionProbe.Marker.class.getName(),
        "-Dspark.submit.appName=a name given at submit time",
        "-cp", cp, FreshSessionProbe.class.getName(), tmp.toString()))
        .redirectErrorStream(true);
    pb.environment().remove("SPARK_HOME");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("fresh session: ok"), out);
  }
}
