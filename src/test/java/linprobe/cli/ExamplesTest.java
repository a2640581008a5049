package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped Airflow DAG, notebook and Databricks job are at least well-formed. */
class ExamplesTest {
  static final String ROOT = System.getProperty("user.dir");

  @Test
  void pythonExamplesCompile(@TempDir Path cache) throws Exception {
    // a syntax check that writes nothing: compile() each file's source
    Process p = new ProcessBuilder("python3", "-c",
        "import sys\nfor f in sys.argv[1:]: compile(open(f).read(), f, 'exec')",
        "jobs/airflow/linprobe_dag.py", "jobs/notebooks/linprobe_python.py",
        "scripts/sklearn_fashion_curve.py", "data-samples/make_idx.py",
        "src/test/python/golden_sklearn.py")
        .directory(new File(ROOT)).redirectErrorStream(true)
        .redirectOutput(cache.resolve("out.txt").toFile()).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(cache.resolve("out.txt")));
  }

  @Test
  void databricksJobRunsTheMainClassWithCurve() throws Exception {
    JsonNode job = new ObjectMapper().readTree(
        Path.of(ROOT, "jobs/databricks/linprobe_job.json").toFile());
    JsonNode task = job.get("tasks").get(0).get("spark_jar_task");
    assertEquals("linprobe.cli.Main", task.get("main_class_name").asText());
    assertEquals("curve", task.get("parameters").get(0).asText());
    // a retried task runs into the same --out: without --resume every retry would be refused
    assertTrue(task.get("parameters").toString().contains("\"--resume\""), task.toString());
  }

  @Test
  void airflowDagSubmitsTheMainClass() throws Exception {
    String dag = Files.readString(Path.of(ROOT, "jobs/airflow/linprobe_dag.py"));
    assertTrue(dag.contains("java_class=\"linprobe.cli.Main\""));
    assertTrue(dag.contains("{{ run_id"), "output templated with the run id");
    assertTrue(dag.contains("\"--resume\","), "a retry continues the failed try's fits");
  }
}
