package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlasTest {
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
