package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 300-class table through jobs/linprobe with spark.driver.maxResultSize at 3 MiB: the naive
 * Bayes statistics used to come back as one dense seeds x classes x buckets grid per partition
 * (the pass failed here with "Total size of serialized results of 2 tasks (3.2 MiB) is bigger
 * than spark.driver.maxResultSize (3.0 MiB)", as the 1,000-class benchmark table did at Spark's
 * default 1 GiB); now no task returns more than one seed's subsets. The same tables from 1 and
 * 3 input files.
 */
class ManyClassesIT {
  static final String ROOT = System.getProperty("user.dir");
  @TempDir Path tmp;

  static String run(Path log, List<String> args, String javaOpts) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("jobs/linprobe"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File(ROOT))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    if (javaOpts != null) pb.environment().put("LINPROBE_JAVA_OPTS", javaOpts);
    pb.environment().put("LINPROBE_MASTER", "local[2]");
    Process p = pb.start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES));
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  Path generate(String name, int files) throws Exception {
    Path dir = tmp.resolve(name);
    run(tmp.resolve(name + ".log"), List.of("generate", "--out", dir.toString(), "--classes",
        "300", "--dims", "32", "--train-rows", "3600", "--test-rows", "1200", "--separation",
        "random", "--spread", "0.5", "--partitions", Integer.toString(files), "--quiet"), null);
    return dir;
  }

  Path curve(Path data, String name) throws Exception {
    Path out = tmp.resolve(name);
    run(tmp.resolve(name + ".log"), List.of("curve", "--train",
        data.resolve("train.parquet").toString(), "--test", data.resolve("test.parquet").toString(),
        "--out", out.toString(), "--shots", "1,2,5,all", "--seeds", "3",
        "--models", "nb,nb-perclass,lr", "--lr-c", "1", "--partitions", "3", "--quiet"),
        "-Xmx1g -Dspark.driver.maxResultSize=3m");
    return out;
  }

  static String withoutTiming(Path dir) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String l : Files.readAllLines(dir.resolve("fits.csv"))) {
      sb.append(l, 0, l.lastIndexOf(',')).append('\n');
    }
    return sb.toString();
  }

  @Test
  void threeHundredClassesWithASmallDriverResultLimitAndTheSameTablesFromOneOrThreeFiles()
      throws Exception {
    Path one = curve(generate("one", 1), "out1");
    Path three = curve(generate("three", 3), "out3");
    assertEquals(withoutTiming(one), withoutTiming(three));
    assertEquals(Files.readString(one.resolve("per_class.csv")),
        Files.readString(three.resolve("per_class.csv")));
    // 10 subsets x 3 models x 300 classes, and a header
    assertEquals(1 + 10 * 3 * 300, Files.readAllLines(one.resolve("per_class.csv")).size());
    assertEquals(Files.readString(one.resolve("curve.csv")),
        Files.readString(three.resolve("curve.csv")));
  }
}
