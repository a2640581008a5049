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
  public final float[] x;
  public final int[] label;
  public final long[] rowId;
  /** Position of row 0 in the canonical order; row r is at firstPos + r. */
  public final long firstPos;
  public final byte[][] buckets;

  public RowBlock(int n, int dim, float[] x, int[] label, long[] rowId, long firstPos,
      byte[][] buckets) {
    this.n = n;
    this.dim = dim;
    this.x = x;
    this.label = label;
    this.rowId = rowId;
    this.firstPos = firstPos;
    this.buckets = buckets;
  }

  public RowBlock withBuckets(byte[][] b) {
    return new RowBlock(n, dim, x, label, rowId, firstPos, b);
  }

  /**
   * The subset's rows of this block, scaled to double, into caller-owned buffers from row
   * position {@code at} on (the one gather every loss evaluation and in-task fit uses).
   */
  public ScaledRows scaled(SubsetId subset, Scaler scaler, double[] xOut, int[] labelsOut,
      int at) {
    return ScaledRows.scale(x, n, dim, r -> subset.contains(buckets, r), scaler, label, xOut,
        labelsOut, at);
  }

  /**
   * The subset's rows of this block, with their buckets for the subset's seed only (kept at the
   * seed's index), or null when it has none: what a Spark task fitting the subset needs.
   */
  public RowBlock compact(SubsetId subset) {
    if (!(subset instanceof SubsetId.Sampled s)) {
      return new RowBlock(n, dim, x, label, rowId, firstPos, null);
    }
    int m = 0;
    for (int r = 0; r < n; r++) if (subset.contains(buckets, r)) m++;
    if (m == 0) return null;
    float[] cx = new float[m * dim];
    int[] y = new int[m];
    long[] ids = new long[m];
    byte[][] bk = new byte[s.seedIndex() + 1][];
    bk[s.seedIndex()] = new byte[m];
    int i = 0;
    for (int r = 0; r < n; r++) {
      if (!subset.contains(buckets, r)) continue;
      System.arraycopy(x, r * dim, cx, i * dim, dim);
      y[i] = label[r];
      ids[i] = rowId[r];
      bk[s.seedIndex()][i++] = buckets[s.seedIndex()][r];
    }
    return new RowBlock(m, dim, cx, y, ids, firstPos, bk);
  }
}
