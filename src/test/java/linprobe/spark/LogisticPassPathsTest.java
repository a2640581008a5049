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
import linprobe.math.ValidationRows;
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
    // as a chain task holds them: each block's rows copied into one buffer (after other values)
    float[] buffer = new float[7 + blocks.stream().mapToInt(b -> b.n * D).sum()];
    java.util.Arrays.fill(buffer, Float.NaN);
    int[] at = {7};
    List<List<RowBlock>> views = parts.stream().map(part -> part.stream().map(b -> {
      RowBlock v = b.in(buffer, at[0]);
      at[0] += b.n * D;
      return v;
    }).toList()).toList();
    for (boolean float32 : new boolean[] {false, true}) {
      for (List<List<RowBlock>> held : List.of(parts, views)) {
        String p = (float32 ? "float32" : "double")
            + (held == views ? ", rows in one buffer" : "");
        LogisticPass.InTask task = new LogisticPass.InTask(held, K, null);
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
  }

  static void assertSame(SoftmaxAggregator a, SoftmaxAggregator b, String what) {
    assertTrue(a.count() > 0, what);
    assertEquals(a.count(), b.count(), what);
    assertEquals(a.lossSum(), b.lossSum(), 0, what);
    assertArrayEquals(a.gradSum(), b.gradSum(), 0, what);
  }

  /** A block held in a shared buffer (at an offset) has the rows it had, compacted or kept. */
  @Test
  void aBlockInABufferKeepsItsRows() {
    RowBlock b = FoldChunksTest.blocks(1, 0.5, 3).get(0);
    float[] buffer = new float[11 + b.n * D];
    java.util.Arrays.fill(buffer, Float.NaN);
    RowBlock v = b.in(buffer, 11);
    assertEquals(11, v.xOffset);
    RowBlock c = b.compact(FoldChunksTest.ID), cv = v.compact(FoldChunksTest.ID);
    assertTrue(c.n > 0 && c.n < b.n, c.n + " of " + b.n + " rows in the subset");
    assertEquals(c.n, cv.n);
    assertArrayEquals(c.x, cv.x, "compacted from a buffer");
    assertArrayEquals(c.label, cv.label);
    RowBlock k = b.keep(r -> r % 3 == 0), kv = v.keep(r -> r % 3 == 0);
    assertArrayEquals(k.x, kv.x, "kept from a buffer");
    ValidationRows a = new ValidationRows(D, 4).add(b.x, b.label, b.rowId, b.n);
    ValidationRows av = new ValidationRows(D, 4).add(v.x, v.xOffset, v.label, v.rowId, v.n);
    double[] coef = new double[K * D + K];
    Random rnd = new Random(4);
    for (int i = 0; i < coef.length; i++) coef[i] = rnd.nextGaussian();
    ValidationSums sa = a.score(Scaler.identity(D), coef, K);
    ValidationSums sv = av.score(Scaler.identity(D), coef, K);
    assertEquals(sa.mean(false), sv.mean(false), 0, "validation rows from a buffer");
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
