package linprobe.math;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One partition's Gaussian statistics of one cell (a class, or a class's bucket for a seed),
 * sized by what the cell holds: its rows themselves while it has fewer than {@link #KEPT_ROWS} + 1
 * of them (a float32 row is 4 bytes a feature, the statistics 32: count, mean, M2, min, max),
 * {@link GaussianStats} from then on. {@link #stats()} replays the kept rows through Welford's
 * update in the order they came, so the statistics are bit for bit those of adding the rows
 * directly, wherever and whenever they are computed.
 */
public final class StatsPartial implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Rows kept as rows; the next one turns the partial into statistics. */
  public static final int KEPT_ROWS = 7;

  private final int dim;
  private int count;
  /** The kept rows, count x dim of them at its start (room for more after), while stats is null. */
  private float[] rows = new float[0];
  private GaussianStats stats;

  public StatsPartial(int dim) {
    this.dim = dim;
  }

  public long count() {
    return count;
  }

  /** Whether the partial holds its rows (not yet statistics). */
  public boolean holdsRows() {
    return stats == null;
  }

  /** Adds the row stored at x[offset .. offset + dim). */
  public StatsPartial add(float[] x, int offset) {
    if (stats == null && count == KEPT_ROWS) {
      stats = stats();
      rows = null;
    }
    if (stats != null) {
      stats.add(x, offset);
    } else {
      if (rows.length < (count + 1) * dim) {
        // room for twice the rows (at most KEPT_ROWS): 14 rows allocated on the way to 7, not 28
        rows = Arrays.copyOf(rows, Math.min(KEPT_ROWS, Math.max(1, 2 * count)) * dim);
      }
      System.arraycopy(x, offset, rows, count * dim, dim);
    }
    count++;
    return this;
  }

  /** Sends only the kept rows, not the room after them. */
  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    if (rows != null && rows.length > count * dim) rows = Arrays.copyOf(rows, count * dim);
    out.defaultWriteObject();
  }

  /**
   * The cell's statistics: the kept rows replayed in order into fresh statistics, or the
   * statistics held (not a copy: callers merge it into theirs and leave it unchanged).
   */
  public GaussianStats stats() {
    if (stats != null) return stats;
    GaussianStats s = new GaussianStats(dim);
    for (int r = 0; r < count; r++) s.add(rows, r * dim);
    return s;
  }
}
