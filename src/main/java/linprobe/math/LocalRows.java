package linprobe.math;

import java.util.List;

/**
 * The data term over a subset's rows held in this JVM, scaled to double once per fit (a fit
 * evaluates the loss hundreds of times), kept as the canonical partitions of chunks the
 * distributed pass would see: one partial per partition, merged in partition order, by the
 * same {@link LogisticObjective#partition} as over the cluster. The aggregator returned is
 * reused: valid until the next evaluation.
 */
public final class LocalRows implements LogisticObjective.DataTerm {
  private final List<List<ScaledRows>> partitions;
  private final SoftmaxAggregator sum;
  private final SoftmaxAggregator partial;
  private final double[] scores;
  /** The float32 weights and buffers when the rows are float32, else null. */
  private final SoftmaxAggregator.Float32 f32;

  public LocalRows(List<List<ScaledRows>> partitions, int classes, int dim) {
    this.partitions = partitions;
    this.sum = new SoftmaxAggregator(classes, dim);
    this.partial = new SoftmaxAggregator(classes, dim);
    int chunk = 0;
    boolean float32 = false;
    for (List<ScaledRows> part : partitions) {
      for (ScaledRows r : part) {
        chunk = Math.max(chunk, r.n());
        float32 |= r.float32();
      }
    }
    this.scores = new double[chunk * classes];
    this.f32 = float32 ? new SoftmaxAggregator.Float32(classes, dim, chunk) : null;
  }

  /** Rows of one float32 block (n x dim) as one partition of one chunk (tests, small fits). */
  public static LocalRows of(float[] x, int[] labels, int n, int classes, Scaler scaler) {
    int d = scaler.dim();
    ScaledRows rows = ScaledRows.scale(x, n, d, r -> true, scaler, labels, new double[n * d],
        new int[n], 0);
    return new LocalRows(List.of(List.of(rows)), classes, d);
  }

  /** As {@link #of}, the rows scaled to float32 (evaluated with float32 GEMMs). */
  public static LocalRows float32(float[] x, int[] labels, int n, int classes, Scaler scaler) {
    int d = scaler.dim();
    ScaledRows rows = ScaledRows.scale(x, n, d, r -> true, scaler, labels, null,
        new float[n * d], new int[n], 0);
    return new LocalRows(List.of(List.of(rows)), classes, d);
  }

  @Override
  public SoftmaxAggregator sums(double[] coef) {
    sum.reset();
    if (f32 != null) f32.load(coef);
    for (List<ScaledRows> part : partitions) {
      sum.merge(LogisticObjective.partition(part.iterator(), coef, scores, f32,
          partial.reset()));
    }
    return sum;
  }
}
