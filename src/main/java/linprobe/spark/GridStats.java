package linprobe.spark;

import linprobe.math.GaussianStats;
import linprobe.math.Mergeable;
import linprobe.plan.SubsetId;

/**
 * Gaussian statistics of the whole grid: cells (seed, class, bucket), allocated when a row first
 * lands in them, and per class over every row (the "all" subset, the same for every seed). The
 * statistics of the subset for the b-th shots value are the prefix merge of buckets 0..b.
 */
public final class GridStats implements Mergeable<GridStats> {
  private static final long serialVersionUID = 1L;

  private final int classes;
  private final int buckets;
  private final int dim;
  private final GaussianStats[][][] cells;
  private final GaussianStats[] all;

  public GridStats(int seeds, int classes, int buckets, int dim) {
    this.classes = classes;
    this.buckets = buckets;
    this.dim = dim;
    this.cells = new GaussianStats[seeds][classes][buckets];
    this.all = new GaussianStats[classes];
    for (int c = 0; c < classes; c++) all[c] = new GaussianStats(dim);
  }

  public GridStats add(RowBlock b) {
    for (int r = 0; r < b.n; r++) {
      int c = b.label[r];
      all[c].add(b.x, r * dim);
      for (int s = 0; s < cells.length; s++) {
        int bucket = b.buckets[s][r];
        if (bucket >= buckets) continue;
        GaussianStats cell = cells[s][c][bucket];
        if (cell == null) cell = cells[s][c][bucket] = new GaussianStats(dim);
        cell.add(b.x, r * dim);
      }
    }
    return this;
  }

  @Override
  public GridStats merge(GridStats o) {
    for (int c = 0; c < classes; c++) all[c].merge(o.all[c]);
    for (int s = 0; s < cells.length; s++) {
      for (int c = 0; c < classes; c++) {
        for (int b = 0; b < buckets; b++) {
          GaussianStats other = o.cells[s][c][b];
          if (other == null) continue;
          if (cells[s][c][b] == null) cells[s][c][b] = new GaussianStats(dim);
          cells[s][c][b].merge(other);
        }
      }
    }
    return this;
  }

  /** Per-class statistics of a subset. */
  public GaussianStats[] stats(SubsetId id) {
    return id instanceof SubsetId.Sampled s ? subset(s.seedIndex(), s.bucket()) : all();
  }

  /** Per-class statistics of the subset (seed index, buckets 0..maxBucket). */
  GaussianStats[] subset(int seed, int maxBucket) {
    GaussianStats[] out = new GaussianStats[classes];
    for (int c = 0; c < classes; c++) {
      out[c] = new GaussianStats(dim);
      for (int b = 0; b <= maxBucket; b++) {
        if (cells[seed][c][b] != null) out[c].merge(cells[seed][c][b]);
      }
    }
    return out;
  }

  /** Per-class statistics of every training row. */
  GaussianStats[] all() {
    GaussianStats[] out = new GaussianStats[classes];
    for (int c = 0; c < classes; c++) out[c] = all[c].copy();
    return out;
  }
}
