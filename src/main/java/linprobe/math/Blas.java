package linprobe.math;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * BLAS through the netlib layer Spark itself uses (dev.ludovic.netlib): native OpenBLAS when the
 * system has it, a vectorised or plain Java implementation otherwise. Matrices here are row-major;
 * the calls below are written for Fortran's column-major convention, so a row-major n x d matrix
 * is passed as a column-major d x n one.
 */
public final class Blas {
  /** What netlib loaded: native (JNIBLAS) when the system has a libblas.so.3, else Java. */
  private static final BLAS LOADED = BLAS.getInstance();
  private static final boolean NATIVE = LOADED instanceof NativeBLAS;
  /**
   * Whether the native GEMMs and dot product give the same bits for the same numbers wherever
   * they lie in memory. OpenBLAS's generic kernels do not: their sums start where the
   * addresses align (OpenBLAS 0.3.21 runs its 'Prescott' kernels on CPUs it does not know,
   * such as a 2023 Xeon, and its dot product there has two results for one input), so the
   * same run could give different tables.
   */
  private static final boolean GEMM_REPRODUCIBLE = !NATIVE || holds(() -> gemmReproducible(LOADED));
  private static final boolean DOT_REPRODUCIBLE = !NATIVE || holds(() -> dotReproducible(LOADED));
  /** The GEMMs' BLAS: the native one where it is reproducible, else netlib's Java BLAS. */
  private static final BLAS BLAS_INSTANCE = GEMM_REPRODUCIBLE ? LOADED : JavaBLAS.getInstance();

  private Blas() {}

  /** The implementation in use, e.g. "JNIBLAS" (native) or "VectorBLAS"/"F2jBLAS" (Java). */
  public static String implementation() {
    return BLAS_INSTANCE.getClass().getSimpleName();
  }

  /**
   * Whether L-BFGS's long dot products may use the native ddot, as Breeze does when native
   * BLAS is loaded: only where it is reproducible (else Breeze's Java loop, which is).
   */
  public static boolean nativeDot() {
    return NATIVE && DOT_REPRODUCIBLE;
  }

  /**
   * What to tell the user about the BLAS in use, if anything: the native one left for Java's
   * because its GEMMs are not reproducible here, or dot products kept in Java for the same
   * reason (the GEMMs native: no loss of speed, but OpenBLAS is on a generic kernel), or no
   * native BLAS ({@link #nonNativeWarning}).
   */
  public static java.util.Optional<String> warning(boolean local) {
    return warning(NATIVE, GEMM_REPRODUCIBLE, DOT_REPRODUCIBLE, implementation(), local);
  }

  static java.util.Optional<String> warning(boolean nativeLoaded, boolean gemmReproducible,
      boolean dotReproducible, String implementation, boolean local) {
    String where = local ? "in this JVM" : "in the driver's JVM";
    String fix = "set OPENBLAS_CORETYPE to this CPU's family (Haswell for AVX2, SkylakeX for "
        + "AVX-512; see docs/operations.md#reproducible-blas)";
    if (nativeLoaded && !gemmReproducible) {
      return java.util.Optional.of("the native BLAS " + where + " gives different sums for the "
          + "same numbers at different memory addresses (OpenBLAS on a generic kernel: it does "
          + "not know this CPU); linprobe uses Java's BLAS instead (" + implementation + "), "
          + "so that results stay reproducible, about 2x slower: " + fix);
    }
    if (nativeLoaded && !dotReproducible) {
      return java.util.Optional.of("the native BLAS " + where + " gives different dot products "
          + "for the same numbers at different memory addresses (OpenBLAS on a generic kernel: "
          + "it does not know this CPU, and its GEMMs may be slower than they could be); "
          + "linprobe computes its dot products in Java, so that results stay reproducible: "
          + fix);
    }
    return nonNativeWarning(implementation, local);
  }

  /**
   * What to tell the user when native BLAS may run several threads per call: OPENBLAS_NUM_THREADS
   * not 1 in this JVM's environment. Each Spark task has one core, so the threads compete for
   * it; and OpenBLAS splits long dot products (over 10,000) and wide GEMMs (measured: 1,000
   * classes of 768 dimensions) by thread, so their sums, and the fits, depend on the thread
   * count.
   */
  public static java.util.Optional<String> threadsWarning(boolean local) {
    return threadsWarning(NATIVE, System.getenv("OPENBLAS_NUM_THREADS"), local);
  }

  static java.util.Optional<String> threadsWarning(boolean nativeLoaded, String threads,
      boolean local) {
    if (!nativeLoaded || (threads != null && threads.strip().equals("1"))) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("OPENBLAS_NUM_THREADS is "
        + (threads == null ? "not set" : "'" + threads + "'") + " for the "
        + (local ? "" : "driver's ") + "native BLAS: OpenBLAS may run several threads in each "
        + "Spark task, which compete for its core, and the sums of wide models' products then "
        + "depend on the thread count: set OPENBLAS_NUM_THREADS=1 (jobs/linprobe does; on a "
        + "cluster in spark.executorEnv too; see docs/operations.md#reproducible-blas)");
  }

