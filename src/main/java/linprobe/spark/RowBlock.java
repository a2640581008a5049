package linprobe.spark;

import java.io.Serializable;
import linprobe.math.ScaledRows;
import linprobe.math.Scaler;
import linprobe.plan.SubsetId;

/**
 * A block of rows in canonical order: features as float32 (n x dim, row-major), class indices,
 * row identities and global positions. The canonical layout (rows hashed to a fixed number of
 * partitions and sorted there) makes every sum over the data independent of how the input files
 * were partitioned. buckets[s][r] is row r's size bucket for seed index s (see {@link SubsetPlan}),
 * null until a plan is applied.
 */
public final class RowBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int n;
  public final int dim;
  /** The features: row r at xOffset + r x dim. */
  public final float[] x;
  /**
   * Where row 0 starts in x: 0 but in the views {@link #in} makes (a task's rows copied into one
   * buffer of its own); every reader of x adds it.
   */
  public final int xOffset;
  public final int[] label;
  public final long[] rowId;
  /** Position of row 0 in the canonical order; row r is at firstPos + r. */
  public final long firstPos;
  public final byte[][] buckets;
  /** rank60[s][r]: row r's rank within its class for seed index s, mod 60 (-1 unranked). */
  public final byte[][] rank60;

  /** A block before any plan: no buckets, no ranks. */
  public RowBlock(int n, int dim, float[] x, int[] label, long[] rowId, long firstPos) {
    this(n, dim, x, label, rowId, firstPos, null, null);
  }

  public RowBlock(int n, int dim, float[] x, int[] label, long[] rowId, long firstPos,
      byte[][] buckets, byte[][] rank60) {
    this(n, dim, x, 0, label, rowId, firstPos, buckets, rank60);
  }

  private RowBlock(int n, int dim, float[] x, int xOffset, int[] label, long[] rowId,
      long firstPos, byte[][] buckets, byte[][] rank60) {
    this.n = n;
    this.dim = dim;
    this.x = x;
    this.xOffset = xOffset;
    this.label = label;
    this.rowId = rowId;
    this.firstPos = firstPos;
    this.buckets = buckets;
    this.rank60 = rank60;
  }

  public RowBlock withBuckets(byte[][] b, byte[][] ranks) {
    return new RowBlock(n, dim, x, xOffset, label, rowId, firstPos, b, ranks);
  }

  /**
   * This block with its features copied into buffer from position at on (n x dim values): the
   * same rows, labels and buckets, and the buffer's owner decides when the values die.
   */
  public RowBlock in(float[] buffer, int at) {
    System.arraycopy(x, xOffset, buffer, at, n * dim);
    return new RowBlock(n, dim, buffer, at, label, rowId, firstPos, buckets, rank60);
  }

  /** Row r's cross-validation fold in a subset split into folds (see SubsetId#fold). */
  public int fold(SubsetId subset, int folds, int r) {
    return subset.fold(rank60, rowId[r], r, folds);
  }

  /**
   * The subset's rows of this block in fold g of folds (every row of the subset when folds is
   * 0), scaled to double, into caller-owned buffers from row position {@code at} on: the one
   * gather every loss evaluation, validation and in-task fit uses.
   */
  public ScaledRows scaled(SubsetId subset, int folds, int g, Scaler scaler, double[] xOut,
      int[] labelsOut, int at) {
    return scaled(subset, folds, g, scaler, xOut, null, labelsOut, at);
  }

  /** As above, to float32 into xfOut when xOut is null. */
  public ScaledRows scaled(SubsetId subset, int folds, int g, Scaler scaler, double[] xOut,
      float[] xfOut, int[] labelsOut, int at) {
    return ScaledRows.scale(x, xOffset, n, dim,
        r -> subset.contains(buckets, r) && (folds == 0 || fold(subset, folds, r) == g), scaler,
        label, xOut, xfOut, labelsOut, at);
  }

  /**
   * The rows of this block that keep selects, in order, at this block's positions (row r of the
   * result is at firstPos + r: positions stay unique and ordered, which is all ranking needs),
   * with no buckets: a block of the training pool or of the validation rows before any plan.
   */
  public RowBlock keep(java.util.function.IntPredicate keep) {
    int m = 0;
    for (int r = 0; r < n; r++) if (keep.test(r)) m++;
    float[] kx = new float[m * dim];
    int[] y = new int[m];
    long[] ids = new long[m];
    int i = 0;
    for (int r = 0; r < n; r++) {
      if (!keep.test(r)) continue;
      System.arraycopy(x, xOffset + r * dim, kx, i * dim, dim);
      y[i] = label[r];
      ids[i++] = rowId[r];
    }
    return new RowBlock(m, dim, kx, y, ids, firstPos);
  }

  /**
   * The subset's rows of this block, with their buckets for the subset's seed only (kept at the
   * seed's index), or null when it has none: what a Spark task fitting the subset needs. For
   * every row ("all"), the block as it is, buckets included: a chain may fit its seed's subsets
   * before "all".
   */
  public RowBlock compact(SubsetId subset) {
    if (!(subset instanceof SubsetId.Sampled s)) return this;
    int m = 0;
    for (int r = 0; r < n; r++) if (subset.contains(buckets, r)) m++;
    if (m == 0) return null;
    float[] cx = new float[m * dim];
    int[] y = new int[m];
    long[] ids = new long[m];
    byte[][] bk = new byte[s.seedIndex() + 1][];
    bk[s.seedIndex()] = new byte[m];
    byte[][] rk = new byte[s.seedIndex() + 1][];
    rk[s.seedIndex()] = new byte[m];
    int i = 0;
    for (int r = 0; r < n; r++) {
      if (!subset.contains(buckets, r)) continue;
      System.arraycopy(x, xOffset + r * dim, cx, i * dim, dim);
      y[i] = label[r];
      ids[i] = rowId[r];
      bk[s.seedIndex()][i] = buckets[s.seedIndex()][r];
      rk[s.seedIndex()][i++] = rank60[s.seedIndex()][r];
    }
    return new RowBlock(m, dim, cx, y, ids, firstPos, bk, rk);
  }
}
