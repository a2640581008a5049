package linprobe.math;

/**
 * Multinomial cross-entropy and its gradient summed over chunks of rows, one GEMM for the scores
 * and one for the gradient per piece of a chunk ({@link #gemmRows}). Rows are stored as float32
 * and scaled into the chunk's buffer, to double, or to float32 for float32 GEMMs; accumulation is
 * in double either way.
 *
 * <p>Coefficients are laid out [W (k x d, row-major), b (k)] in the scaled feature space. The
 * aggregator only sums; {@link LogisticObjective} turns sums into the scikit-learn objective.
 */
public final class SoftmaxAggregator implements Mergeable<SoftmaxAggregator> {
  private static final long serialVersionUID = 1L;

  private final int classes;
  private final int dim;
  private double lossSum;
  private long count;
  /**
   * Gradient sums laid out [W^T (d x k, row-major), b]: the GEMM that accumulates W's gradient
   * runs about 30% faster writing the transposed layout (k = 10, d = 768, OpenBLAS).
   */
  private final double[] gradT;

  public SoftmaxAggregator(int classes, int dim) {
    this.classes = classes;
    this.dim = dim;
    this.gradT = new double[classes * dim + classes];
  }

  public double lossSum() {
    return lossSum;
  }

  public long count() {
    return count;
  }

  /** Gradient sums laid out [W (k x d, row-major), b], as the coefficients are (a new array). */
  public double[] gradSum() {
    double[] g = new double[classes * dim + classes];
    gradMean(1, g);
    return g;
  }

  /**
   * Writes the gradient sums divided by m into out, laid out [W (k x d, row-major), b] as the
   * coefficients are: the data term's mean gradient without an array per evaluation.
   */
  public void gradMean(long m, double[] out) {
    int k = classes, d = dim, wLen = k * d;
    for (int j = 0; j < d; j++) {
      for (int c = 0; c < k; c++) out[c * d + j] = gradT[j * k + c] / m;
    }
    for (int c = 0; c < k; c++) out[wLen + c] = gradT[wLen + c] / m;
  }

  /**
   * Adds n rows, already scaled to double (n x dim, row-major), with their labels.
   *
   * @param coef [W, b] in the scaled space
   * @param scores scratch of at least n * classes doubles
   */
  public SoftmaxAggregator add(double[] x, int[] labels, int n, double[] coef, double[] scores) {
    return add(x, 0, labels, 0, n, coef, scores);
  }

  /** Adds a chunk of scaled rows (scores: scratch of at least rows.n() * classes doubles). */
  public SoftmaxAggregator add(ScaledRows rows, double[] coef, double[] scores) {
    return add(rows, coef, scores, null);
  }

  /**
   * As above; float32 rows are added by {@link #addFloat32} with f32, which must hold coef's
   * weights ({@link Float32#load}).
   */
  public SoftmaxAggregator add(ScaledRows rows, double[] coef, double[] scores, Float32 f32) {
    if (rows.float32()) {
      return addFloat32(rows.xf(), rows.xOff(), rows.labels(), rows.lOff(), rows.n(), coef, f32);
    }
    return add(rows.x(), rows.xOff(), rows.labels(), rows.lOff(), rows.n(), coef, scores);
  }

  /**
   * The float32 weights and work buffers of one evaluation over float32 rows: W rounded to
   * float32 once per evaluation ({@link #load}), scores and a gradient piece in float32, one
   * row of scores in double.
   */
  public static final class Float32 {
    final float[] w;
    final float[] scores;
    final float[] gradT;
    final double[] row;

    /** For a model of classes x dim and chunks of at most chunkRows rows. */
    public Float32(int classes, int dim, int chunkRows) {
      w = new float[classes * dim];
      scores = new float[Math.min(chunkRows, gemmRows(classes, dim)) * classes];
      gradT = new float[classes * dim];
      row = new double[classes];
    }

    /** Rounds coef's weights (its first classes x dim values) to float32; returns this. */
    public Float32 load(double[] coef) {
      for (int i = 0; i < w.length; i++) w[i] = (float) coef[i];
      return this;
    }
  }

