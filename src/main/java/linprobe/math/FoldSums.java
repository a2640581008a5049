package linprobe.math;

/**
 * The data terms of a subset's k fold models summed in one pass over its rows: fold f's model is
 * fitted on every fold but f, so each chunk of fold g is added to the sums of every model f != g
 * while it is in cache, in the order a fit of model f alone adds it (the same bits as k separate
 * passes, with a k-th of the memory traffic). Models with no coefficients this round (their fit
 * has finished, or asks for nothing) are skipped.
 */
public final class FoldSums implements Mergeable<FoldSums> {
  private static final long serialVersionUID = 1L;
  private final SoftmaxAggregator[] sums;

  /**
   * Sums for the models whose coefficients are not null (added to only while they are: a later
   * round's add skips a model whose coefficients are null then).
   */
  public FoldSums(double[][] coefs, int classes, int dim) {
    sums = new SoftmaxAggregator[coefs.length];
    for (int f = 0; f < coefs.length; f++) {
      if (coefs[f] != null) sums[f] = new SoftmaxAggregator(classes, dim);
    }
  }

  private FoldSums(SoftmaxAggregator[] sums) {
    this.sums = sums;
  }

  /** Sums computed elsewhere, one per model (null where a model had no coefficients). */
  public static FoldSums of(SoftmaxAggregator[] sums) {
    return new FoldSums(sums);
  }

  /**
   * Adds a chunk of fold g's rows to every model but g's: a double chunk with scores (scratch
   * for the chunk), a float32 one with f32[f], which must hold model f's weights
   * ({@link #float32}; null for double chunks).
   */
  public FoldSums add(ScaledRows chunk, int g, double[][] coefs, double[] scores,
      SoftmaxAggregator.Float32[] f32) {
    if (chunk.n() == 0) return this;
    for (int f = 0; f < sums.length; f++) {
      if (f != g && coefs[f] != null) {
        sums[f].add(chunk, coefs[f], scores, f32 == null ? null : f32[f]);
      }
    }
    return this;
  }

  /**
   * The float32 weights of each model with coefficients this round (null where it has none),
   * for chunks of at most chunkRows rows, in reuse (null, or of the same models' shape): the
   * buffers {@link #add} needs for float32 chunks.
   */
  public static SoftmaxAggregator.Float32[] float32(double[][] coefs, int classes, int dim,
      int chunkRows, SoftmaxAggregator.Float32[] reuse) {
    SoftmaxAggregator.Float32[] out = reuse != null && reuse.length == coefs.length ? reuse
        : new SoftmaxAggregator.Float32[coefs.length];
    for (int f = 0; f < coefs.length; f++) {
      if (coefs[f] == null) continue;
      if (out[f] == null) out[f] = new SoftmaxAggregator.Float32(classes, dim, chunkRows);
      out[f].load(coefs[f]);
    }
    return out;
  }

  /** Fold f's model's sums (null when it had no coefficients). */
  public SoftmaxAggregator get(int f) {
    return sums[f];
  }

  /** Whether every model with coefficients has its sums here. */
  public boolean covers(double[][] coefs) {
    for (int f = 0; f < coefs.length; f++) if (coefs[f] != null && sums[f] == null) return false;
    return true;
  }

  /** Back to no rows (reused across evaluations). */
  public FoldSums reset() {
    for (SoftmaxAggregator s : sums) if (s != null) s.reset();
    return this;
  }

  @Override
  public FoldSums merge(FoldSums o) {
    for (int f = 0; f < sums.length; f++) {
      if (sums[f] != null && o.sums[f] != null) sums[f].merge(o.sums[f]);
    }
    return this;
  }

  /**
   * The k fold models' data terms evaluated together, wherever the rows are: coefs[f] is model
   * f's [W, b], or null when model f needs no evaluation this round.
   */
  @FunctionalInterface
  public interface Terms {
    FoldSums sums(double[][] coefs);
  }
}
