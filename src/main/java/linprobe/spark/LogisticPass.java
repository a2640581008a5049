package linprobe.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import linprobe.math.LocalRows;
import linprobe.math.LogisticObjective;
import linprobe.math.ScaledRows;
import linprobe.math.Scaler;
import linprobe.math.Scratch;
import linprobe.math.SoftmaxAggregator;
import linprobe.plan.FitRecord;
import linprobe.plan.FitResult;
import linprobe.plan.LrChain;
import linprobe.plan.Subset;
import linprobe.plan.SubsetId;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

/**
 * The logistic-regression stage. A chain's small prefix is fitted inside one Spark task per
 * chain, all chains in one job ({@link #fitInTasks}); larger subsets by L-BFGS on the driver
 * with the data term summed over the cluster ({@link #rowsOnCluster}), one job per evaluation.
 * Both sum the subset's rows of each canonical partition into one partial, by
 * {@link LogisticObjective#partition}, and merge the partials in partition order.
 */
public final class LogisticPass {
  private LogisticPass() {}

  /** A chain and how many of its first fits run inside a Spark task. */
  public record Split(LrChain chain, int inTask) implements java.io.Serializable {}

  /**
   * The data term of a subset over the cached blocks: coefficients broadcast once per
   * evaluation, the subset's rows of each block gathered and scaled into a per-task scratch,
   * one partial per partition.
   */
  public static LogisticObjective.DataTerm rowsOnCluster(JavaRDD<RowBlock> bucketed, SubsetId id,
      Scaler scaler, int classes, int dim) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(bucketed.context());
    return coef -> {
      Broadcast<double[]> bCoef = jsc.broadcast(coef);
      try {
        return OrderedAggregate.byPartition(bucketed, () -> new SoftmaxAggregator(classes, dim),
            (blocks, zero) -> {
              int n = EmbeddingSource.BLOCK_ROWS;
              double[] x = new double[n * dim];
              int[] labels = new int[n];
              double[] scores = new double[n * classes];
              Iterator<ScaledRows> chunks = map(blocks, b -> b.scaled(id, scaler, x, labels, 0));
              return LogisticObjective.partition(chunks, bCoef.value(), scores, zero);
            });
      } finally {
        bCoef.destroy();
      }
    };
  }

  /**
   * Fits each split's in-task prefix inside Spark tasks, one task per chain, all in one job:
   * each block ships to a task only the rows of that chain's largest in-task subset
   * (compacted, with its canonical place), and the task fits the prefix with no further job.
   *
   * @return per split, its in-task fits in chain order
   */
  public static List<List<FitResult>> fitInTasks(JavaRDD<RowBlock> bucketed, List<Split> splits,
      FitRecord record, boolean verbose) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(bucketed.context());
    Broadcast<ArrayList<Split>> bSplits = jsc.broadcast(new ArrayList<>(splits));
    int nt = splits.size();
    // Spark starts partitions in index order: give the heaviest chain partition 0 so that it
    // does not start last and run alone at the end.
    Integer[] order = new Integer[nt];
    for (int t = 0; t < nt; t++) order[t] = t;
    java.util.Arrays.sort(order, (a, b) -> Long.compare(work(splits.get(b)), work(splits.get(a))));
    int[] slot = new int[nt];
    for (int i = 0; i < nt; i++) slot[order[i]] = i;
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
            List<CompactBlock> blocks = new ArrayList<>();
            while (it.hasNext()) blocks.add(it.next()._2());
            Split sp = bSplits.value().get(t);
            List<FitResult> fits = sp.chain().fit(0, sp.inTask(),
                inTaskRows(canonicalPartitions(blocks), sp.chain()), null, record, verbose);
            return Collections.singletonList(new Tuple2<>(t, fits)).iterator();
          }, true)
          .collect();
      List<List<FitResult>> byChain = new ArrayList<>();
      for (int t = 0; t < nt; t++) byChain.add(List.of());
      for (Tuple2<Integer, List<FitResult>> r : results) byChain.set(r._1(), r._2());
      return byChain;
    } finally {
      bSplits.destroy();
    }
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

  /**
   * The data term of each subset of a chain over rows held in this task: gathered and scaled
   * once per fit into one double buffer (a fit evaluates the loss hundreds of times), which the
   * executor thread keeps for its next task (no gigabytes of short-lived arrays for the GC).
   */
  static java.util.function.Function<Subset, LogisticObjective.DataTerm> inTaskRows(
      List<List<RowBlock>> partitions, LrChain chain) {
    int total = 0, dim = 0;
    for (List<RowBlock> part : partitions) {
      for (RowBlock b : part) {
        total += b.n;
        dim = b.dim;
      }
    }
    double[] x = Scratch.doubles((long) total * dim);
    int[] labels = new int[total];
    int classes = chain.classes();
    int d = dim;
    return subset -> {
      List<List<ScaledRows>> prepared = new ArrayList<>();
      int at = 0;
      for (List<RowBlock> part : partitions) {
        List<ScaledRows> p = new ArrayList<>();
        for (RowBlock b : part) {
          ScaledRows r = b.scaled(subset.id(), subset.scaler(), x, labels, at);
          at += r.n();
          if (r.n() > 0) p.add(r);
        }
        prepared.add(p);
      }
      return new LocalRows(prepared, classes, d);
    };
  }

  /** Maps an iterator lazily (each chunk is consumed before the next block is gathered). */
  private static <A, B> Iterator<B> map(Iterator<A> it, java.util.function.Function<A, B> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public B next() {
        return f.apply(it.next());
      }
    };
  }

  /** A compacted block with its canonical place (partition, sequence within it). */
  record CompactBlock(int partition, int seq, RowBlock block) implements java.io.Serializable {}
}
