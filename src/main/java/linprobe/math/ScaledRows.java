package linprobe.math;

/**
 * Rows of a training subset scaled to double: an n x dim row-major GEMM operand at x[xOff] and
 * their class indices at labels[lOff]. The buffers belong to whoever filled them (a per-block
 * scratch in the distributed pass, one per-fit buffer inside a Spark task).
 */
public record ScaledRows(double[] x, int xOff, int[] labels, int lOff, int n) {
  /**
   * Scales the rows of a float32 block (n x dim) that {@code keep} selects into caller-owned
   * buffers from row position {@code at} on.
   */
  public static ScaledRows scale(float[] rows, int count, int dim, RowFilter keep, Scaler scaler,
      int[] rowLabels, double[] x, int[] labels, int at) {
    double[] off = scaler.offset(), inv = scaler.invScale();
    int n = 0;
    for (int r = 0; r < count; r++) {
      if (!keep.test(r)) continue;
      int src = r * dim, dst = (at + n) * dim;
      for (int j = 0; j < dim; j++) x[dst + j] = (rows[src + j] - off[j]) * inv[j];
      labels[at + n++] = rowLabels[r];
    }
    return new ScaledRows(x, at * dim, labels, at, n);
  }

  /** Which rows of a block belong to the subset. */
  @FunctionalInterface
  public interface RowFilter {
    boolean test(int row);
  }
}
