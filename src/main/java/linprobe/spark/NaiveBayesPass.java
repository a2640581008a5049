package linprobe.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import linprobe.math.GaussianStats;
import linprobe.math.StatsPartial;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The stage that gathers every subset's naive Bayes statistics: one pass over the training rows.
 *
 * <p>Each canonical partition folds its rows into a sparse {@link GridStats} (a partial per
 * (seed, class, bucket) cell it has rows in, and per class for "all"), whose cells are shuffled
 * to one task per seed and one per group of classes for "all", sorted by (cell, partition).
 * There each cell's partials are merged in partition order (so the numbers are bit for bit
 * those of one merge of every partition's partial in partition order, and never depend on task
 * timing), and a seed's task turns its cells into every subset's per-class statistics by prefix
 * merges over the buckets, pooled over the classes for the scaler, and per class only what
 * naive Bayes reads (count, mean, M2). The driver receives them a few seeds at a time (as many
 * as there are cores, at most {@link #GROUP_BYTES}): never the whole grid on the driver at once,
 * and no task result holds more than one seed's subsets. A small grid's cells go to the driver
 * in one job and are merged there by the same code.
 */
public final class NaiveBayesPass {
  private NaiveBayesPass() {}

  /**
   * One job when the results add up to at most this; with no shuffle either when every
   * partition's dense grid does (small grids: the fewest jobs and stages).
   */
  static final long ONE_JOB_BYTES = 16L << 20;
  /**
   * "all" statistics per task: classes are grouped so that a task merges at most this many
   * bytes of partials (classes x 32 x dim bytes from every partition).
   */
  static final long ALL_TASK_BYTES = 256L << 20;
  /**
   * Otherwise the merged results come a few tasks per job, as many as there are cores and at
   * most this many bytes of results (a seed's subsets: buckets x classes x 16 x dim; an "all"
   * group's: its classes x 32 x dim).
   */
  static final long GROUP_BYTES = 256L << 20;

  /**
   * The statistics of one subset: the seed index and bucket of a sampled subset, or seed index
   * -1 for every training row ("all"); pooled, the merge of its classes' statistics in class
   * order (for the scaler), and per class without min and max where the pooled range is known
   * ({@link GaussianStats#withoutRange}).
   */
  public record SubsetStats(int seedIndex, int bucket, GaussianStats pooled,
      GaussianStats[] perClass) implements Serializable {}

  /**
   * A shuffle key: the task that merges the cell, the cell within it, the canonical partition
   * it comes from.
   */
  record Cell(int task, int cell, int part) implements Serializable {}

  /**
   * Every subset's per-class statistics in the order of {@link SubsetPlan#subsets}: per seed
   * index, buckets ascending, then "all" when asked for. The pass over the training rows runs
   * before this returns; the results are fetched as the iterator reaches them.
   */
  public static Iterator<SubsetStats> statistics(JavaRDD<RowBlock> bucketed, int seeds,
      int classes, int buckets, int dim, boolean includeAll) {
    long maxResult = bucketed.context().getConf().getSizeAsBytes("spark.driver.maxResultSize",
        "1g");
    int allGroup = (int) Math.max(1, Math.min(classes,
        ALL_TASK_BYTES / (32L * dim * bucketed.getNumPartitions())));
    // a task's result: a seed's subsets (buckets x classes x 16 x dim) or an "all" group's
    long perTask = Math.max(buckets * 16L * classes * dim, 32L * allGroup * dim);
    long groupBytes = maxResult <= 0 ? GROUP_BYTES : Math.min(GROUP_BYTES, maxResult / 4);
    int perJob = (int) Math.max(1, Math.min(bucketed.context().defaultParallelism(),
        groupBytes / perTask));
    return statistics(bucketed, seeds, classes, buckets, dim, includeAll,
        maxResult <= 0 ? ONE_JOB_BYTES : Math.min(ONE_JOB_BYTES, maxResult / 4), allGroup,
        perJob);
  }

  /**
   * @param oneJob fetch the results in one job when they add up to at most this many bytes
   * @param allGroup classes per "all" task
   * @param perJob otherwise, fetch the merged results of this many tasks (seeds, "all" groups)
   *     per job, in task order (at least 1): a job per task would leave all but one core idle
   */
  static Iterator<SubsetStats> statistics(JavaRDD<RowBlock> bucketed, int seeds, int classes,
      int buckets, int dim, boolean includeAll, long oneJob, int allGroup, int perJob) {
    int allTasks = includeAll ? (classes + allGroup - 1) / allGroup : 0;
    int tasks = seeds + allTasks;
    if (tasks == 0 || (buckets == 0 && !includeAll)) return Collections.emptyIterator();
    JavaRDD<Tuple2<Cell, StatsPartial>> cells = bucketed
        .mapPartitionsWithIndex((part, blocks) -> {
          GridStats g = new GridStats(seeds, classes, buckets, dim, includeAll);
          while (blocks.hasNext()) g.add(blocks.next());
          return g.records(part, allGroup).iterator();
        }, false);
    Iterator<SubsetStats> parts;
    long dense = (seeds * (long) buckets + 1) * classes * 32L * dim;
    if (dense * bucketed.getNumPartitions() <= oneJob) {
      // a small grid: every partition's cells to the driver in one job, merged there by the
      // same code and in the same order as on executors (no shuffle)
      List<Tuple2<Cell, StatsPartial>> all = new ArrayList<>(cells.collect());
      all.sort((a, b) -> new CellOrder().compare(a._1(), b._1()));
      List<SubsetStats> out = new ArrayList<>();
      int at = 0;
      for (int task = 0; task < tasks; task++) {
        int from = at;
        while (at < all.size() && all.get(at)._1().task() == task) at++;
        reduce(task, all.subList(from, at).iterator(), seeds, classes, buckets, dim, allGroup)
            .forEachRemaining(out::add);
      }
      parts = out.iterator();
    } else {
      JavaRDD<SubsetStats> merged = cells.mapToPair(t -> t)
          .repartitionAndSortWithinPartitions(new ByTask(tasks), new CellOrder())
          .mapPartitionsWithIndex((task, it) ->
              reduce(task, it, seeds, classes, buckets, dim, allGroup), false);
      long bytes = (seeds * (long) buckets * 16L + (includeAll ? 32L : 0)) * classes * dim;
      parts = bytes <= oneJob ? merged.collect().iterator() : inGroups(merged, tasks, perJob);
    }
    Iterator<SubsetStats> out = new Assembled(parts, classes);
    out.hasNext(); // runs the pass over the training rows now
    return out;
  }

  /** The partitions' elements in partition order, fetched perJob partitions per job. */
  static <T> Iterator<T> inGroups(JavaRDD<T> rdd, int partitions, int perJob) {
    return new Iterator<T>() {
      private int fetched = 0;
      private Iterator<T> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && fetched < partitions) {
          int[] ids = new int[Math.min(Math.max(1, perJob), partitions - fetched)];
          for (int i = 0; i < ids.length; i++) ids[i] = fetched + i;
          List<T> all = new ArrayList<>();
          for (List<T> l : rdd.collectPartitions(ids)) all.addAll(l);
          current = all.iterator();
          fetched += ids.length;
        }
        return current.hasNext();
      }

      @Override
      public T next() {
        if (!hasNext()) throw new NoSuchElementException();
        return current.next();
      }
    };
  }

  /** A task's subsets from its cells, sorted by (cell, partition). */
  private static Iterator<SubsetStats> reduce(int task, Iterator<Tuple2<Cell, StatsPartial>> cells,
      int seeds, int classes, int buckets, int dim, int allGroup) {
    return task < seeds ? seedSubsets(task, cells, classes, buckets, dim)
        : allOfGroup(task - seeds, allGroup, cells, classes, dim);
  }

  /**
   * A seed's task: cells (c * buckets + b) in order, each with its partitions' partials in
   * partition order; subset b of class c is the merge of the class's cells 0..b.
   */
  static Iterator<SubsetStats> seedSubsets(int seed, Iterator<Tuple2<Cell, StatsPartial>> cells,
      int classes, int buckets, int dim) {
    GaussianStats[][] out = new GaussianStats[buckets][classes];
    GaussianStats[] ofClass = new GaussianStats[buckets];
    int current = -1;
    Merged m = new Merged(cells, dim);
    while (m.next()) {
      int c = m.cell / buckets;
      if (c != current) {
        if (current >= 0) prefix(ofClass, out, current, dim);
        Arrays.fill(ofClass, null);
        current = c;
      }
      ofClass[m.cell % buckets] = m.stats;
    }
    if (current >= 0) prefix(ofClass, out, current, dim);
    List<SubsetStats> subsets = new ArrayList<>();
    for (int b = 0; b < buckets; b++) {
      for (int c = 0; c < classes; c++) if (out[b][c] == null) out[b][c] = new GaussianStats(dim);
      GaussianStats pooled = GaussianStats.pooled(out[b]);
      for (int c = 0; c < classes; c++) out[b][c] = out[b][c].withoutRange();
      subsets.add(new SubsetStats(seed, b, pooled, out[b]));
    }
    return subsets.iterator();
  }

  /** Subset b of class c: the class's cells 0..b merged in bucket order. */
  private static void prefix(GaussianStats[] ofClass, GaussianStats[][] out, int c, int dim) {
    GaussianStats acc = new GaussianStats(dim);
    for (int b = 0; b < ofClass.length; b++) {
      if (ofClass[b] != null) acc.merge(ofClass[b]);
      out[b][c] = acc.copy();
    }
  }

  /** An "all" task: its classes' statistics over every training row, one record. */
  static Iterator<SubsetStats> allOfGroup(int group, int allGroup,
      Iterator<Tuple2<Cell, StatsPartial>> cells, int classes, int dim) {
    int first = group * allGroup, n = Math.min(classes, first + allGroup) - first;
    GaussianStats[] out = new GaussianStats[n];
    Merged m = new Merged(cells, dim);
    while (m.next()) out[m.cell - first] = m.stats;
    for (int i = 0; i < n; i++) if (out[i] == null) out[i] = new GaussianStats(dim);
    return List.of(new SubsetStats(-1, group, null, out)).iterator();
  }

  /** Walks sorted records cell by cell: each cell's partials merged in partition order. */
  private static final class Merged {
    private final Iterator<Tuple2<Cell, StatsPartial>> records;
    private final int dim;
    private Tuple2<Cell, StatsPartial> ahead;
    int cell;
    GaussianStats stats;

    Merged(Iterator<Tuple2<Cell, StatsPartial>> records, int dim) {
      this.records = records;
      this.dim = dim;
      this.ahead = records.hasNext() ? records.next() : null;
    }

    boolean next() {
      if (ahead == null) return false;
      cell = ahead._1().cell();
      stats = new GaussianStats(dim);
      while (ahead != null && ahead._1().cell() == cell) {
        stats.merge(ahead._2().stats());
        ahead = records.hasNext() ? records.next() : null;
      }
      return true;
    }
  }

  /** Seeds' subsets as they come; the "all" groups joined into one subset at the end. */
  private static final class Assembled implements Iterator<SubsetStats> {
    private final Iterator<SubsetStats> parts;
    private final int classes;
    private SubsetStats next;

    Assembled(Iterator<SubsetStats> parts, int classes) {
      this.parts = parts;
      this.classes = classes;
    }

    @Override
    public boolean hasNext() {
      if (next != null) return true;
      if (!parts.hasNext()) return false;
      SubsetStats p = parts.next();
      if (p.seedIndex() >= 0) {
        next = p;
        return true;
      }
      GaussianStats[] all = new GaussianStats[classes];
      int at = 0;
      while (true) {
        System.arraycopy(p.perClass(), 0, all, at, p.perClass().length);
        at += p.perClass().length;
        if (at == classes) break;
        p = parts.next();
      }
      next = new SubsetStats(-1, -1, GaussianStats.pooled(all), all);
      return true;
    }

    @Override
    public SubsetStats next() {
      if (!hasNext()) throw new NoSuchElementException();
      SubsetStats out = next;
      next = null;
      return out;
    }
  }

  /** Sends a cell to the task that merges it. */
  static final class ByTask extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int tasks;

    ByTask(int tasks) {
      this.tasks = tasks;
    }

    @Override
    public int numPartitions() {
      return tasks;
    }

    @Override
    public int getPartition(Object key) {
      return ((Cell) key).task();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByTask t && t.tasks == tasks;
    }

    @Override
    public int hashCode() {
      return tasks;
    }
  }

  /** Within a task: by cell, then by canonical partition (the merge order). */
  static final class CellOrder implements Comparator<Cell>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Cell a, Cell b) {
      if (a.task() != b.task()) return Integer.compare(a.task(), b.task());
      if (a.cell() != b.cell()) return Integer.compare(a.cell(), b.cell());
      return Integer.compare(a.part(), b.part());
    }
  }
}
