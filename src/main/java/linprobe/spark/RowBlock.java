package linprobe.spark;

import java.io.Serializable;

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
}
