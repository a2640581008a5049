package linprobe.math;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The held-out rows on which {@code --select validation} scores each C: raw float32 chunks (at
 * most a block of rows each) in a fixed order, with their class indices and row identities.
 * Every subset scales them with its own scaler, as it does the test set. Scoring adds the chunks
 * in their order into one {@link ValidationSums}, so a fit scores the same bits wherever it ran
 * (inside a Spark task, which gets these rows by broadcast, or on the driver).
 */
public final class ValidationRows implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int dim;
  private final List<float[]> x = new ArrayList<>();
  private final List<int[]> labels = new ArrayList<>();
  private final List<long[]> ids = new ArrayList<>();
  private final long[] perClass;
  private int largest;

  /** Empty, for rows of the given dimension and number of classes. */
  public ValidationRows(int dim, int classes) {
    this.dim = dim;
    this.perClass = new long[classes];
  }

  /**
   * Appends a chunk of n rows: features row-major (n x dim), class indices and identities.
   *
   * @return this
   */
  public ValidationRows add(float[] rows, int[] y, long[] rowIds, int n) {
    return add(rows, 0, y, rowIds, n);
  }

  /** As above, the features from rows[from] on. */
  public ValidationRows add(float[] rows, int from, int[] y, long[] rowIds, int n) {
    if (n == 0) return this;
    x.add(java.util.Arrays.copyOfRange(rows, from, from + n * dim));
    labels.add(java.util.Arrays.copyOf(y, n));
    ids.add(java.util.Arrays.copyOf(rowIds, n));
    for (int r = 0; r < n; r++) perClass[y[r]]++;
    largest = Math.max(largest, n);
    return this;
  }

  public int dim() {
    return dim;
  }

  /** Rows in all. */
  public long rows() {
    long n = 0;
    for (long c : perClass) n += c;
    return n;
  }

  /** Rows per class index. */
  public long[] perClass() {
    return perClass.clone();
  }

  /** Every row's identity, in order (for tests and checks). */
  public long[] ids() {
    long[] out = new long[(int) rows()];
    int at = 0;
    for (long[] chunk : ids) {
      System.arraycopy(chunk, 0, out, at, chunk.length);
      at += chunk.length;
    }
    return out;
  }

  /**
   * Coefficients [W (k x d), b] of a model fitted in the scaled space of {@code scaler}, scored
   * on every row (scaled by it): summed cross-entropy, errors and rows.
   */
  public ValidationSums score(Scaler scaler, double[] coef, int classes) {
    ValidationSums sums = new ValidationSums();
    double[] buffer = new double[largest * dim];
    int[] y = new int[largest];
    double[] scores = new double[largest * classes];
    for (int i = 0; i < x.size(); i++) {
      int[] chunkLabels = labels.get(i);
      ScaledRows rows = ScaledRows.scale(x.get(i), chunkLabels.length, dim, r -> true, scaler,
          chunkLabels, buffer, y, 0);
      sums.add(rows, coef, classes, scores);
    }
    return sums;
  }
}