  /**
   * Adds n float32 rows: the two GEMMs in float32 (OpenBLAS's sgemm, about twice dgemm's rate),
   * everything else in double. Each piece's scores are widened to double before the intercepts,
   * the softmax and the loss; its gradient (a sum over at most {@link #gemmRows} rows in
   * float32) is added to the double sums. Values and gradients agree with the double ones to
   * about float32's precision (see LogisticRegression's float32 fit for what that means to
   * L-BFGS).
   */
  SoftmaxAggregator addFloat32(float[] x, int xOff, int[] labels, int lOff, int n,
      double[] coef, Float32 f32) {
    if (n == 0) return this;
    int k = classes, d = dim, wLen = k * d;
    int step = gemmRows(k, d);
    float[] scores = f32.scores;
    double[] row = f32.row;
    for (int s = 0; s < n; s += step) {
      int m = Math.min(step, n - s);
      int off = xOff + s * d;
      Blas.scores(x, off, m, d, f32.w, k, scores);
      for (int r = 0; r < m; r++) {
        int o = r * k;
        for (int c = 0; c < k; c++) row[c] = scores[o + c] + coef[wLen + c];
        int y = labels[lOff + s + r];
        double sy = row[y];
        lossSum += Softmax.softmaxInPlace(row, 0, k) - sy;
        row[y] -= 1.0;
        for (int c = 0; c < k; c++) {
          gradT[wLen + c] += row[c];
          scores[o + c] = (float) row[c];
        }
      }
      Blas.gradientTransposed(scores, m, k, x, off, d, f32.gradT);
      float[] piece = f32.gradT;
      for (int i = 0; i < wLen; i++) gradT[i] += piece[i];
    }
    count += n;
    return this;
  }

  /** As above, the rows starting at x[xOff] and their labels at labels[lOff]. */
  public SoftmaxAggregator add(double[] x, int xOff, int[] labels, int lOff, int n,
      double[] coef, double[] scores) {
    if (n == 0) return this;
    int k = classes, d = dim, wLen = k * d;
    int step = gemmRows(k, d);
    for (int s = 0; s < n; s += step) {
      int m = Math.min(step, n - s);
      int off = xOff + s * d;
      Blas.scores(x, off, m, d, coef, k, scores);
      for (int r = 0; r < m; r++) {
        int o = r * k;
        for (int c = 0; c < k; c++) scores[o + c] += coef[wLen + c];
        int y = labels[lOff + s + r];
        double sy = scores[o + y];
        lossSum += Softmax.softmaxInPlace(scores, r, k) - sy;
        scores[o + y] -= 1.0; // scores now holds diff = p - onehot(y)
        for (int c = 0; c < k; c++) gradT[wLen + c] += scores[o + c];
      }
      Blas.addGradientTransposed(scores, m, k, x, off, d, gradT);
    }
    count += n;
    return this;
  }

  /**
   * Rows per pair of GEMM calls for a model of k classes x d features: a chunk's rows are sent to
   * BLAS in pieces of this many. Small pieces keep narrow models' GEMMs in cache and on OpenBLAS's
   * small-matrix kernels; measured on this project's machine (OpenBLAS 0.3, AVX-512, one thread,
   * both GEMMs of a loss evaluation, GFLOP/s against the whole 1,024-row chunk): 10 x 256 44 vs
   * 22, 10 x 768 43 vs 23, 10 x 2,048 33 vs 15, 32 x 768 51 vs 38 at 32 rows; 100 x 2,048 44 vs
   * 38 at 128 rows; 1,000 x 768 no better (52). Up to 8,192 coefficients 64 rows do better
   * still: 10 x 256 51 and 10 x 768 48 GFLOP/s (on an AVX2 machine, 18.3 vs 17.5 and 19.2 vs
   * 17.6); from 10 x 2,048 on 32 (33 vs 22 at 64). A fixed function of the shape, so the sums'
   * order, and every number, stay the same whatever the partitioning.
   */
  static int gemmRows(int k, int d) {
    long size = (long) k * d;
    if (size <= 8_192) return 64;
    if (size <= 24_576) return 32;
    if (size <= 262_144) return 128;
    return Integer.MAX_VALUE;
  }

  /** Back to no rows, for reuse across evaluations. */
  public SoftmaxAggregator reset() {
    lossSum = 0;
    count = 0;
    java.util.Arrays.fill(gradT, 0.0);
    return this;
  }

  @Override
  public SoftmaxAggregator merge(SoftmaxAggregator other) {
    lossSum += other.lossSum;
    count += other.count;
    for (int i = 0; i < gradT.length; i++) gradT[i] += other.gradT[i];
    return this;
  }
}
