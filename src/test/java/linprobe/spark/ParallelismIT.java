package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same tables on local[1] and local[4] (the standalone cluster is StandaloneClusterIT). */
class ParallelismIT {
  static final String ROOT = System.getProperty("user.dir");
  @TempDir Path tmp;

  Path run(String master) throws Exception {
    Path out = tmp.resolve(master.replaceAll("\\W", ""));
    ProcessBuilder pb = new ProcessBuilder(List.of("jobs/linprobe", "curve", "--train",
        ROOT + "/data-samples/digits/train.parquet", "--test",
        ROOT + "/data-samples/digits/test.parquet", "--out", out.toString(), "--seeds", "2",
        "--shots", "1,5,20,all", "--models", "nb,nb-perclass,lr", "--partitions", "4",
        "--quiet")).directory(new File(ROOT)).redirectErrorStream(true)
        .redirectOutput(tmp.resolve(out.getFileName() + ".log").toFile());
    pb.environment().put("LINPROBE_MASTER", master);
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve(out.getFileName() + ".log")));
    return out;
  }

  static String withoutTiming(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve("fits.csv")).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).collect(Collectors.joining("\n"));
  }

  @Test
  void oneAndFourCoresGiveTheSameTables() throws Exception {
    Path one = run("local[1]");
    Path four = run("local[4]");
    assertEquals(withoutTiming(one), withoutTiming(four));
    assertEquals(Files.readString(one.resolve("curve.csv")),
        Files.readString(four.resolve("curve.csv")));
  }
}
