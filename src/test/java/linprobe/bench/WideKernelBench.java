package linprobe.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import linprobe.math.Blas;
import linprobe.math.Scaler;
import linprobe.math.SoftmaxAggregator;
import linprobe.spark.EmbeddingSource;
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
 * {@link KernelBench}'s loss/gradient kernel and plain GEMM at the shape of the 1,000-class
 * workload (jobs/bench K1000): 512 rows, 768 dims, 1,000 classes, where the GEMMs are wide. "ops/s" are FLOP/s (2 n d k per GEMM).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WideKernelBench {
  /** Half a block: JMH counts operations in an int, and 4 n d k must stay below 2^31. */
  static final int N = EmbeddingSource.BLOCK_ROWS / 2;
  static final int D = 768;
  static final int K = 1000;
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

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    float[] xf = new float[N * D];
    for (int i = 0; i < xf.length; i++) xf[i] = (float) rnd.nextGaussian();
    int[] y = new int[N];
    for (int r = 0; r < N; r++) y[r] = r % K;
    block = new RowBlock(N, D, xf, y, new long[N], 0, new byte[1][N], null);
    x = new double[N * D];
    for (int i = 0; i < x.length; i++) x[i] = xf[i];
    coef = new double[K * D + K];
    for (int i = 0; i < coef.length; i++) coef[i] = 0.01 * rnd.nextGaussian();
    scores = new double[N * K];
    grad = new double[K * D];
    scaler = Scaler.identity(D);
    gathered = new double[N * D];
    gatheredLabels = new int[N];
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
}
