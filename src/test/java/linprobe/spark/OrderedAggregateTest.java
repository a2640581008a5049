package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import linprobe.math.Mergeable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class OrderedAggregateTest extends SparkTestBase {
  /** Sums of doubles whose order shows in the last bits. */
  static final class Sums implements Mergeable<Sums> {
    private static final long serialVersionUID = 1L;
    final double[] v = new double[64];

    Sums add(double[] x) {
      for (int i = 0; i < v.length; i++) v[i] += x[i];
      return this;
    }

    @Override
    public Sums merge(Sums o) {
      return add(o.v);
    }
  }

  static Sums fold(Iterator<double[]> it, Sums zero) {
    while (it.hasNext()) zero.add(it.next());
    return zero;
  }

  @Test
  void largePartialsMergedOnAnExecutorInPartitionOrderGiveTheDriversBits() throws Exception {
    Random rnd = new Random(2);
    List<double[]> rows = new ArrayList<>();
    for (int r = 0; r < 600; r++) {
      double[] x = new double[64];
      for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12));
      rows.add(x);
    }
    JavaRDD<double[]> rdd = JavaSparkContext.fromSparkContext(spark().sparkContext())
        .parallelize(rows, 7);
    Sums onDriver = OrderedAggregate.byPartition(rdd, Sums::new, OrderedAggregateTest::fold);
    Sums[] onExecutor = new Sums[1];
    int jobs = countJobs(() -> onExecutor[0] = OrderedAggregate.byPartition(rdd, Sums::new,
        OrderedAggregateTest::fold, 64 * 8, 0));
    assertEquals(1, jobs);
    assertArrayEquals(onDriver.v, onExecutor[0].v);
    // and the order is what makes them equal: partitions merged in reverse give other bits
    List<Sums> partials = rdd.mapPartitions(it -> List.of(fold(it, new Sums())).iterator())
        .collect();
    Sums reversed = new Sums();
    for (int i = partials.size() - 1; i >= 0; i--) reversed.merge(partials.get(i));
    assertNotEquals(java.util.Arrays.toString(onDriver.v), java.util.Arrays.toString(reversed.v));
    // small partials stay on the driver's path
    assertArrayEquals(onDriver.v, OrderedAggregate.byPartition(rdd, Sums::new,
        OrderedAggregateTest::fold, 64 * 8).v);
  }
}
