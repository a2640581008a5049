package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlasTest {
  /**
   * Java's BLAS, but as an alignment-sensitive kernel behaves: its dot product sums the
   * elements before an 'aligned' index apart when the two offsets differ in parity, and its
   * GEMMs' first result moves by one ulp at odd offsets of one input.
   */
  static BLAS alignmentSensitive(boolean dot, boolean gemm) {
    BLAS java = JavaBLAS.getInstance();
    return (BLAS) Proxy.newProxyInstance(BLAS.class.getClassLoader(), new Class<?>[] {BLAS.class},
        (proxy, m, a) -> {
          Object r;
          try {
            r = m.invoke(java, a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (dot && m.getName().equals("ddot") && a.length == 7
              && ((int) a[2] + (int) a[5]) % 2 == 1) {
            int n = (int) a[0], ox = (int) a[2], oy = (int) a[5];
            double[] x = (double[]) a[1], y = (double[]) a[4];
            double head = 0, rest = 0;
            for (int i = 0; i < 3; i++) head += x[ox + i] * y[oy + i];
            for (int i = 3; i < n; i++) rest += x[ox + i] * y[oy + i];
            return rest + head;
          }
          if (gemm && m.getName().endsWith("gemm") && a.length == 16 && (int) a[10] % 2 == 1) {
            if (a[13] instanceof double[] c) c[(int) a[14]] = Math.nextUp(c[(int) a[14]]);
            if (a[13] instanceof float[] c) c[(int) a[14]] = Math.nextUp(c[(int) a[14]]);
          }
          return r;
        });
  }

  @Test
  void theProbesTellAReproducibleBlasFromAnAlignmentSensitiveOne() {
    BLAS java = JavaBLAS.getInstance();
    assertTrue(Blas.dotReproducible(java));
    assertTrue(Blas.gemmReproducible(java));
    assertFalse(Blas.dotReproducible(alignmentSensitive(true, false)));
    assertTrue(Blas.gemmReproducible(alignmentSensitive(true, false)));
    assertTrue(Blas.dotReproducible(alignmentSensitive(false, true)));
    assertFalse(Blas.gemmReproducible(alignmentSensitive(false, true)));
  }

  @Test
  void nativeBlasOnMoreThanOneThreadIsSaid() {
    assertEquals(Optional.empty(), Blas.threadsWarning(true, "1", true));
    assertEquals(Optional.empty(), Blas.threadsWarning(false, null, true), "Java's BLAS");
    for (String threads : new String[] {null, "2", ""}) {
      String w = Blas.threadsWarning(true, threads, false).orElseThrow();
      assertTrue(w.startsWith("OPENBLAS_NUM_THREADS is " + (threads == null ? "not set"
          : "'" + threads + "'") + " for the driver's native BLAS"), w);
      assertTrue(w.contains("set OPENBLAS_NUM_THREADS=1"), "names the fix: " + w);
      assertFalse(w.contains("\n"), w);
    }
  }

  @Test
  void anUnreproducibleNativeBlasIsSaidAndNamesTheFix() {
    String gemm = Blas.warning(true, false, false, "VectorBLAS", true).orElseThrow();
    assertTrue(gemm.startsWith("the native BLAS in this JVM gives different sums for the same "
        + "numbers at different memory addresses"), gemm);
    assertTrue(gemm.contains("linprobe uses Java's BLAS instead (VectorBLAS)"), gemm);
    String dot = Blas.warning(true, true, false, "JNIBLAS", false).orElseThrow();
    assertTrue(dot.startsWith("the native BLAS in the driver's JVM gives different dot products"),
        dot);
    assertTrue(dot.contains("linprobe computes its dot products in Java"), dot);
    for (String w : new String[] {gemm, dot}) {
      assertTrue(w.contains("set OPENBLAS_CORETYPE"), "names the fix: " + w);
      assertFalse(w.contains("\n"), "one line: " + w);
    }
    assertEquals(Optional.empty(), Blas.warning(true, true, true, "JNIBLAS", true));
    assertTrue(Blas.warning(false, true, true, "VectorBLAS", true).orElseThrow()
        .startsWith("no native BLAS in this JVM"));
  }

  @Test
  void onlyTheNativeBindingGoesWithoutAWarning() {
    assertEquals(Optional.empty(), Blas.nonNativeWarning("JNIBLAS", true));
    assertEquals(Optional.empty(), Blas.nonNativeWarning("JNIBLAS", false));
    for (String java : new String[] {"Java11BLAS", "VectorBLAS", "F2jBLAS"}) {
      String w = Blas.nonNativeWarning(java, true).orElseThrow();
      assertTrue(w.startsWith("no native BLAS in this JVM (netlib is using " + java + ")"), w);
      assertTrue(w.contains("apt-get install libopenblas0"), "names the fix: " + w);
      assertFalse(w.contains("\n"), "one line: " + w);
      // on a cluster only the driver is known: the executors may have what it lacks
      String c = Blas.nonNativeWarning(java, false).orElseThrow();
      assertTrue(c.startsWith("no native BLAS in the driver's JVM"), c);
      assertTrue(c.contains("if the executors lack it too, install OpenBLAS in their image"), c);
      assertFalse(c.contains("\n"), "one line: " + c);
    }
  }
}
