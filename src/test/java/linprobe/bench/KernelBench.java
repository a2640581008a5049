package linprobe.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import linprobe.math.Blas;
import linprobe.math.Scaler;
import linprobe.math.SoftmaxAggregator;
import linprobe.spark.EmbeddingSource;
import linprobe.spark.GridStats;
import linprobe.spark.RowBlock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-block kernels against a plain GEMM of the same shape, on one block of 1024 rows of
 * workload A's shape (768 dims, 10 classes). Scores are FLOP/s: "ops/s" below counts floating
 * point operations (2 n d k per GEMM), so 1.0e10 ops/s is 10 GFLOP/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class KernelBench {
  static final int N = EmbeddingSource.BLOCK_ROWS;
  static final int D = 768;
  static final int K = 10;
  /** Two GEMMs of n x d x k (scores, gradient), 2 flops per multiply-add. */
  static final int LOSS_FLOPS = 4 * N * D * K;

  RowBlock block;
  double[] x;
  double[] coef;
  double[] scores;
  double[] grad;
  Scaler scaler;
  double[] gathered;
  int[] gatheredLabels;
  GridStats stats;

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    float[] xf = new float[N * D];
    for (int i = 0; i < xf.length; i++) xf[i] = (float) rnd.nextGaussian();
    int[] y = new int[N];
    byte[][] buckets = new byte[5][N];
    for (int r = 0; r < N; r++) {
      y[r] = r % K;
      for (int s = 0; s < 5; s++) buckets[s][r] = (byte) rnd.nextInt(12);
    }
    block = new RowBlock(N, D, xf, y, new long[N], 0, buckets, null);
    x = new double[N * D];
    for (int i = 0; i < x.length; i++) x[i] = xf[i];
    coef = new double[K * D + K];
    for (int i = 0; i < coef.length; i++) coef[i] = 0.01 * rnd.nextGaussian();
    scores = new double[N * K];
    grad = new double[K * D];
    scaler = Scaler.identity(D);
    gathered = new double[N * D];
    gatheredLabels = new int[N];
    stats = new GridStats(5, K, 11, D, true);
  }

  /** linprobe's loss/gradient on a block: gather, widen and scale, 2 GEMMs, softmax. */
  @Benchmark
  @OperationsPerInvocation(LOSS_FLOPS)
  public SoftmaxAggregator lossGradientKernel() {
    SoftmaxAggregator acc = new SoftmaxAggregator(K, D);
    return acc.add(block.scaled(new linprobe.plan.SubsetId.All(), 0, 0, scaler, gathered,
        gatheredLabels, 0), coef, scores);
  }

  /** The same two GEMMs alone, on data already in double. */
  @Benchmark
  @OperationsPerInvocation(LOSS_FLOPS)
  public double[] plainGemm() {
    Blas.scores(x, N, D, coef, K, scores);
    Blas.addGradientTransposed(scores, N, K, x, 0, D, grad);
    return grad;
  }

  /**
   * Naive Bayes statistics of a block for 5 seeds and "all" (Welford updates, min, max); "ops"
   * here are rows. Each row costs about 7 flops per feature per (seed or "all") it updates.
   */
  @Benchmark
  @OperationsPerInvocation(N)
  public GridStats nbStatistics() {
    stats.add(block);
    return stats;
  }
}
