package linprobe.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import linprobe.math.GaussianStats;
import linprobe.math.LinearModel;
import linprobe.math.Scaler;
import linprobe.math.Softmax;
import linprobe.math.SoftmaxAggregator;
import linprobe.math.LogisticObjective;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The Spark passes over canonical blocks. Each computes one partial per partition, collects the
 * partials in partition order and merges them on the driver in that order: with the canonical
 * layout this makes every result bit-for-bit independent of parallelism and task timing (Spark's
 * aggregate and treeAggregate merge in completion order, which is not).
 */
public final class Passes {
  private Passes() {}

  /** Ranks the training rows of every (seed, class): one job, a bounded top-k per partition. */
  public static SubsetPlan plan(Embeddings train, int[] shots, long[] seeds) {
    int k = train.classes();
    int capacity = shots.length == 0 ? 0 : shots[shots.length - 1];
    long[] seedList = seeds.clone();
    List<SubsetPlan.LowestKeys[][]> partials = train.blocks().mapPartitions(it -> {
      SubsetPlan.LowestKeys[][] acc = newLowest(seedList.length, k, capacity);
      while (it.hasNext()) {
        RowBlock b = it.next();
        for (int s = 0; s < seedList.length; s++) {
          for (int r = 0; r < b.n; r++) {
            acc[s][b.label[r]].offer(RowKeys.key(seedList[s], b.rowId[r]), b.firstPos + r);
          }
        }
      }
      return Collections.singletonList(acc).iterator();
    }).collect();
    SubsetPlan.LowestKeys[][] merged = newLowest(seedList.length, k, capacity);
    for (SubsetPlan.LowestKeys[][] p : partials) {
      for (int s = 0; s < seedList.length; s++) {
        for (int c = 0; c < k; c++) merged[s][c].merge(p[s][c]);
      }
    }
    return SubsetPlan.from(shots, seedList, merged);
  }

  private static SubsetPlan.LowestKeys[][] newLowest(int seeds, int classes, int capacity) {
    SubsetPlan.LowestKeys[][] a = new SubsetPlan.LowestKeys[seeds][classes];
    for (int s = 0; s < seeds; s++) {
      for (int c = 0; c < classes; c++) a[s][c] = new SubsetPlan.LowestKeys(capacity);
    }
    return a;
  }

  /** The training blocks with every row's bucket for every seed, cached. */
  public static JavaRDD<RowBlock> bucketed(Embeddings train, SubsetPlan plan) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(train.blocks().context());
    Broadcast<SubsetPlan> bPlan = jsc.broadcast(plan);
    JavaRDD<RowBlock> out = train.blocks().map(b -> b.withBuckets(bPlan.value().buckets(b)));
    return out.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Naive Bayes statistics for the whole grid in one job: Gaussian statistics keyed by
   * (seed, class, bucket), plus per class over every row for "all".
   */
  public static GridStats nbStats(JavaRDD<RowBlock> bucketed, int seeds, int classes,
      int buckets, int dim) {
    List<GridStats> partials = bucketed.mapPartitions(it -> {
      GridStats acc = new GridStats(seeds, classes, buckets, dim);
      while (it.hasNext()) acc.add(it.next());
      return Collections.singletonList(acc).iterator();
    }).collect();
    GridStats merged = new GridStats(seeds, classes, buckets, dim);
    for (GridStats p : partials) merged.merge(p);
    return merged;
  }

