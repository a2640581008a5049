package linprobe.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import linprobe.math.LocalRows;
import linprobe.math.Scaler;
import linprobe.math.SoftmaxAggregator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One loss and gradient evaluation of a logistic regression over 8,192 scaled rows, with double
 * GEMMs and with float32 GEMMs (what --lr-gemm chooses between), at the shapes of 10-class
 * models: the bundled digits (64 features), the small table (256) and workload A (768), and
 * 100 classes x 2,048 (workload B). "ops/s" are evaluations per second; GFLOP/s = ops/s x 4 x
 * rows x dim x classes / 1e9.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PrecisionBench {
  static final int N = 8_192;

  /** classes x features. */
  @Param({"10x64", "10x128", "10x256", "10x768", "100x2048"})
  public String shape;

  LocalRows doubleRows;
  LocalRows float32Rows;
  double[] coef;

  @Setup
  public void setup() {
    int k = Integer.parseInt(shape.substring(0, shape.indexOf('x')));
    int d = Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
    Random rnd = new Random(1);
    float[] x = new float[N * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
    int[] y = new int[N];
    for (int r = 0; r < N; r++) y[r] = r % k;
    Scaler scaler = Scaler.identity(d);
    doubleRows = LocalRows.of(x, y, N, k, scaler);
    float32Rows = LocalRows.float32(x, y, N, k, scaler);
    coef = new double[k * d + k];
    for (int i = 0; i < coef.length; i++) coef[i] = 0.01 * rnd.nextGaussian();
  }

  @Benchmark
  public SoftmaxAggregator doubleGemms() {
    return doubleRows.sums(coef);
  }

  @Benchmark
  public SoftmaxAggregator float32Gemms() {
    return float32Rows.sums(coef);
  }
}
