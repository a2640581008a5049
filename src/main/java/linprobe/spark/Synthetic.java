package linprobe.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Synthetic Gaussian-mixture embeddings generated inside Spark tasks from seeds (no driver-side
 * loop over rows): row i has class i mod K and features mean_k + noise, where every class mean
 * and every row's noise come from RNGs seeded by (seed, class) and (seed, row). The same seed
 * gives the same rows whatever the number of partitions.
 */
public final class Synthetic {
  private Synthetic() {}

  public static final StructType SCHEMA = new StructType().add("id", DataTypes.LongType, false)
      .add("label", DataTypes.IntegerType, false)
      .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  /**
   * Classes with means drawn N(0, separation^2) per coordinate and unit-variance noise: shaped
   * like normalised embeddings of a pre-trained model.
   *
   * @param firstRow id of the first row (train and test use disjoint id ranges)
   */
  public static Dataset<Row> mixture(SparkSession spark, long firstRow, long rows, int dim,
      int classes, double separation, long seed, int partitions) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) parts.add(p);
    JavaRDD<Row> rdd = jsc.parallelize(parts, partitions).flatMap(p -> {
      float[][] means = means(classes, dim, separation, seed);
      long from = firstRow + rows * p / partitions, to = firstRow + rows * (p + 1) / partitions;
      List<Row> out = new ArrayList<>((int) (to - from));
      for (long i = from; i < to; i++) {
        int k = (int) (i % classes);
        SplittableRandom rnd = new SplittableRandom(RowKeys.mix(seed * 0x9e3779b97f4a7c15L + i));
        Float[] x = new Float[dim];
        for (int j = 0; j < dim; j++) x[j] = (float) (means[k][j] + rnd.nextGaussian());
        out.add(RowFactory.create(i, k, x));
      }
      return out.iterator();
    });
    return spark.createDataFrame(rdd, SCHEMA);
  }

  /**
   * The Gaussian mixture of Zheng et al. (ICML 2023): class 0 has mean -1 and class k >= 1 mean
   * 2^(k-1) on every coordinate; the covariance is shared and diagonal, n on the first n/2
   * coordinates and 1 on the rest. Row i has class i mod K.
   */
  public static Dataset<Row> paperMixture(SparkSession spark, long firstRow, long rows, int dim,
      int classes, long seed, int partitions) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) parts.add(p);
    JavaRDD<Row> rdd = jsc.parallelize(parts, partitions).flatMap(p -> {
      double[] mu = paperMeans(classes);
      double[] sd = paperStd(dim);
      long from = firstRow + rows * p / partitions, to = firstRow + rows * (p + 1) / partitions;
      List<Row> out = new ArrayList<>((int) (to - from));
      for (long i = from; i < to; i++) {
        int k = (int) (i % classes);
        SplittableRandom rnd = new SplittableRandom(RowKeys.mix(seed * 0x9e3779b97f4a7c15L + i));
        Float[] x = new Float[dim];
        for (int j = 0; j < dim; j++) x[j] = (float) (mu[k] + sd[j] * rnd.nextGaussian());
        out.add(RowFactory.create(i, k, x));
      }
      return out.iterator();
    });
    return spark.createDataFrame(rdd, SCHEMA);
  }

  /** Class means of the paper's mixture (the same value on every coordinate). */
  public static double[] paperMeans(int classes) {
    double[] mu = new double[classes];
    mu[0] = -1;
    for (int k = 1; k < classes; k++) mu[k] = Math.pow(2, k - 1);
    return mu;
  }

  /** Standard deviations of the paper's mixture: sqrt(n) on the first n/2 coordinates, else 1. */
  public static double[] paperStd(int dim) {
    double[] sd = new double[dim];
    for (int j = 0; j < dim; j++) sd[j] = j < dim / 2 ? Math.sqrt(dim) : 1;
    return sd;
  }

  static float[][] means(int classes, int dim, double separation, long seed) {
    float[][] m = new float[classes][dim];
    for (int k = 0; k < classes; k++) {
      SplittableRandom rnd = new SplittableRandom(RowKeys.mix(~seed * 31 + k));
      for (int j = 0; j < dim; j++) m[k][j] = (float) (separation * rnd.nextGaussian());
    }
    return m;
  }
}