  /**
   * Whether blas's dot product gives one result for one input at every alignment of each of its
   * two vectors: each copied into one buffer at offsets 0 to 7 (the buffer's own address is
   * 8-byte aligned, so the offsets reach every place in a 64-byte vector register's width; a
   * fresh array per offset could land at the same alignment every time).
   */
  static boolean dotReproducible(BLAS blas) {
    // a few lengths and inputs: at one of them two orders of summation may happen to agree
    for (int n : new int[] {517, 1024, 1031, 4099}) {
      double[] bufA = new double[n + 8], bufB = new double[n + 8];
      for (long seed = 1; seed <= 3; seed++) {
        double[] a = probe(n, seed), b = probe(n, seed + 10);
        Long first = null;
        for (int oa = 0; oa < 8; oa++) {
          place(a, bufA, oa);
          for (int ob = 0; ob < 8; ob++) {
            place(b, bufB, ob);
            long bits = Double.doubleToRawLongBits(blas.ddot(n, bufA, oa, 1, bufB, ob, 1));
            if (first == null) first = bits;
            if (bits != first) return false;
          }
        }
      }
    }
    return true;
  }

  /** A probe's answer; false when it fails (the Java BLAS is then used: always reproducible). */
  private static boolean holds(java.util.function.BooleanSupplier probe) {
    try {
      return probe.getAsBoolean();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * Whether blas's GEMMs, in double and float32, both of the ways this class calls them, give
   * the same bits at every alignment (offsets 0 to 3) of their two inputs.
   */
  static boolean gemmReproducible(BLAS blas) {
    int k = 10, n = 37, p = 301;
    double[] w = probe(k * p, 3), x = probe(n * p, 4), diff = probe(n * k, 5);
    float[] wf = floats(w), xf = floats(x), difff = floats(diff);
    double[] wb = new double[w.length + 4], xb = new double[x.length + 4];
    double[] db = new double[diff.length + 4];
    float[] wq = new float[w.length + 4], xq = new float[x.length + 4];
    float[] dq = new float[diff.length + 4];
    double[] s0 = null, g0 = null;
    float[] sf0 = null, gf0 = null;
    for (int ow = 0; ow < 4; ow++) {
      place(w, wb, ow);
      place(diff, db, ow);
      place(wf, wq, ow);
      place(difff, dq, ow);
      for (int ox = 0; ox < 4; ox++) {
        place(x, xb, ox);
        place(xf, xq, ox);
        double[] s = new double[k * n], g = new double[p * k];
        blas.dgemm("T", "N", k, n, p, 1.0, wb, ow, p, xb, ox, p, 0.0, s, 0, k);
        blas.dgemm("N", "T", k, p, n, 1.0, db, ow, k, xb, ox, p, 0.0, g, 0, k);
        float[] sf = new float[k * n], gf = new float[p * k];
        blas.sgemm("T", "N", k, n, p, 1.0f, wq, ow, p, xq, ox, p, 0.0f, sf, 0, k);
        blas.sgemm("N", "T", k, p, n, 1.0f, dq, ow, k, xq, ox, p, 0.0f, gf, 0, k);
        if (s0 == null) {
          s0 = s;
          g0 = g;
          sf0 = sf;
          gf0 = gf;
        } else if (!java.util.Arrays.equals(s0, s) || !java.util.Arrays.equals(g0, g)
            || !java.util.Arrays.equals(sf0, sf) || !java.util.Arrays.equals(gf0, gf)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * n standard normal values, fixed by seed: products of one scale, so that the order of their
   * sum shows in its last bits (values of very different magnitudes would let a few products
   * decide the sum; on OpenBLAS's Prescott kernel they showed the alignment in 3 of the 12
   * probes' inputs, normal values in 10).
   */
  private static double[] probe(int n, long seed) {
    java.util.Random rnd = new java.util.Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = rnd.nextGaussian();
    return v;
  }

  private static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
    return f;
  }

  /** v copied into buf from index off, the rest of buf zero. */
  private static void place(double[] v, double[] buf, int off) {
    java.util.Arrays.fill(buf, 0);
    System.arraycopy(v, 0, buf, off, v.length);
  }

  private static void place(float[] v, float[] buf, int off) {
    java.util.Arrays.fill(buf, 0);
    System.arraycopy(v, 0, buf, off, v.length);
  }

  /**
   * What to tell the user when the implementation in use is not native: empty for netlib's
   * native binding ("JNIBLAS": OpenBLAS, or any libblas.so.3), else one line that names the
   * problem and the fix. The Java implementations give the same numbers to rounding, but their
   * GEMMs run 4 to 13 times slower than OpenBLAS's and the fits 1.7-2.1x slower on the 10-class
   * tables measured (docs/operations.md#native-blas). In local mode this JVM runs every task; on
   * a cluster it is only the driver's, and the executors may differ.
   */
  static java.util.Optional<String> nonNativeWarning(String implementation, boolean local) {
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
