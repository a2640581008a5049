package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlasTest {
  @Test
  void onlyTheNativeBindingGoesWithoutAWarning() {
    assertEquals(Optional.empty(), Blas.nonNativeWarning("JNIBLAS"));
    for (String java : new String[] {"Java11BLAS", "VectorBLAS", "F2jBLAS"}) {
      String w = Blas.nonNativeWarning(java).orElseThrow();
      assertTrue(w.startsWith("no native BLAS in this JVM (netlib is using " + java + ")"), w);
      assertTrue(w.contains("apt-get install libopenblas0"), "names the fix: " + w);
      assertFalse(w.contains("\n"), "one line: " + w);
    }
  }
}
