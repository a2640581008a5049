package linprobe.math;

import dev.ludovic.netlib.blas.BLAS;

/**
 * BLAS through the netlib layer Spark itself uses (dev.ludovic.netlib): native OpenBLAS when the
 * system has it, a vectorised or plain Java implementation otherwise. Matrices here are row-major;
 * the calls below are written for Fortran's column-major convention, so a row-major n x d matrix
 * is passed as a column-major d x n one.
 */
public final class Blas {
  private static final BLAS BLAS_INSTANCE = BLAS.getInstance();

  private Blas() {}

  /** The implementation in use, e.g. "JNIBLAS" (native) or "VectorBLAS"/"F2jBLAS" (Java). */
  public static String implementation() {
    return BLAS_INSTANCE.getClass().getSimpleName();
  }

  /**
   * What to tell the user when the implementation in use is not native: empty for netlib's
   * native binding ("JNIBLAS": OpenBLAS, or any libblas.so.3), else one line that names the
   * problem and the fix. The Java implementations give the same numbers to rounding, but their
   * GEMMs run 4 to 13 times slower than OpenBLAS's and the fits 1.7-2.1x slower on the 10-class
   * tables measured (docs/operations.md#native-blas). In local mode this JVM runs every task; on
   * a cluster it is only the driver's, and the executors may differ.
   */
  public static java.util.Optional<String> nonNativeWarning(String implementation, boolean local) {
    if ("JNIBLAS".equals(implementation)) return java.util.Optional.empty();
    String where = local ? "in this JVM" : "in the driver's JVM";
    String fix = local ? "install OpenBLAS"
        : "if the executors lack it too, install OpenBLAS in their image";
    return java.util.Optional.of("no native BLAS " + where + " (netlib is using " + implementation
        + "): the logistic regressions run about 2x slower, more for wide models; " + fix
        + " (Debian, Ubuntu: apt-get install libopenblas0; see docs/operations.md#native-blas)");
  }

  /** scores (n x k) = x (n x p) * w^T, with w (k x p), all row-major. */
  public static void scores(double[] x, int n, int p, double[] w, int k, double[] scores) {
    scores(x, 0, n, p, w, k, scores);
  }

  /** As above, x's rows starting at x[xOff]. */
  public static void scores(double[] x, int xOff, int n, int p, double[] w, int k,
      double[] scores) {
    BLAS_INSTANCE.dgemm("T", "N", k, n, p, 1.0, w, 0, p, x, xOff, p, 0.0, scores, 0, k);
  }

  /**
   * gradT (p x k) += x^T (p x n) * diff (n x k), with x (n x p) and diff (n x k), all row-major:
   * the gradient of the scores' weights, transposed.
   */
  public static void addGradientTransposed(double[] diff, int n, int k, double[] x, int xOff,
      int p, double[] gradT) {
    BLAS_INSTANCE.dgemm("N", "T", k, p, n, 1.0, diff, 0, k, x, xOff, p, 1.0, gradT, 0, k);
  }

  /** float32 scores (n x k) = x (n x p) * w^T, as {@link #scores} (OpenBLAS's sgemm). */
  public static void scores(float[] x, int xOff, int n, int p, float[] w, int k, float[] scores) {
    BLAS_INSTANCE.sgemm("T", "N", k, n, p, 1.0f, w, 0, p, x, xOff, p, 0.0f, scores, 0, k);
  }

  /** float32 gradT (p x k) = x^T (p x n) * diff (n x k): overwritten, not added to. */
  public static void gradientTransposed(float[] diff, int n, int k, float[] x, int xOff, int p,
      float[] gradT) {
    BLAS_INSTANCE.sgemm("N", "T", k, p, n, 1.0f, diff, 0, k, x, xOff, p, 0.0f, gradT, 0, k);
  }
}