  /**
   * The data term of the logistic objective over one training subset (seed index, rows with
   * bucket up to maxBucket, or every row when seed is -1), one job per evaluation: coefficients
   * broadcast once, a GEMM per block.
   */
  public static LogisticObjective.DataTerm softmaxTerm(JavaRDD<RowBlock> bucketed, int seed,
      int maxBucket, int classes, int dim, Scaler scaler) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(bucketed.context());
    return coef -> {
      Broadcast<double[]> bCoef = jsc.broadcast(coef);
      try {
        List<SoftmaxAggregator> partials = bucketed.mapPartitions(it -> {
          SoftmaxAggregator acc = new SoftmaxAggregator(classes, dim);
          SubsetRows rows = new SubsetRows(EmbeddingSource.BLOCK_ROWS, dim, classes);
          while (it.hasNext()) rows.addTo(acc, it.next(), seed, maxBucket, scaler, bCoef.value());
          return Collections.singletonList(acc).iterator();
        }).collect();
        SoftmaxAggregator total = new SoftmaxAggregator(classes, dim);
        for (SoftmaxAggregator p : partials) total.merge(p);
        return total;
      } finally {
        bCoef.destroy();
      }
    };
  }

  /**
   * Runs logistic-regression tasks inside Spark tasks, one task per LrTask, all in one job: each
   * block ships to a task only the rows of that task's largest subset (compacted, in canonical
   * order), and the task fits its nested subsets with no further Spark job.
   *
   * @param upTo per task, how many of its fits run here (a prefix: the small subsets)
   */
  public static List<List<LrTask.Outcome>> fitLocally(JavaRDD<RowBlock> bucketed,
      List<LrTask> tasks, int[] upTo, boolean verbose) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(bucketed.context());
    Broadcast<ArrayList<LrTask>> bTasks = jsc.broadcast(new ArrayList<>(tasks));
    int nt = tasks.size();
    int[] limits = upTo.clone();
    // Spark starts partitions in index order: give the heaviest task partition 0 so that it
    // does not start last and run alone at the end.
    Integer[] order = new Integer[nt];
    for (int t = 0; t < nt; t++) order[t] = t;
    java.util.Arrays.sort(order, (a, b) -> Long.compare(tasks.get(b).work(limits[b]),
        tasks.get(a).work(limits[a])));
    int[] slot = new int[nt];
    for (int i = 0; i < nt; i++) slot[order[i]] = i;
    try {
      List<Tuple2<Integer, List<LrTask.Outcome>>> results = bucketed
          .mapPartitionsWithIndex((part, it) -> {
            List<Tuple2<Integer, CompactBlock>> out = new ArrayList<>();
            int seq = 0;
            while (it.hasNext()) {
              RowBlock b = it.next();
              for (int t = 0; t < nt; t++) {
                if (limits[t] == 0) continue;
                LrTask task = bTasks.value().get(t);
                RowBlock c = compact(b, task.seed, task.maxBucket[limits[t] - 1]);
                if (c != null) out.add(new Tuple2<>(slot[t], new CompactBlock(part, seq, c)));
              }
              seq++;
            }
            return out.iterator();
          }, true)
          .mapToPair(t -> t)
          .partitionBy(new EmbeddingSource.IdentityPartitioner(nt))
          .mapPartitionsWithIndex((at, it) -> {
            if (!it.hasNext()) return Collections.emptyIterator();
            int t = order[at];
            List<CompactBlock> blocks = new ArrayList<>();
            while (it.hasNext()) blocks.add(it.next()._2());
            blocks.sort((a, b) -> a.partition != b.partition
                ? Integer.compare(a.partition, b.partition) : Integer.compare(a.seq, b.seq));
            List<List<RowBlock>> parts = new ArrayList<>();
            int current = -1;
            for (CompactBlock cb : blocks) {
              if (cb.partition != current) {
                parts.add(new ArrayList<>());
                current = cb.partition;
              }
              parts.get(parts.size() - 1).add(cb.block);
            }
            LrTask task = bTasks.value().get(t);
            List<LrTask.Outcome> fits = task.fit(0, limits[t], task.local(parts), null, verbose);
            return Collections.singletonList(new Tuple2<>(t, fits)).iterator();
          }, true)
          .collect();
      List<List<LrTask.Outcome>> byTask = new ArrayList<>();
      for (int t = 0; t < nt; t++) byTask.add(List.of());
      for (Tuple2<Integer, List<LrTask.Outcome>> r : results) byTask.set(r._1(), r._2());
      return byTask;
    } finally {
      bTasks.destroy();
    }
  }

  /** The rows of a block in the subset (seed, buckets up to maxBucket), or null if none. */
  static RowBlock compact(RowBlock b, int seed, int maxBucket) {
    if (seed < 0) return new RowBlock(b.n, b.dim, b.x, b.label, b.rowId, b.firstPos, null);
    int n = 0;
    for (int r = 0; r < b.n; r++) if (b.buckets[seed][r] <= maxBucket) n++;
    if (n == 0) return null;
    float[] x = new float[n * b.dim];
    int[] y = new int[n];
    long[] ids = new long[n];
    byte[] bk = new byte[n];
    int i = 0;
    for (int r = 0; r < b.n; r++) {
      if (b.buckets[seed][r] > maxBucket) continue;
      System.arraycopy(b.x, r * b.dim, x, i * b.dim, b.dim);
      y[i] = b.label[r];
      ids[i] = b.rowId[r];
      bk[i++] = b.buckets[seed][r];
    }
    return new RowBlock(n, b.dim, x, y, ids, b.firstPos, new byte[][] {bk});
  }

  /** A compacted block with its canonical place (partition, sequence within it). */
  record CompactBlock(int partition, int seq, RowBlock block) implements java.io.Serializable {}

  /** The subset's rows of one block, scaled to double: one GEMM operand at x[xOff]. */
  public record ScaledRows(double[] x, int xOff, int[] labels, int lOff, int n) {
    /**
     * Rows of b with bucket up to maxBucket for seed index seed (every row when seed < 0), scaled,
     * into caller-owned buffers from row position `at` on (reused across evaluations and fits).
     */
    static ScaledRows into(RowBlock b, int seed, int maxBucket, Scaler scaler, double[] x,
        int[] labels, int at) {
      int d = b.dim, n = 0;
      double[] off = scaler.offset(), inv = scaler.invScale();
      for (int r = 0; r < b.n; r++) {
        if (seed >= 0 && b.buckets[seed][r] > maxBucket) continue;
        int src = r * d, dst = (at + n) * d;
        for (int j = 0; j < d; j++) x[dst + j] = (b.x[src + j] - off[j]) * inv[j];
        labels[at + n++] = b.label[r];
      }
      return new ScaledRows(x, at * d, labels, at, n);
    }

    SoftmaxAggregator addTo(SoftmaxAggregator acc, double[] coef, double[] scores) {
      return acc.add(x, xOff, labels, lOff, n, coef, scores);
    }
  }

  /** Reusable scratch for gathering the subset's rows of a block, scaled, into a GEMM operand. */
  public static final class SubsetRows {
    final double[] x;
    final int[] labels;
    final double[] scores;

    public SubsetRows(int maxRows, int dim, int classes) {
      this.x = new double[maxRows * dim];
      this.labels = new int[maxRows];
      this.scores = new double[maxRows * classes];
    }

    public void addTo(SoftmaxAggregator acc, RowBlock b, int seed, int maxBucket, Scaler scaler,
        double[] coef) {
      fill(b, seed, maxBucket, scaler).addTo(acc, coef, scores);
    }

    /** The subset's rows of b, scaled, in this scratch (valid until the next fill). */
    public ScaledRows fill(RowBlock b, int seed, int maxBucket, Scaler scaler) {
      return ScaledRows.into(b, seed, maxBucket, scaler, x, labels, 0);
    }
  }

  /**
   * Test error counts and summed log-loss of every model in one pass over the test blocks. The
   * linear models (nb, lr) are stacked: their scalers are folded into the weights, relative to a
   * common centre so that no large offset cancels, and each block is scored for all of them by
   * one GEMM. Quadratic models (nb-perclass) are scored one GEMM each, in their own scaled space,
   * where their 1/variance weights stay well conditioned.
   *
   * @return [model][0] = misclassified rows, [model][1] = summed cross-entropy
   */
  public static double[][] evaluate(Embeddings test, List<LinearModel> models) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(test.blocks().context());
    Broadcast<ArrayList<Stacked>> bStacked = jsc.broadcast(Stacked.groups(models));
    Broadcast<ArrayList<LinearModel>> bModels = jsc.broadcast(new ArrayList<>(models));
    int nm = models.size();
    try {
      List<double[][]> partials = test.blocks().mapPartitions(it -> {
        double[][] acc = new double[nm][2];
        List<LinearModel> ms = bModels.value();
        List<Stacked> groups = bStacked.value();
        int maxP = 0, maxK = 0;
        for (Stacked st : groups) {
          maxP = Math.max(maxP, st.dim);
          maxK = Math.max(maxK, st.rows);
        }
        for (LinearModel m : ms) {
          if (!m.quadratic()) continue;
          maxP = Math.max(maxP, m.featureCount());
          maxK = Math.max(maxK, m.classes());
        }
        int n0 = EmbeddingSource.BLOCK_ROWS;
        double[] feats = new double[n0 * maxP];
        double[] scores = new double[n0 * maxK];
        while (it.hasNext()) {
          RowBlock b = it.next();
          for (Stacked st : groups) {
            st.scores(b, feats, scores);
            for (int i = 0; i < nm; i++) {
              if (st.column[i] >= 0) {
                score(b, scores, st.rows, st.column[i], ms.get(i).classes(), acc[i]);
              }
            }
          }
          for (int i = 0; i < nm; i++) {
            LinearModel m = ms.get(i);
            if (!m.quadratic()) continue;
            m.features(b.x, 0, b.n, feats);
            m.scores(feats, b.n, scores);
            score(b, scores, m.classes(), 0, m.classes(), acc[i]);
          }
        }
        return Collections.singletonList(acc).iterator();
      }).collect();
      double[][] total = new double[nm][2];
      for (double[][] p : partials) {
        for (int i = 0; i < nm; i++) {
          total[i][0] += p[i][0];
          total[i][1] += p[i][1];
        }
      }
      return total;
    } finally {
      bModels.destroy();
      bStacked.destroy();
    }
  }

  /** Adds errors and cross-entropy of one model's columns [col, col + k) of a score matrix. */
  private static void score(RowBlock b, double[] scores, int width, int col, int k, double[] acc) {
    double[] row = new double[k];
    for (int r = 0; r < b.n; r++) {
      System.arraycopy(scores, r * width + col, row, 0, k);
      int y = b.label[r];
      if (Softmax.argmax(row, 0, k) != y) acc[0] += 1;
      double sy = row[y];
      acc[1] += Math.min(Softmax.softmaxInPlace(row, 0, k) - sy, Softmax.MAX_CROSS_ENTROPY);
    }
  }

  /** Every linear model's weights in raw coordinates relative to a centre, stacked by rows. */
  static final class Stacked implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final int dim;
    final int rows;
    final double[] centre;
    final double[] weights; // rows x dim
    final double[] bias;
    final int[] column; // first score column of model i, -1 if not stacked

    private Stacked(int dim, int rows, double[] centre, double[] weights, double[] bias,
        int[] column) {
      this.dim = dim;
      this.rows = rows;
      this.centre = centre;
      this.weights = weights;
      this.bias = bias;
      this.column = column;
    }

    /** Score columns per GEMM: bounds the score buffer for many models of many classes. */
    static final int MAX_ROWS = 4096;

    /** The linear models in groups of at most MAX_ROWS stacked classes (one GEMM each). */
    static ArrayList<Stacked> groups(List<LinearModel> models) {
      ArrayList<Stacked> out = new ArrayList<>();
      boolean[] take = new boolean[models.size()];
      int rows = 0;
      for (int i = 0; i < models.size(); i++) {
        LinearModel m = models.get(i);
        if (m.quadratic()) continue;
        if (rows > 0 && rows + m.classes() > MAX_ROWS) {
          out.add(of(models, take));
          take = new boolean[models.size()];
          rows = 0;
        }
        take[i] = true;
        rows += m.classes();
      }
      if (rows > 0) out.add(of(models, take));
      return out;
    }

    static Stacked of(List<LinearModel> models, boolean[] take) {
      int d = models.isEmpty() ? 0 : models.get(0).dim(), rows = 0, stackedModels = 0;
      int[] column = new int[models.size()];
      double[] centre = new double[d];
      for (int i = 0; i < models.size(); i++) {
        LinearModel m = models.get(i);
        column[i] = take[i] ? rows : -1;
        if (!take[i]) continue;
        rows += m.classes();
        stackedModels++;
        for (int j = 0; j < d; j++) centre[j] += m.scaler().offset()[j];
      }
      for (int j = 0; j < d; j++) centre[j] /= Math.max(1, stackedModels);
      double[] w = new double[rows * d];
      double[] bias = new double[rows];
      for (int i = 0; i < models.size(); i++) {
        LinearModel m = models.get(i);
        if (!take[i]) continue;
        double[] off = m.scaler().offset(), inv = m.scaler().invScale();
        for (int c = 0; c < m.classes(); c++) {
          int r = column[i] + c;
          double b = m.bias()[c];
          for (int j = 0; j < d; j++) {
            double wj = m.weights()[c * d + j] * inv[j];
            w[r * d + j] = wj;
            b -= wj * (off[j] - centre[j]);
          }
          bias[r] = b;
        }
      }
      return new Stacked(d, rows, centre, w, bias, column);
    }

    /** scores (n x rows) of a block for every stacked model: one GEMM. */
    void scores(RowBlock b, double[] x, double[] scores) {
      for (int r = 0; r < b.n; r++) {
        for (int j = 0; j < dim; j++) x[r * dim + j] = b.x[r * dim + j] - centre[j];
      }
      linprobe.math.Blas.scores(x, b.n, dim, weights, rows, scores);
      for (int r = 0; r < b.n; r++) {
        for (int c = 0; c < rows; c++) scores[r * rows + c] += bias[c];
      }
    }
  }
}
