package linprobe.spark;

import org.apache.spark.api.java.JavaRDD;

/** The stage that gathers every subset's naive Bayes statistics: one job for the whole grid. */
public final class NaiveBayesPass {
  private NaiveBayesPass() {}

  /**
   * Gaussian statistics keyed by (seed, class, bucket), plus per class over every row for "all";
   * a subset's statistics are the prefix merge of its buckets ({@link GridStats#stats}).
   */
  public static GridStats statistics(JavaRDD<RowBlock> bucketed, int seeds, int classes,
      int buckets, int dim) {
    return OrderedAggregate.of(bucketed, () -> new GridStats(seeds, classes, buckets, dim),
        GridStats::add);
  }
}
