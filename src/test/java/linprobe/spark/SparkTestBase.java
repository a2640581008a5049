package linprobe.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One real local[2] SparkSession shared by every Spark test in the JVM. */
public abstract class SparkTestBase {
  /** A curve run with its outputs written, as the CLI does it. */
  protected static CurveJob.Result runCurve(linprobe.CurveOptions o) throws Exception {
    OutputDir dir = OutputDir.check(o.out(), o.overwrite(),
        spark().sparkContext().hadoopConfiguration());
    CurveJob.Result r = new CurveJob(spark(), o, Progress.silent()).run();
    CurveOutput.write(spark(), dir, r, o);
    return r;
  }

  private static SparkSession session;

  protected static synchronized SparkSession spark() {
    if (session == null) {
      session = SparkSession.builder().master("local[2]").appName("linprobe-tests")
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
          .config("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName())
          .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
          .getOrCreate();
    }
    return session;
  }

  /** Counts Spark jobs started while body runs. */
  protected static int countJobs(Runnable body) throws Exception {
    AtomicInteger jobs = new AtomicInteger();
    SparkListener l = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    };
    var sc = spark().sparkContext();
    sc.listenerBus().waitUntilEmpty();
    sc.addSparkListener(l);
    try {
      body.run();
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(l);
    }
    return jobs.get();
  }

  static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType, false)
      .add("label", DataTypes.IntegerType, false)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /** Writes rows (x row-major, labels) as Parquet with the given number of files. */
  protected static String writeParquet(String path, float[] x, int[] y, int dim, int files) {
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < y.length; r++) {
      Float[] f = new Float[dim];
      for (int j = 0; j < dim; j++) f[j] = x[r * dim + j];
      rows.add(RowFactory.create((long) r, y[r], f));
    }
    spark().createDataFrame(rows, SCHEMA).repartition(files).write().parquet(path);
    return path;
  }

  protected static String dataSamples(String dataset, String split) {
    return System.getProperty("user.dir") + "/data-samples/" + dataset + "/" + split + ".parquet";
  }
}
