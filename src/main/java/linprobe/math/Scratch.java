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

  private Scratch() {}

  /**
   * At least n doubles, with arbitrary contents, owned by the calling thread until its next
   * call; callers must not hold on to the buffer across a call that may use it again.
   */
  public static double[] doubles(long n) {
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("scratch of " + n + " doubles exceeds a Java array");
    }
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
}
