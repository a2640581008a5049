package linprobe.math;

import java.util.List;

/**
 * The k fold models' data terms over a subset's rows held in this JVM: per canonical partition,
 * per block, one chunk per fold (the layout {@link LocalRows} sees one fold's complement of).
 * One partial per partition, merged in partition order, as {@link LocalRows} sums each model
 * alone: the same bits.
 */
public final class LocalFoldRows implements FoldSums.Terms {
  private final List<List<ScaledRows[]>> partitions;
  private final int classes;
  private final int dim;
  private final double[] scores;
  private FoldSums sum;
  private FoldSums partial;

  public LocalFoldRows(List<List<ScaledRows[]>> partitions, int classes, int dim) {
    this.partitions = partitions;
    this.classes = classes;
    this.dim = dim;
    int chunk = 0;
    for (List<ScaledRows[]> part : partitions) {
      for (ScaledRows[] perFold : part) for (ScaledRows r : perFold) chunk = Math.max(chunk, r.n());
    }
    this.scores = new double[chunk * classes];
  }

  @Override
  public FoldSums sums(double[][] coefs) {
    if (sum == null || !sum.covers(coefs)) {
      sum = new FoldSums(coefs, classes, dim);
      partial = new FoldSums(coefs, classes, dim);
    }
    sum.reset();
    for (List<ScaledRows[]> part : partitions) {
      partial.reset();
      for (ScaledRows[] perFold : part) {
        for (int g = 0; g < perFold.length; g++) partial.add(perFold[g], g, coefs, scores);
      }
      sum.merge(partial);
    }
    return sum;
  }
}
