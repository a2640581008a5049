package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import linprobe.math.FoldSums;
import linprobe.math.ScaledRows;
import linprobe.math.Scaler;
import linprobe.math.SoftmaxAggregator;
import linprobe.math.ValidationSums;
import linprobe.plan.Subset;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * A small subset's sums inside a task and over the cluster, bit for bit: its rows, a few per
 * block, gathered into chunks across blocks in the middle of a partition and at its end, in two
 * partitions; the data terms of a fit, of the fold models together and of the whole subset, and
 * a held-out fold's scores, in double and in float32.
 */
class LogisticPassPathsTest extends SparkTestBase {
  static final int D = FoldChunksTest.D;
  static final int K = 4;
  static final int FOLDS = 5;

  @Test
  void inTaskAndOnClusterSumTheSameChunksInTheSameOrder() {
    List<RowBlock> blocks = FoldChunksTest.blocks(40, 0.1, 9); // about 4 rows per fold per block
    List<List<RowBlock>> parts = List.of(blocks.subList(0, 20), blocks.subList(20, 40));
    JavaRDD<RowBlock> rdd = JavaSparkContext.fromSparkContext(spark().sparkContext())
        .parallelize(blocks, 2);
    assertEquals(List.of(20, 20), rdd.glom().map(List::size).collect(), "the same partitions");
    Scaler scaler = new Scaler(new double[] {0.1, -0.2, 0.3}, new double[] {1.5, 0.7, 2.5});
    Subset s = new Subset(FoldChunksTest.ID, 0, scaler, null);
    // a fold's chunk emitted in the middle of the first partition, and the rest at its end
    FoldChunks steps = new FoldChunks(parts.get(0).iterator(), s, FOLDS, D, g -> true, false);
    int emitting = 0;
    while (steps.hasNext()) {
      steps.next();
      emitting++;
    }
    assertTrue(emitting >= 2 && emitting < 20, emitting + " steps for 20 blocks");

    Random rnd = new Random(2);
    double[][] coefs = new double[FOLDS][];
    for (int f = 0; f < FOLDS; f++) {
      if (f == 3) continue; // a model that has finished asks for nothing
      coefs[f] = new double[K * D + K];
      for (int i = 0; i < coefs[f].length; i++) coefs[f][i] = 0.3 * rnd.nextGaussian();
    }
    LogisticPass.OnCluster cluster = new LogisticPass.OnCluster(rdd, K, D);
    for (boolean float32 : new boolean[] {false, true}) {
      String p = float32 ? "float32" : "double";
      LogisticPass.InTask task = new LogisticPass.InTask(parts, K, null);
      for (int heldOut : new int[] {0, 2}) {
        assertSame(cluster.train(s, FOLDS, heldOut, float32).sums(coefs[0]),
            task.train(s, FOLDS, heldOut, float32).sums(coefs[0]), p + " fit without " + heldOut);
      }
      FoldSums a = cluster.folds(s, FOLDS, float32).sums(coefs);
      FoldSums b = task.folds(s, FOLDS, float32).sums(coefs);
      for (int f = 0; f < FOLDS; f++) {
        if (coefs[f] != null) assertSame(a.get(f), b.get(f), p + " fold model " + f);
      }
      ValidationSums va = cluster.validate(s, FOLDS, 2, coefs[1], float32);
      ValidationSums vb = task.validate(s, FOLDS, 2, coefs[1], float32);
      assertEquals(va.rows(), vb.rows());
      assertEquals(va.mean(true), vb.mean(true), 0, p + " held-out errors");
      assertEquals(va.mean(false), vb.mean(false), 0, p + " held-out log-loss");
      assertSame(cluster.train(s, 0, -1, float32).sums(coefs[4]),
          task.train(s, 0, -1, float32).sums(coefs[4]), p + " the whole subset");
      assertArrayEquals(cluster.foldSizes(s, FOLDS), task.foldSizes(s, FOLDS));
    }
  }

  static void assertSame(SoftmaxAggregator a, SoftmaxAggregator b, String what) {
    assertTrue(a.count() > 0, what);
    assertEquals(a.count(), b.count(), what);
    assertEquals(a.lossSum(), b.lossSum(), 0, what);
    assertArrayEquals(a.gradSum(), b.gradSum(), 0, what);
  }

  /** The chunks are FoldChunks': in a task they are copied out of its buffers intact. */
  @Test
  void copiedChunksKeepTheirRows() {
    List<RowBlock> blocks = FoldChunksTest.blocks(3, 1.0, 5);
    FoldChunks steps = new FoldChunks(blocks.iterator(), FoldChunksTest.SUBSET, 0, D, g -> true,
        true);
    ScaledRows c = steps.next()[0];
    float[] xf = new float[(c.n() + 7) * D];
    int[] labels = new int[c.n() + 7];
    ScaledRows copy = FoldChunks.copy(c, null, xf, labels, 7, D);
    assertEquals(FoldChunksTest.rowsOf(c).size(), FoldChunksTest.rowsOf(copy).size());
    for (int r = 0; r < c.n(); r++) {
      assertArrayEquals(FoldChunksTest.rowsOf(c).get(r), FoldChunksTest.rowsOf(copy).get(r));
    }
  }
}
