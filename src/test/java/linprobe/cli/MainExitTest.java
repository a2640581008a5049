package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.apache.spark.SparkUserAppException;
import org.junit.jupiter.api.Test;

/**
 * How main ends: System.exit in a JVM of its own (jobs/linprobe, spark-submit in client mode);
 * inside YARN's ApplicationMaster in cluster mode or a Databricks JAR task, a return on success
 * and SparkUserAppException with the exit code on failure (an exit from inside main would fail
 * every YARN run, successful ones included, and make YARN run it again).
 */
class MainExitTest {
  static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
    return p;
  }

  @Test
  void aHostedDriverIsYarnClusterModeOrDatabricks() {
    assertTrue(Main.hostedDriver(props("spark.master", "yarn", "spark.submit.deployMode",
        "cluster"), null));
    assertFalse(Main.hostedDriver(props("spark.master", "yarn", "spark.submit.deployMode",
        "client"), null));
    assertFalse(Main.hostedDriver(props("spark.master", "spark://h:7077",
        "spark.submit.deployMode", "cluster"), null), "standalone: the driver's own JVM");
    assertFalse(Main.hostedDriver(props(), null), "jobs/linprobe");
    assertTrue(Main.hostedDriver(props(), "17.3"));
  }

  @Test
  void aFailedCurveRunSaysResumeKeepsItsFits() {
    // SIGTERM (Airflow's kill) or a lost cluster: the recorded fits are kept; say how to use them
    assertEquals("linprobe: the run did not finish and wrote no output; any logistic "
        + "regression it finished is recorded: rerun the same command with --resume to keep "
        + "them (--verbose shows the stack trace)", Main.unfinished(true, false));
    assertEquals("linprobe: the run did not finish and wrote no output; rerun with --verbose for "
        + "the stack trace", Main.unfinished(false, false));
    assertTrue(Main.unfinished(true, true).endsWith("(the stack trace is above)"));
  }

  @Test
  void aHostedDriverReturnsOnSuccessAndThrowsTheExitCodeOnFailure() throws Exception {
    Main.exit(Main.EXIT_OK, true); // returns: the ApplicationMaster reports SUCCEEDED
    for (int code : new int[] {Main.EXIT_INVALID, Main.EXIT_FAILED}) {
      SparkUserAppException e = assertThrows(SparkUserAppException.class,
          () -> Main.exit(code, true));
      assertEquals(code, e.exitCode());
    }
  }
}
