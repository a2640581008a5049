package linprobe.math;

/**
 * Rows of a training subset scaled to double (x) or, for a fit with float32 GEMMs, to
 * float32 (xf; x is then null): an n x dim row-major GEMM operand at offset xOff and their
 * class indices at labels[lOff]. The buffers belong to whoever filled them (a per-block scratch
 * in the distributed pass, one per-fit buffer inside a Spark task).
 */
public record ScaledRows(double[] x, float[] xf, int xOff, int[] labels, int lOff, int n) {
  /** Rows scaled to double. */
  public ScaledRows(double[] x, int xOff, int[] labels, int lOff, int n) {
    this(x, null, xOff, labels, lOff, n);
  }

  /** Whether the rows are float32 (xf) rather than double (x). */
  public boolean float32() {
    return xf != null;
  }

  /**
   * Scales the rows of a float32 block (n x dim) that {@code keep} selects into caller-owned
   * buffers from row position {@code at} on.
   */
  public static ScaledRows scale(float[] rows, int count, int dim, RowFilter keep, Scaler scaler,
      int[] rowLabels, double[] x, int[] labels, int at) {
    return scale(rows, count, dim, keep, scaler, rowLabels, x, null, labels, at);
  }

  /**
   * As above into x when it is not null, else into xf: each value is scaled in double, then
   * rounded to float32 for xf (the same value as the double row's, rounded).
   */
  public static ScaledRows scale(float[] rows, int count, int dim, RowFilter keep, Scaler scaler,
      int[] rowLabels, double[] x, float[] xf, int[] labels, int at) {
    return scale(rows, 0, count, dim, keep, scaler, rowLabels, x, xf, labels, at);
  }

  /** As above, row r of rows at from + r x dim. */
  public static ScaledRows scale(float[] rows, int from, int count, int dim, RowFilter keep,
      Scaler scaler, int[] rowLabels, double[] x, float[] xf, int[] labels, int at) {
    double[] off = scaler.offset(), inv = scaler.invScale();
    int n = 0;
    for (int r = 0; r < count; r++) {
      if (!keep.test(r)) continue;
      int src = from + r * dim, dst = (at + n) * dim;
      if (x != null) {
        for (int j = 0; j < dim; j++) x[dst + j] = (rows[src + j] - off[j]) * inv[j];
      } else {
        for (int j = 0; j < dim; j++) xf[dst + j] = (float) ((rows[src + j] - off[j]) * inv[j]);
      }
      labels[at + n++] = rowLabels[r];
    }
    return new ScaledRows(x, x != null ? null : xf, at * dim, labels, at, n);
  }

  /** Which rows of a block belong to the subset. */
  @FunctionalInterface
  public interface RowFilter {
    boolean test(int row);
  }
}
