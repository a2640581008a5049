package linprobe.spark;

import java.util.ArrayList;
import java.util.List;
import linprobe.math.StatsPartial;
import scala.Tuple2;

/**
 * One canonical partition's naive Bayes statistics: a {@link StatsPartial} per (seed, class,
 * bucket) cell the partition has rows in, and per class over every row (the "all" subset, the
 * same for every seed) when asked for. Nothing is allocated for an empty cell, and a cell of a
 * few rows holds those rows, not 4 x dim doubles: the partial scales with the partition's rows,
 * not with seeds x classes x buckets. {@link NaiveBayesPass} keys the cells by the task that
 * merges them.
 */
public final class GridStats {
  private final int seeds;
  private final int classes;
  private final int buckets;
  private final int dim;
  private final StatsPartial[][][] cells;
  private final StatsPartial[] all;

  /** @param withAll also gather per class over every row (the "all" subset) */
  public GridStats(int seeds, int classes, int buckets, int dim, boolean withAll) {
    this.seeds = seeds;
    this.classes = classes;
    this.buckets = buckets;
    this.dim = dim;
    this.cells = new StatsPartial[seeds][classes][buckets];
    this.all = withAll ? new StatsPartial[classes] : null;
  }

  public GridStats add(RowBlock b) {
    for (int r = 0; r < b.n; r++) {
      int c = b.label[r];
      if (all != null) cell(all, c).add(b.x, b.xOffset + r * dim);
      for (int s = 0; s < seeds; s++) {
        int bucket = b.buckets[s][r];
        if (bucket < buckets) cell(cells[s][c], bucket).add(b.x, b.xOffset + r * dim);
      }
    }
    return this;
  }

  private StatsPartial cell(StatsPartial[] row, int i) {
    StatsPartial p = row[i];
    return p != null ? p : (row[i] = new StatsPartial(dim));
  }

  /**
   * The cells as shuffle records of canonical partition part: a seed's cells go to task s as
   * cell c * buckets + b; "all" of class c to task seeds + c / allGroup as cell c.
   */
  List<Tuple2<NaiveBayesPass.Cell, StatsPartial>> records(int part, int allGroup) {
    List<Tuple2<NaiveBayesPass.Cell, StatsPartial>> out = new ArrayList<>();
    for (int s = 0; s < seeds; s++) {
      for (int c = 0; c < classes; c++) {
        for (int b = 0; b < buckets; b++) {
          StatsPartial p = cells[s][c][b];
          if (p != null) out.add(new Tuple2<>(new NaiveBayesPass.Cell(s, c * buckets + b, part), p));
        }
      }
    }
    if (all != null) {
      for (int c = 0; c < classes; c++) {
        if (all[c] != null) {
          out.add(new Tuple2<>(new NaiveBayesPass.Cell(seeds + c / allGroup, c, part), all[c]));
        }
      }
    }
    return out;
  }
}
