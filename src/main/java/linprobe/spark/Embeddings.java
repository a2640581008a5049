package linprobe.spark;

import org.apache.spark.api.java.JavaRDD;

/**
 * A validated embedding table in canonical blocks, cached.
 *
 * @param path where it was read from
 * @param classCounts rows per class index
 * @param partitions number of canonical partitions
 */
public record Embeddings(String path, JavaRDD<RowBlock> blocks, int dim, long rows,
    long[] classCounts, int partitions, long droppedInvalid) {

  public int classes() {
    return classCounts.length;
  }

  /** Smallest class size. */
  public long smallestClass() {
    long min = Long.MAX_VALUE;
    for (long c : classCounts) min = Math.min(min, c);
    return min;
  }
}
