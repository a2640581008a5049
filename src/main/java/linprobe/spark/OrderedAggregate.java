package linprobe.spark;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import linprobe.math.Mergeable;
import org.apache.spark.api.java.JavaRDD;

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
}
