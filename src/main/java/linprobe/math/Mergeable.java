package linprobe.math;

import java.io.Serializable;
import java.util.Iterator;
import java.util.function.BiFunction;

/**
 * A partial result that merges with another of its kind (a commutative semigroup, as Deequ's
 * analyzer states): Gaussian statistics, loss sums, top-k keys, score sums. Every pass folds its
 * rows into one partial per canonical partition and merges the partials in partition order, by
 * the two methods below, so a sum never depends on which task finished first.
 */
public interface Mergeable<T extends Mergeable<T>> extends Serializable {
  /** Adds other into this and returns this; other is left unchanged. */
  T merge(T other);

  /** One partition's partial: zero with every element added in order. */
  static <E, T extends Mergeable<T>> T fold(Iterator<E> elements, T zero,
      BiFunction<T, ? super E, T> add) {
    T acc = zero;
    while (elements.hasNext()) acc = add.apply(acc, elements.next());
    return acc;
  }

  /** The partials merged into zero in the order given (partition order). */
  static <T extends Mergeable<T>> T mergeInOrder(T zero, Iterable<? extends T> partials) {
    T acc = zero;
    for (T p : partials) acc = acc.merge(p);
    return acc;
  }
}
