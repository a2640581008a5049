package linprobe.math;

import java.lang.ref.SoftReference;

/**
 * A double buffer per thread, reused by the next caller on the same thread: Spark runs the
 * tasks of an executor on pooled threads, so the logistic-regression fits of consecutive tasks
 * share one buffer instead of each allocating hundreds of megabytes for the GC to copy and free.
 * Held softly: the JVM may reclaim it when memory runs short.
 */
public final class Scratch {
  private static final ThreadLocal<SoftReference<double[]>> DOUBLES = new ThreadLocal<>();
  private static final ThreadLocal<SoftReference<float[]>> FLOATS = new ThreadLocal<>();

  private Scratch() {}

  /**
   * At least n doubles, with arbitrary contents, owned by the calling thread until its next
   * call; callers must not hold on to the buffer across a call that may use it again.
   */
  public static double[] doubles(long n) {
    check(n);
    SoftReference<double[]> ref = DOUBLES.get();
    double[] a = ref == null ? null : ref.get();
    if (a == null || a.length < n) {
      a = null; // let the old one go before allocating the new one
      DOUBLES.remove();
      a = new double[(int) n];
      DOUBLES.set(new SoftReference<>(a));
    }
    return a;
  }

  /** At least n floats, as {@link #doubles} (a buffer of its own). */
  public static float[] floats(long n) {
    check(n);
    SoftReference<float[]> ref = FLOATS.get();
    float[] a = ref == null ? null : ref.get();
    if (a == null || a.length < n) {
      a = null;
      FLOATS.remove();
      a = new float[(int) n];
      FLOATS.set(new SoftReference<>(a));
    }
    return a;
  }

  private static void check(long n) {
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("scratch of " + n + " values exceeds a Java array");
    }
  }
}
