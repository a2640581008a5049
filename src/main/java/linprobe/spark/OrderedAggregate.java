package linprobe.spark;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import linprobe.math.Mergeable;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The one aggregation every pass uses: one partial per partition, collected in partition order
 * and merged on the driver in that order. With the canonical layout this makes every result bit
 * for bit independent of parallelism and task timing (Spark's aggregate and treeAggregate merge
 * in completion order, which is not). One Spark job.
 */
public final class OrderedAggregate {
  private OrderedAggregate() {}

  /** A fresh zero partial, made where it is used (on an executor, or on the driver). */
  @FunctionalInterface
  public interface Zero<A> extends Serializable {
    A get();
  }

  /** Adds one element to a partial (runs on executors). */
  @FunctionalInterface
  public interface Add<A, T> extends Serializable {
    A add(A acc, T element);
  }

  /** Folds one partition's elements into a partial (runs on executors). */
  @FunctionalInterface
  public interface Fold<A, T> extends Serializable {
    A fold(Iterator<T> elements, A zero);
  }

  /** Every element added to its partition's partial; partials merged in partition order. */
  public static <T, A extends Mergeable<A>> A of(JavaRDD<T> rdd, Zero<A> zero, Add<A, T> add) {
    return byPartition(rdd, zero, (it, acc) -> Mergeable.fold(it, acc, add::add));
  }

  /** As {@link #of}, with a fold per partition (for per-partition scratch buffers). */
  public static <T, A extends Mergeable<A>> A byPartition(JavaRDD<T> rdd, Zero<A> zero,
      Fold<A, T> fold) {
    List<A> partials = rdd.mapPartitions(
        it -> Collections.singletonList(fold.fold(it, zero.get())).iterator()).collect();
    return Mergeable.mergeInOrder(zero.get(), partials);
  }

  /** Partials larger than this in all are merged on an executor instead of the driver. */
  static final long DRIVER_MERGE_BYTES = 256L << 20;

  /**
   * As {@link #byPartition(JavaRDD, Zero, Fold)} for partials of about partialBytes each: when
   * they add up to more than {@link #DRIVER_MERGE_BYTES} (or a quarter of
   * spark.driver.maxResultSize), they are shuffled to one task, sorted by partition, and merged
   * there in partition order, the same merges in the same order (the same bits), so that the
   * driver receives one partial instead of all of them (a thousand classes' gradient in 2,048
   * dimensions is 16 MB, from each of 64 partitions). Two stages in one job.
   */
  public static <T, A extends Mergeable<A>> A byPartition(JavaRDD<T> rdd, Zero<A> zero,
      Fold<A, T> fold, long partialBytes) {
    long maxResult = rdd.context().getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
    long limit = maxResult <= 0 ? DRIVER_MERGE_BYTES : Math.min(DRIVER_MERGE_BYTES, maxResult / 4);
    return byPartition(rdd, zero, fold, partialBytes, limit);
  }

  static <T, A extends Mergeable<A>> A byPartition(JavaRDD<T> rdd, Zero<A> zero,
      Fold<A, T> fold, long partialBytes, long driverMergeBytes) {
    if (partialBytes * rdd.getNumPartitions() <= driverMergeBytes) {
      return byPartition(rdd, zero, fold);
    }
    return rdd.mapPartitionsWithIndex((i, it) -> Collections.singletonList(
            new Tuple2<>(i, fold.fold(it, zero.get()))).iterator(), false)
        .mapToPair(t -> t)
        .repartitionAndSortWithinPartitions(new HashPartitioner(1))
        .mapPartitions(it -> {
          A acc = zero.get();
          while (it.hasNext()) acc = acc.merge(it.next()._2());
          return Collections.singletonList(acc).iterator();
        })
        .collect().get(0);
  }
}
