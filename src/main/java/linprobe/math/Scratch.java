package linprobe.math;

import java.lang.ref.SoftReference;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * A double buffer and two float buffers per thread, reused by the next caller on the same thread:
 * Spark runs the tasks of an executor on pooled threads, so the logistic-regression fits of
 * consecutive tasks share one buffer instead of each allocating hundreds of megabytes for the GC
 * to copy and free. Held softly: the JVM may reclaim them when memory runs short.
 */
public final class Scratch {
  private static final ThreadLocal<SoftReference<double[]>> DOUBLES = new ThreadLocal<>();
  private static final ThreadLocal<SoftReference<float[]>> FLOATS = new ThreadLocal<>();
  private static final ThreadLocal<SoftReference<float[]>> ROWS = new ThreadLocal<>();

  private Scratch() {}

  /**
   * At least n doubles, with arbitrary contents, owned by the calling thread until its next
   * call; callers must not hold on to the buffer across a call that may use it again.
   */
  public static double[] doubles(long n) {
    return reuse(DOUBLES, n, a -> a.length, double[]::new);
  }

  /** At least n floats, as {@link #doubles} (a buffer of its own). */
  public static float[] floats(long n) {
    return reuse(FLOATS, n, a -> a.length, float[]::new);
  }

  /**
   * At least n floats for a task's unscaled rows, as {@link #doubles} (a buffer of its own,
   * apart from {@link #floats}', which holds the same rows scaled).
   */
  public static float[] rows(long n) {
    return reuse(ROWS, n, a -> a.length, float[]::new);
  }

  private static <A> A reuse(ThreadLocal<SoftReference<A>> held, long n, ToIntFunction<A> length,
      IntFunction<A> allocate) {
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("scratch of " + n + " values exceeds a Java array");
    }
    SoftReference<A> ref = held.get();
    A a = ref == null ? null : ref.get();
    if (a == null || length.applyAsInt(a) < n) {
      a = null; // let the old one go before allocating the new one
      held.remove();
      a = allocate.apply((int) n);
      held.set(new SoftReference<>(a));
    }
    return a;
  }
}
