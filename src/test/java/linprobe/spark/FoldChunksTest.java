package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import linprobe.math.ScaledRows;
import linprobe.math.Scaler;
import linprobe.plan.Subset;
import linprobe.plan.SubsetId;
import org.junit.jupiter.api.Test;

/** The canonical chunking of a partition's subset rows, fold by fold. */
class FoldChunksTest {
  static final int D = 3;
  static final SubsetId ID = new SubsetId.Sampled(0, 7L, 0, 5);
  static final Subset SUBSET = new Subset(ID, 0, Scaler.identity(D), null);

  /** Blocks of 200 rows, each row in the subset with probability p, its rank at random. */
  static List<RowBlock> blocks(int count, double p, long seed) {
    return blocks(count, 200, p, seed);
  }

  /** As above, blocks of n rows. */
  static List<RowBlock> blocks(int count, int n, double p, long seed) {
    Random rnd = new Random(seed);
    List<RowBlock> out = new ArrayList<>();
    long pos = 0;
    for (int b = 0; b < count; b++) {
      float[] x = new float[n * D];
      int[] y = new int[n];
      long[] ids = new long[n];
      byte[][] buckets = {new byte[n]};
      byte[][] ranks = {new byte[n]};
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < D; j++) x[r * D + j] = (float) rnd.nextGaussian();
        y[r] = rnd.nextInt(4);
        ids[r] = pos + r;
        buckets[0][r] = (byte) (rnd.nextDouble() < p ? 0 : 1);
        ranks[0][r] = (byte) rnd.nextInt(60);
      }
      out.add(new RowBlock(n, D, x, y, ids, pos, buckets, ranks));
      pos += n;
    }
    return out;
  }

  /** Fold g's rows of the blocks in row order: labels, then features, as doubles. */
  static List<double[]> rowsOf(List<RowBlock> blocks, int folds, int g) {
    return rowsOf(blocks, folds, g, Scaler.identity(D), false);
  }

  /** As above, scaled by scaler as ScaledRows.scale does (then rounded with float32). */
  static List<double[]> rowsOf(List<RowBlock> blocks, int folds, int g, Scaler scaler,
      boolean float32) {
    List<double[]> out = new ArrayList<>();
    for (RowBlock b : blocks) {
      for (int r = 0; r < b.n; r++) {
        if (!ID.contains(b.buckets, r) || (folds > 0 && b.fold(ID, folds, r) != g)) continue;
        double[] row = new double[D + 1];
        row[0] = b.label[r];
        for (int j = 0; j < D; j++) {
          double v = (b.x[r * D + j] - scaler.offset()[j]) * scaler.invScale()[j];
          row[j + 1] = float32 ? (float) v : v;
        }
        out.add(row);
      }
    }
    return out;
  }

  static List<double[]> rowsOf(ScaledRows c) {
    List<double[]> out = new ArrayList<>();
    for (int r = 0; r < c.n(); r++) {
      double[] row = new double[D + 1];
      row[0] = c.labels()[c.lOff() + r];
      for (int j = 0; j < D; j++) {
        int i = c.xOff() + r * D + j;
        row[j + 1] = c.float32() ? c.xf()[i] : c.x()[i];
      }
      out.add(row);
    }
    return out;
  }

  /** Per step, per fold, the rows of its chunk (copied: the buffers are reused). */
  static List<List<List<double[]>>> steps(FoldChunks chunks) {
    List<List<List<double[]>>> out = new ArrayList<>();
    while (chunks.hasNext()) {
      List<List<double[]>> step = new ArrayList<>();
      for (ScaledRows c : chunks.next()) step.add(rowsOf(c));
      out.add(step);
    }
    return out;
  }

  static void assertSameRows(List<double[]> expected, List<double[]> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), actual.get(i), what);
  }

  @Test
  void aSmallSubsetsRowsAreGatheredAcrossBlocksInRowOrderFoldByFold() {
    for (boolean float32 : new boolean[] {false, true}) {
      int folds = 5;
      List<RowBlock> blocks = blocks(40, 0.1, 1); // about 4 rows of each fold per block
      List<List<List<double[]>>> steps = steps(
          new FoldChunks(blocks.iterator(), SUBSET, folds, D, g -> true, float32));
      assertTrue(steps.size() < blocks.size() / 2, steps.size() + " steps for 40 blocks");
      for (int g = 0; g < folds; g++) {
        List<double[]> gathered = new ArrayList<>();
        for (int s = 0; s < steps.size(); s++) {
          List<double[]> chunk = steps.get(s).get(g);
          boolean last = s == steps.size() - 1;
          assertTrue(chunk.isEmpty() || last || chunk.size() >= FoldChunks.MIN_ROWS,
              "a chunk of " + chunk.size() + " rows before the partition's end");
          assertTrue(!last || chunk.size() < FoldChunks.MIN_ROWS, "the end emits the rest");
          gathered.addAll(chunk);
        }
        assertSameRows(rowsOf(blocks, folds, g), gathered, "fold " + g);
      }
    }
  }

  @Test
  void aLargeSubsetsChunksAreItsRowsOfEachBlock() {
    List<RowBlock> blocks = blocks(6, 1.0, 2); // about 100 rows of each of 2 folds per block
    List<List<List<double[]>>> steps = steps(
        new FoldChunks(blocks.iterator(), SUBSET, 2, D, g -> true, false));
    assertEquals(blocks.size(), steps.size());
    for (int b = 0; b < blocks.size(); b++) {
      for (int g = 0; g < 2; g++) {
        assertSameRows(rowsOf(blocks.subList(b, b + 1), 2, g), steps.get(b).get(g),
            "block " + b + " fold " + g);
      }
    }
    // every row of the subset (folds = 0): one chunk per block
    List<List<List<double[]>>> whole = steps(
        new FoldChunks(blocks.iterator(), SUBSET, 0, D, g -> true, false));
    assertEquals(blocks.size(), whole.size());
    assertSameRows(rowsOf(blocks.subList(3, 4), 0, 0), whole.get(3).get(0), "block 3");
  }

  /**
   * The largest chunk (63 rows carried, then a whole block of 1,024) and the fullest step (every
   * fold carrying 63 rows into a whole block), scaled as a fit scales them.
   */
  @Test
  void theLargestChunksAndStepsFitTheirBuffers() {
    Scaler scaler = new Scaler(new double[] {0.5, -1, 2}, new double[] {2, 0.25, 3});
    Subset subset = new Subset(ID, 0, scaler, null);
    for (int folds : new int[] {0, 5}) {
      for (boolean float32 : new boolean[] {false, true}) {
        List<RowBlock> blocks = blocks(2, 1024, 1.0, 4);
        RowBlock first = blocks.get(0);
        int width = Math.max(1, folds);
        int[] taken = new int[width];
        for (int r = 0; r < first.n; r++) { // 63 rows of each fold in the first block
          int g = folds == 0 ? 0 : first.fold(ID, folds, r);
          first.buckets[0][r] = (byte) (taken[g] < FoldChunks.MIN_ROWS - 1 ? 0 : 1);
          if (taken[g] < FoldChunks.MIN_ROWS - 1) taken[g]++;
        }
        List<List<List<double[]>>> steps = steps(
            new FoldChunks(blocks.iterator(), subset, folds, D, g -> true, float32));
        assertEquals(1, steps.size(), "nothing emitted after the first block, all after the second");
        int largest = 0;
        for (int g = 0; g < width; g++) {
          assertSameRows(rowsOf(blocks, folds, g, scaler, float32), steps.get(0).get(g),
              "fold " + g + " of " + folds + (float32 ? ", float32" : ""));
          largest = Math.max(largest, steps.get(0).get(g).size());
        }
        if (folds == 0) assertEquals(FoldChunks.MAX_ROWS, largest);
      }
    }
  }

  /** A chunker over the next partition (or subset) with the last one's buffers: the same steps. */
  @Test
  void aChunkerOverOtherBlocksWithTheSameBuffersGivesTheSameSteps() {
    List<RowBlock> first = blocks(10, 0.1, 6), second = blocks(12, 0.1, 7);
    FoldChunks used = new FoldChunks(first.iterator(), SUBSET, 5, D, g -> true, true);
    used.next(); // rows left carried, buffers written
    List<List<List<double[]>>> reused = steps(
        used.over(second.iterator(), SUBSET, 5, g -> true, true));
    List<List<List<double[]>>> fresh = steps(
        new FoldChunks(second.iterator(), SUBSET, 5, D, g -> true, true));
    assertEquals(fresh.size(), reused.size());
    for (int s = 0; s < fresh.size(); s++) {
      for (int g = 0; g < 5; g++) {
        assertSameRows(fresh.get(s).get(g), reused.get(s).get(g), "step " + s + " fold " + g);
      }
    }
    // another shape (folds, precision): buffers of its own, the same steps
    assertEquals(steps(new FoldChunks(second.iterator(), SUBSET, 0, D, g -> true, false)).size(),
        steps(used.over(second.iterator(), SUBSET, 0, g -> true, false)).size());
  }

  @Test
  void leavingAFoldOutLeavesTheOthersChunksAsTheyWere() {
    int folds = 5;
    List<RowBlock> blocks = blocks(40, 0.1, 3);
    List<Integer> foldOf = new ArrayList<>();
    List<List<double[]>> expected = new ArrayList<>();
    FoldChunks steps = new FoldChunks(blocks.iterator(), SUBSET, folds, D, g -> true, false);
    while (steps.hasNext()) {
      ScaledRows[] step = steps.next();
      for (int g = 0; g < folds; g++) {
        if (step[g].n() > 0 && g != 2) {
          expected.add(rowsOf(step[g]));
          foldOf.add(g);
        }
      }
    }
    Iterator<ScaledRows> fit = FoldChunks.of(blocks.iterator(), SUBSET, folds, 2, false, D, false);
    List<List<double[]>> actual = new ArrayList<>();
    while (fit.hasNext()) actual.add(rowsOf(fit.next()));
    assertEquals(expected.size(), actual.size(), "chunks of the fit without fold 2");
    for (int i = 0; i < expected.size(); i++) {
      assertSameRows(expected.get(i), actual.get(i), "chunk " + i + " (fold " + foldOf.get(i) + ")");
    }
    // a validation of fold 2 sees fold 2's rows, all of them, in row order
    Iterator<ScaledRows> held = FoldChunks.of(blocks.iterator(), SUBSET, folds, 2, true, D, true);
    List<double[]> rows = new ArrayList<>();
    while (held.hasNext()) rows.addAll(rowsOf(held.next()));
    assertSameRows(rowsOf(blocks, folds, 2), rows, "fold 2");
  }
}
