package linprobe.math;

import java.util.List;

/**
 * The k fold models' data terms over a subset's rows held in this JVM: per canonical partition,
 * per step, one chunk per fold (linprobe.spark.FoldChunks; the layout {@link LocalRows} sees
 * one fold's complement of),
 * double or float32 (each model's weights rounded once per round, as {@link LocalRows} does).
 * One partial per partition, merged in partition order, as {@link LocalRows} sums each model
 * alone: the same bits.
 */
public final class LocalFoldRows implements FoldSums.Terms {
  private final List<List<ScaledRows[]>> partitions;
  private final int classes;
  private final int dim;
  private final double[] scores;
  private final int chunk;
  /** Whether the rows are float32 (each model's weights then rounded once per round). */
  private final boolean float32;
  private SoftmaxAggregator.Float32[] f32;
  private FoldSums sum;
  private FoldSums partial;

  public LocalFoldRows(List<List<ScaledRows[]>> partitions, int classes, int dim) {
    this.partitions = partitions;
    this.classes = classes;
    this.dim = dim;
    int chunk = 0;
    boolean float32 = false;
    for (List<ScaledRows[]> part : partitions) {
      for (ScaledRows[] perFold : part) {
        for (ScaledRows r : perFold) {
          chunk = Math.max(chunk, r.n());
          float32 |= r.float32();
        }
      }
    }
    this.chunk = chunk;
    this.float32 = float32;
    this.scores = new double[float32 ? 0 : chunk * classes];
  }

  @Override
  public FoldSums sums(double[][] coefs) {
    if (sum == null || !sum.covers(coefs)) {
      sum = new FoldSums(coefs, classes, dim);
      partial = new FoldSums(coefs, classes, dim);
    }
    sum.reset();
    if (float32) f32 = FoldSums.float32(coefs, classes, dim, chunk, f32);
    for (List<ScaledRows[]> part : partitions) {
      partial.reset();
      for (ScaledRows[] perFold : part) {
        for (int g = 0; g < perFold.length; g++) partial.add(perFold[g], g, coefs, scores, f32);
      }
      sum.merge(partial);
    }
    return sum;
  }
}
