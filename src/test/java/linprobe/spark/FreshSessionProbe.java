package linprobe.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier$;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Run by SessionsIT in a JVM of its own, where no session exists: the session Sessions builds,
 * then a curve on Spark ML vector columns in it through the command line. Prints "fresh session:
 * ok" and exits 0, or names the first check that failed and exits 1.
 */
public final class FreshSessionProbe {
  /** An extension named in spark.sql.extensions: it must still be applied. */
  public static final class Marker extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    static volatile boolean applied;

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
      applied = true;
      return BoxedUnit.UNIT;
    }
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      System.out.println("fresh session: failed: " + what);
      System.exit(1);
    }
  }

  static String table(SparkSession spark, Path dir, String name, int perClass, long seed) {
    Random rnd = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < perClass; i++) {
        double a = 3 * (c % 2) + rnd.nextGaussian();
        double b = 3 * (c / 2) + rnd.nextGaussian();
        rows.add(RowFactory.create(c, i % 2 == 0 ? Vectors.dense(a, 0, b)
            : Vectors.sparse(3, new int[] {0, 2}, new double[] {a, b})));
      }
    }
    StructType schema = new StructType().add("label", DataTypes.IntegerType)
        .add("embedding", SQLDataTypes.VectorType());
    String path = dir.resolve(name).toString();
    spark.createDataFrame(rows, schema).write().parquet(path);
    return path;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    ClassLoader before = Thread.currentThread().getContextClassLoader();
    SparkSession spark = Sessions.getOrCreate("linprobe curve");
    check(Thread.currentThread().getContextClassLoader() == before,
        "the thread's context class loader is put back");
    check(spark.sparkContext().appName().equals(System.getProperty("spark.submit.appName",
        "linprobe curve")), "app name " + spark.sparkContext().appName());
    check(Marker.applied, "spark.sql.extensions applied");
    check(!FunctionRegistry$.MODULE$.internal().functionExists(
        FunctionIdentifier$.MODULE$.apply("vector_to_array")), "MLlib's functions left out");
    String train = table(spark, dir, "train", 20, 1);
    String test = table(spark, dir, "test", 30, 2);
    Path out = dir.resolve("out");
    int code = linprobe.cli.Main.execute(new String[] {"curve", "--train", train, "--test", test,
        "--out", out.toString(), "--shots", "1,5,all", "--seeds", "2", "--lr-c", "1",
        "--quiet"}, System.out, System.err);
    check(code == 0, "curve on vector columns exited " + code);
    check(Files.readAllLines(out.resolve("fits.csv")).size() == 1 + 2 * (2 * 2 + 1),
        "fits.csv: " + Files.readAllLines(out.resolve("fits.csv")));
    System.out.println("fresh session: ok");
    spark.stop();
  }
}
