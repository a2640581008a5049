package linprobe.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import linprobe.math.FoldSums;
import linprobe.math.LocalFoldRows;
import linprobe.math.LocalRows;
import linprobe.math.LogisticObjective;
import linprobe.math.Mergeable;
import linprobe.math.ScaledRows;
import linprobe.math.Scratch;
import linprobe.math.SoftmaxAggregator;
import linprobe.math.ValidationRows;
import linprobe.math.ValidationSums;
import linprobe.plan.FitRecord;
import linprobe.plan.FitResult;
import linprobe.plan.LrChain;
import linprobe.plan.Subset;
import linprobe.plan.SubsetRows;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * The logistic-regression stage. A chain's small prefix is fitted inside one Spark task per
 * chain, all chains in one job ({@link #fitInTasks}); larger subsets by L-BFGS on the driver
 * with the data term summed over the cluster ({@link OnCluster}), one job per evaluation.
 * Both gather a subset's rows into the same chunks ({@link FoldChunks}: fold by fold for
 * cross-validation), sum each canonical partition's chunks into one partial by
 * {@link LogisticObjective#partition}, and merge the partials in partition order.
 */
public final class LogisticPass {
  private LogisticPass() {}

  /** A chain and how many of its first fits run inside a Spark task. */
  public record Split(LrChain chain, int inTask) implements java.io.Serializable {}

  /**
   * A subset's rows summed over the cached blocks on the cluster: one job per evaluation. The
   * validation rows (--select validation) are held on the driver and scored there.
   */
  public static final class OnCluster implements SubsetRows {
    private final JavaRDD<RowBlock> bucketed;
    private final int classes;
    private final int dim;
    private final ValidationRows validation;

    public OnCluster(JavaRDD<RowBlock> bucketed, int classes, int dim) {
      this(bucketed, classes, dim, null);
    }

    /** @param validation the held-out rows of --select validation, or null */
    public OnCluster(JavaRDD<RowBlock> bucketed, int classes, int dim,
        ValidationRows validation) {
      this.bucketed = bucketed;
      this.classes = classes;
      this.dim = dim;
      this.validation = validation;
    }

    @Override
    public ValidationRows validation() {
      return validation;
    }

    @Override
    public LogisticObjective.DataTerm train(Subset s, int folds, int heldOut, boolean float32) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(bucketed.context());
      int k = classes, d = dim;
      return coef -> {
        Broadcast<double[]> bCoef = jsc.broadcast(coef);
        try {
          return OrderedAggregate.byPartition(bucketed, () -> new SoftmaxAggregator(k, d),
              (blocks, zero) -> {
                int n = FoldChunks.MAX_ROWS;
                double[] c = bCoef.value();
                SoftmaxAggregator.Float32 f32 = float32
                    ? new SoftmaxAggregator.Float32(k, d, n).load(c) : null;
                return LogisticObjective.partition(
                    FoldChunks.of(blocks, s, folds, heldOut, false, d, float32), c,
                    float32 ? null : new double[n * k], f32, zero);
              }, 8L * (k * (long) d + k));
        } finally {
          bCoef.destroy();
        }
      };
    }

    /** The fold models' data terms in one job per round: each chunk gathered once. */
    @Override
    public FoldSums.Terms folds(Subset s, int folds, boolean float32) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(bucketed.context());
      int k = classes, d = dim;
      return coefs -> {
        int active = 0;
        for (double[] c : coefs) if (c != null) active++;
        Broadcast<double[][]> bCoefs = jsc.broadcast(coefs);
        try {
          return OrderedAggregate.byPartition(bucketed,
              () -> new FoldSums(bCoefs.value(), k, d),
              (blocks, zero) -> {
                int n = FoldChunks.MAX_ROWS;
                double[] scores = float32 ? null : new double[n * k];
                double[][] cs = bCoefs.value();
                SoftmaxAggregator.Float32[] f32 = float32
                    ? FoldSums.float32(cs, k, d, n, null) : null;
                FoldChunks steps = new FoldChunks(blocks, s, folds, d, g -> true, float32);
                while (steps.hasNext()) {
                  ScaledRows[] step = steps.next();
                  for (int g = 0; g < folds; g++) zero.add(step[g], g, cs, scores, f32);
                }
                return zero;
              }, 8L * (k * (long) d + k) * active);
        } finally {
          bCoefs.destroy();
        }
      };
    }

    @Override
    public ValidationSums validate(Subset s, int folds, int fold, double[] coef,
        boolean float32) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(bucketed.context());
      Broadcast<double[]> bCoef = jsc.broadcast(coef);
      int k = classes, d = dim;
      try {
        return OrderedAggregate.byPartition(bucketed, ValidationSums::new, (blocks, zero) -> {
          int n = FoldChunks.MAX_ROWS;
          double[] c = bCoef.value();
          double[] scores = float32 ? null : new double[n * k];
          SoftmaxAggregator.Float32 f32 = float32
              ? new SoftmaxAggregator.Float32(k, d, n).load(c) : null;
          return Mergeable.fold(FoldChunks.of(blocks, s, folds, fold, true, d, float32), zero,
              (acc, rows) -> acc.add(rows, c, k, scores, f32));
        });
      } finally {
        bCoef.destroy();
      }
    }

    @Override
    public long[] foldSizes(Subset s, int folds) {
      return OrderedAggregate.of(bucketed, () -> new Counts(folds),
          (acc, b) -> acc.add(b, s, folds)).counts;
    }
  }

  /** Rows per fold: the fold-size pass's partial. */
  static final class Counts implements Mergeable<Counts> {
    private static final long serialVersionUID = 1L;
    final long[] counts;

    Counts(int folds) {
      counts = new long[folds];
    }

    Counts add(RowBlock b, Subset s, int folds) {
      for (int r = 0; r < b.n; r++) {
        if (s.id().contains(b.buckets, r)) counts[b.fold(s.id(), folds, r)]++;
      }
      return this;
    }

    @Override
    public Counts merge(Counts o) {
      for (int i = 0; i < counts.length; i++) counts[i] += o.counts[i];
      return this;
    }
  }

  /**
   * A chain's rows held in this task, in canonical partitions of compacted blocks: a subset's
   * rows are gathered and scaled once per layout (the whole subset, or fold by fold for
   * cross-validation, in {@link FoldChunks}' chunks; to double, or to float32 for a float32
   * fit) into one buffer per precision that the executor thread keeps (softly) for its next
   * task, and every evaluation of every fit on that layout reuses them.
   */
  static final class InTask implements SubsetRows {
    private final List<List<RowBlock>> partitions;
    private final int classes;
    private final int dim;
    private final long size;
    private double[] x;
    private float[] xf;
    private final int[] labels;
    private final double[] scores;
    private final ValidationRows validation;
    /**
     * The gathered layout: [partition][FoldChunks step][fold or 0] chunks, for (laidOut,
     * laidFolds, laidFloat32).
     */
    private List<List<ScaledRows[]>> layout;
    private Subset laidOut;
    private int laidFolds = -1;
    private boolean laidFloat32;
    /** The last layout's chunker: its buffers serve the next one of the same shape. */
    private FoldChunks chunker;

    InTask(List<List<RowBlock>> partitions, int classes, ValidationRows validation) {
      this.partitions = partitions;
      this.classes = classes;
      this.validation = validation;
      int total = 0, d = 0;
      for (List<RowBlock> part : partitions) {
        for (RowBlock b : part) {
          total += b.n;
          d = b.dim;
        }
      }
      this.dim = d;
      this.size = (long) total * d;
      this.labels = new int[total];
      this.scores = new double[FoldChunks.MAX_ROWS * classes];
    }

    private void lay(Subset s, int folds, boolean float32) {
      if (s.equals(laidOut) && folds == laidFolds && float32 == laidFloat32) return;
      // only the buffer of the layout in use is held strongly (the thread's scratch keeps the
      // other softly): a fit the float32 run handed to double does not hold both
      if (float32) {
        x = null;
        if (xf == null) xf = Scratch.floats(size);
      } else {
        xf = null;
        if (x == null) x = Scratch.doubles(size);
      }
      layout = new ArrayList<>();
      int at = 0;
      for (List<RowBlock> part : partitions) {
        List<ScaledRows[]> p = new ArrayList<>();
        chunker = chunker == null
            ? new FoldChunks(part.iterator(), s, folds, dim, g -> true, float32)
            : chunker.over(part.iterator(), s, folds, g -> true, float32);
        while (chunker.hasNext()) {
          ScaledRows[] step = chunker.next(), perFold = new ScaledRows[step.length];
          for (int g = 0; g < step.length; g++) {
            perFold[g] = FoldChunks.copy(step[g], x, xf, labels, at, dim);
            at += perFold[g].n();
          }
          p.add(perFold);
        }
        layout.add(p);
      }
      laidOut = s;
      laidFolds = folds;
      laidFloat32 = float32;
    }

    /** Per partition, the chunks a fit or a validation adds, in the order OnCluster adds them. */
    private List<List<ScaledRows>> select(int folds, int fold, boolean heldOutOnly) {
      List<List<ScaledRows>> out = new ArrayList<>();
      for (List<ScaledRows[]> part : layout) {
        List<ScaledRows> p = new ArrayList<>();
        for (ScaledRows[] perFold : part) {
          for (int g = 0; g < perFold.length; g++) {
            if (FoldChunks.wanted(g, folds, fold, heldOutOnly) && perFold[g].n() > 0) {
              p.add(perFold[g]);
            }
          }
        }
        out.add(p);
      }
      return out;
    }

    @Override
    public LogisticObjective.DataTerm train(Subset s, int folds, int heldOut, boolean float32) {
      lay(s, folds, float32);
      return new LocalRows(select(folds, heldOut, false), classes, dim);
    }

    @Override
    public FoldSums.Terms folds(Subset s, int folds, boolean float32) {
      lay(s, folds, float32);
      return new LocalFoldRows(layout, classes, dim);
    }

    @Override
    public ValidationSums validate(Subset s, int folds, int fold, double[] coef,
        boolean float32) {
      lay(s, folds, float32);
      SoftmaxAggregator.Float32 f32 = float32
          ? new SoftmaxAggregator.Float32(classes, dim, FoldChunks.MAX_ROWS).load(coef) : null;
      ValidationSums total = new ValidationSums();
      for (List<ScaledRows> part : select(folds, fold, true)) {
        total.merge(Mergeable.fold(part.iterator(), new ValidationSums(),
            (acc, rows) -> acc.add(rows, coef, classes, scores, f32)));
      }
      return total;
    }

    @Override
    public ValidationRows validation() {
      return validation;
    }

    @Override
    public long[] foldSizes(Subset s, int folds) {
      Counts n = new Counts(folds); // from the blocks: no layout just to count
      for (List<RowBlock> part : partitions) for (RowBlock b : part) n.add(b, s, folds);
      return n.counts;
    }
  }

  /**
   * Fits each split's in-task prefix inside Spark tasks, one task per chain, all in one job:
   * each block ships to a task only the rows of that chain's largest in-task subset
   * (compacted, with its canonical place), and the task fits the prefix with no further job.
   * The validation rows, when C is chosen on them, are broadcast once.
   *
   * @param validation the held-out rows of --select validation, or null
   * @param chainDone told, on the driver as each chain's task ends (from Spark's listener
   *     thread), the index in splits of that chain: progress while the job runs, whose fits'
   *     own lines are in the executors' logs on a cluster
   * @return per split, its in-task fits in chain order
   */
  public static List<List<FitResult>> fitInTasks(JavaRDD<RowBlock> bucketed, List<Split> splits,
      ValidationRows validation, FitRecord record, boolean verbose,
      java.util.function.IntConsumer chainDone) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(bucketed.context());
    Broadcast<ArrayList<Split>> bSplits = jsc.broadcast(new ArrayList<>(splits));
    Broadcast<ValidationRows> bValidation = validation == null ? null
        : jsc.broadcast(validation);
    int nt = splits.size();
    // Spark starts partitions in index order: give the heaviest chain partition 0 so that it
    // does not start last and run alone at the end.
    Integer[] order = new Integer[nt];
    for (int t = 0; t < nt; t++) order[t] = t;
    java.util.Arrays.sort(order, (a, b) -> Long.compare(work(splits.get(b)), work(splits.get(a))));
    int[] slot = new int[nt];
    for (int i = 0; i < nt; i++) slot[order[i]] = i;
    ChainListener listener = new ChainListener(order, chainDone);
    org.apache.spark.SparkContext sc = bucketed.context();
    String before = sc.getLocalProperty(ChainListener.KEY);
    sc.setLocalProperty(ChainListener.KEY, listener.tag);
    sc.addSparkListener(listener);
    try {
      List<Tuple2<Integer, List<FitResult>>> results = bucketed
          .mapPartitionsWithIndex((part, it) -> {
            List<Tuple2<Integer, CompactBlock>> out = new ArrayList<>();
            int seq = 0;
            while (it.hasNext()) {
              RowBlock b = it.next();
              for (int t = 0; t < nt; t++) {
                Split sp = bSplits.value().get(t);
                if (sp.inTask() == 0) continue;
                RowBlock c = b.compact(sp.chain().subsets().get(sp.inTask() - 1).id());
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
            Split sp = bSplits.value().get(t);
            List<CompactBlock> blocks = held(it, sp.chain().subsets().get(sp.inTask() - 1));
            SubsetRows rows = new InTask(canonicalPartitions(blocks), sp.chain().classes(),
                bValidation == null ? null : bValidation.value());
            List<FitResult> fits = sp.chain().fit(0, sp.inTask(), rows, null, record, verbose);
            return Collections.singletonList(new Tuple2<>(t, fits)).iterator();
          }, true)
          .collect();
      listener.awaitEnds(nt, 2000); // Spark's listener bus runs behind the job's end
      List<List<FitResult>> byChain = new ArrayList<>();
      for (int t = 0; t < nt; t++) byChain.add(List.of());
      for (Tuple2<Integer, List<FitResult>> r : results) byChain.set(r._1(), r._2());
      return byChain;
    } finally {
      sc.removeSparkListener(listener);
      sc.setLocalProperty(ChainListener.KEY, before);
      bSplits.destroy();
      if (bValidation != null) bValidation.destroy();
    }
  }

  /**
   * Tells of each chain task that ends well, once: the result tasks of the job that carries its
   * tag (other jobs of a shared session, a notebook's, are not counted).
   */
  static final class ChainListener extends org.apache.spark.scheduler.SparkListener {
    static final String KEY = "linprobe.chains";
    final String tag = "chains-" + java.util.UUID.randomUUID();
    private final Integer[] order;
    private final java.util.function.IntConsumer chainDone;
    private final java.util.Set<Integer> stages = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<Integer> ended = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ChainListener(Integer[] order, java.util.function.IntConsumer chainDone) {
      this.order = order;
      this.chainDone = chainDone;
    }

    /** Waits, at most timeoutMs, until n result tasks have been told of. */
    void awaitEnds(int n, long timeoutMs) {
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (ended.size() < n && System.currentTimeMillis() < deadline) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    @Override
    public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
      java.util.Properties p = start.properties();
      if (p != null && tag.equals(p.getProperty(KEY))) {
        scala.collection.Iterator<Object> ids = start.stageIds().iterator();
        while (ids.hasNext()) stages.add((Integer) ids.next());
      }
    }

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      if (!stages.contains(end.stageId()) || !"ResultTask".equals(end.taskType())
          || !(end.reason() instanceof org.apache.spark.Success$)) {
        return;
      }
      int at = end.taskInfo().index();
      if (at >= 0 && at < order.length && ended.add(at)) chainDone.accept(order[at]);
    }
  }

  /**
   * A chain task's shipped blocks, each copied as it arrives into the executor thread's rows
   * buffer (reused by its next chain), so that the deserialized arrays die young: held as they
   * come, they lived through the chain's fits, were copied to the old generation and left there
   * as garbage, hundreds of megabytes a chain on a wide table.
   *
   * @param largest the chain's largest in-task subset: the shipped rows are its rows
   */
  private static List<CompactBlock> held(Iterator<Tuple2<Integer, CompactBlock>> it,
      Subset largest) {
    List<CompactBlock> blocks = new ArrayList<>();
    float[] buffer = null;
    long size = 0;
    int at = 0;
    while (it.hasNext()) {
      CompactBlock cb = it.next()._2();
      RowBlock b = cb.block();
      if (buffer == null) {
        size = largest.rows() * b.dim;
        buffer = linprobe.math.Scratch.rows(size);
      }
      if (at + (long) b.n * b.dim > size) {
        throw new IllegalStateException("a chain task received more rows than its subset "
            + largest.id().key() + " has (" + largest.rows() + ")");
      }
      blocks.add(new CompactBlock(cb.partition(), cb.seq(), b.in(buffer, at)));
      at += b.n * b.dim;
    }
    return blocks;
  }

  private static long work(Split s) {
    return s.chain().work(s.inTask());
  }

  /** Compacted blocks grouped by canonical partition, each in canonical order. */
  private static List<List<RowBlock>> canonicalPartitions(List<CompactBlock> blocks) {
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
    return parts;
  }

  /** A compacted block with its canonical place (partition, sequence within it). */
  record CompactBlock(int partition, int seq, RowBlock block) implements java.io.Serializable {}
}
