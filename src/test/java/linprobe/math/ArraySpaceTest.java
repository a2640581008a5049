package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import breeze.linalg.DenseVector;
import breeze.linalg.DenseVector$;
import breeze.math.MutableFiniteCoordinateField;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The arrays L-BFGS runs on do Breeze's DenseVector[Double] arithmetic to the bit, and a fit
 * never initializes Breeze's operator objects (the reason the arrays exist).
 */
class ArraySpaceTest {

  /** Every path of Breeze's dot product: short, unrolled, and native BLAS where it is loaded. */
  private static final int[] LENGTHS = {0, 1, 2, 3, 5, 7, 8, 9, 15, 64, 300, 301, 650, 2570};

  @SuppressWarnings("unchecked")
  private static final MutableFiniteCoordinateField<DenseVector<Object>, Object, Object> BREEZE =
      (MutableFiniteCoordinateField<DenseVector<Object>, Object, Object>) (Object)
          DenseVector$.MODULE$.space_Double();

  private static double[] random(Random rnd, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = rnd.nextGaussian() * Math.exp(3 * rnd.nextGaussian());
    return v;
  }

  private static DenseVector<Object> dv(double[] v) {
    return new breeze.linalg.DenseVector$mcD$sp(v.clone()); // what Breeze makes of an array
  }

  private static double[] data(DenseVector<Object> v) {
    return (double[]) v.data();
  }

  @Test
  void eachOperationGivesBreezesBits() {
    Random rnd = new Random(5);
    for (int n : LENGTHS) {
      for (int trial = 0; trial < 5; trial++) {
        double[] a = random(rnd, n);
        double[] b = random(rnd, n);
        double s = rnd.nextGaussian();
        String at = "length " + n + ", trial " + trial;
        // Breeze's, except where it would take a native dot product that is not reproducible
        // here: then its Java loop, which Breeze takes without native BLAS
        double expected = n > 300 && !Blas.nativeDot()
            ? breeze.linalg.operators.DenseVectorSupportMethods.dotProduct_Double(a, 0, b, 0, n)
            : (double) BREEZE.dotVV().apply(dv(a), dv(b));
        assertEquals(expected, ArraySpace.dot(a, b), at);
        assertEquals((double) BREEZE.normImpl().apply(dv(a)), ArraySpace.norm2(a), at);

        DenseVector<Object> y = dv(b);
        BREEZE.scaleAddVV().apply(y, s, dv(a));
        double[] ours = b.clone();
        ArraySpace.axpy(s, a, ours);
        assertArrayEquals(data(y), ours, at);

        DenseVector<Object> z = dv(a);
        BREEZE.mulIntoVS().apply(z, s);
        double[] scaled = a.clone();
        ArraySpace.scale(scaled, s);
        assertArrayEquals(data(z), scaled, at);

        assertArrayEquals(data(BREEZE.subVV().apply(dv(a), dv(b))),
            ArraySpace.subVV().apply(a, b), at);
        assertArrayEquals(data(BREEZE.addVV().apply(dv(a), dv(b))),
            ArraySpace.addVV().apply(a, b), at);
        assertArrayEquals(data(BREEZE.mulVS().apply(dv(a), s)),
            ArraySpace.mulVS().apply(a, s), at);
        DenseVector<Object> set = dv(a);
        BREEZE.setIntoVV().apply(set, dv(b));
        double[] into = a.clone();
        ArraySpace.setIntoVV().apply(into, b);
        assertArrayEquals(data(set), into, at);
        assertArrayEquals(data(BREEZE.copy().apply(dv(a))), ArraySpace.copy().apply(a), at);
        assertArrayEquals(data(BREEZE.zeroLike().apply(dv(a))), ArraySpace.zeroLike().apply(a),
            at);
      }
    }
  }

  @Test
  void axpyOfAVectorOntoItselfReadsTheOldValues() {
    // Breeze copies x first when it overlaps y: y = y + y * a, not a running update
    double[] v = {1, 2, 3};
    ArraySpace.axpy(2, v, v);
    assertArrayEquals(new double[] {3, 6, 9}, v);
  }

  /** A fit, in a JVM of its own: what the class-loading test runs. */
  public static final class Fit {
    public static void main(String[] args) {
      Random rnd = new Random(1);
      int n = 60, d = 4, k = 3;
      float[] x = new float[n * d];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = i % k;
        for (int j = 0; j < d; j++) x[i * d + j] = (float) (rnd.nextGaussian() + y[i] * (j + 1));
      }
      LbfgsResult r = BreezeLbfgs.minimize(LogisticObjective.of(
              LocalRows.of(x, y, n, k, Scaler.identity(d)), k, d, 1.0, n),
          new double[k * d + k], 1000, 10, 1e-8, null, 0, false, Double.NaN, false);
      System.out.println("converged=" + r.converged() + " iterations=" + r.iterations());
    }
  }

  @Test
  void aFitLeavesBreezesOperatorObjectsUnloaded() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java";
    Path log = Files.createTempFile("linprobe-classes", ".log");
    Process p = new ProcessBuilder(List.of(java, "-Xlog:class+load=info",
        "-cp", System.getProperty("java.class.path"), Fit.class.getName()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(120, TimeUnit.SECONDS);
    if (!ended) p.destroyForcibly();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    assertTrue(ended, "the fit's JVM did not end within 2 minutes");
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("converged=true"), out);
    assertTrue(out.contains("breeze.optimize.LBFGS "), "Breeze's L-BFGS ran");
    assertFalse(out.contains("breeze.linalg.operators.HasOps$ "),
        "a DenseVector (or an operator on one) initialized Breeze's operators");
    long breeze = out.lines().filter(l -> l.contains(" breeze.")).count();
    assertTrue(breeze < 150, breeze + " of Breeze's classes loaded");
  }
}
