package linprobe.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import linprobe.math.FoldSums;
import linprobe.math.LocalFoldRows;
import linprobe.math.LocalRows;
import linprobe.math.LogisticRegression;
import linprobe.math.Preconditioner;
import linprobe.math.ScaledRows;
import linprobe.math.Scaler;
import org.junit.jupiter.api.Test;

/** The k fold fits run together are the k fits run alone, bit for bit. */
class FoldFitsTest {
  static final int D = 7;
  static final int K = 3;
  static final int FOLDS = 5;

  /** Two partitions of three blocks of 40 rows, each block's rows laid out fold by fold. */
  static List<List<ScaledRows[]>> layout(Scaler scaler) {
    return layout(scaler, false);
  }

  /** As above, the rows scaled to float32 when float32 is set. */
  static List<List<ScaledRows[]>> layout(Scaler scaler, boolean float32) {
    Random rnd = new Random(11);
    List<List<ScaledRows[]>> parts = new ArrayList<>();
    double[] x = float32 ? null : new double[2 * 3 * 40 * D];
    float[] xf = float32 ? new float[2 * 3 * 40 * D] : null;
    int[] labels = new int[2 * 3 * 40];
    int at = 0;
    for (int p = 0; p < 2; p++) {
      List<ScaledRows[]> blocks = new ArrayList<>();
      for (int b = 0; b < 3; b++) {
        float[] rows = new float[40 * D];
        int[] y = new int[40];
        int[] fold = new int[40];
        for (int r = 0; r < 40; r++) {
          y[r] = rnd.nextInt(K);
          fold[r] = rnd.nextInt(FOLDS);
          for (int j = 0; j < D; j++) rows[r * D + j] = (float) (rnd.nextGaussian() + y[r] * (j % 3));
        }
        ScaledRows[] perFold = new ScaledRows[FOLDS];
        for (int g = 0; g < FOLDS; g++) {
          int gg = g;
          perFold[g] = ScaledRows.scale(rows, 40, D, r -> fold[r] == gg, scaler, y, x, xf,
              labels, at);
          at += perFold[g].n();
        }
        blocks.add(perFold);
      }
      parts.add(blocks);
    }
    return parts;
  }

  /** Fold f's complement, as a fit of model f alone sees it. */
  static LocalRows without(List<List<ScaledRows[]>> layout, int f) {
    List<List<ScaledRows>> parts = new ArrayList<>();
    for (List<ScaledRows[]> part : layout) {
      List<ScaledRows> p = new ArrayList<>();
      for (ScaledRows[] perFold : part) {
        for (int g = 0; g < perFold.length; g++) if (g != f && perFold[g].n() > 0) p.add(perFold[g]);
      }
      parts.add(p);
    }
    return new LocalRows(parts, K, D);
  }

  static long rows(List<List<ScaledRows[]>> layout, int f) {
    long n = 0;
    for (List<ScaledRows[]> part : layout) {
      for (ScaledRows[] perFold : part) for (int g = 0; g < FOLDS; g++) if (g != f) n += perFold[g].n();
    }
    return n;
  }

  @Test
  void togetherEqualsAloneBitForBitWithStartsAndAPreconditioner() {
    Scaler scaler = Scaler.identity(D);
    List<List<ScaledRows[]>> layout = layout(scaler);
    Random rnd = new Random(3);
    FoldFits.Fold[] folds = new FoldFits.Fold[FOLDS];
    for (int f = 0; f < FOLDS; f++) {
      double[] start = null;
      if (f % 2 == 1) { // some warm, some cold: the fits finish at different rounds
        start = new double[K * D + K];
        for (int i = 0; i < start.length; i++) start[i] = 0.1 * rnd.nextGaussian();
      }
      folds[f] = new FoldFits.Fold(rows(layout, f), start, null, false);
    }
    ScaledRows first = layout.get(0).get(0)[0];
    Preconditioner real = Preconditioner.ofRows(first.x(), 120, D);
    for (Preconditioner pre : new Preconditioner[] {null, real}) {
      for (double c : new double[] {0.01, 1, 100}) {
        LogisticRegression.Result[] together = FoldFits.fit(new LocalFoldRows(layout, K, D),
            false, folds, K, D, c, 200, 1e-8, scaler, pre);
        java.util.Set<Integer> iterations = new java.util.HashSet<>();
        for (int f = 0; f < FOLDS; f++) {
          LogisticRegression.Result alone = LogisticRegression.fit(without(layout, f), K, D,
              folds[f].rows(), c, 200, 1e-8, scaler, folds[f].start(), pre);
          assertArrayEquals(alone.lbfgs().x(), together[f].lbfgs().x(), "fold " + f + " C " + c);
          assertEquals(alone.lbfgs().iterations(), together[f].lbfgs().iterations());
          assertEquals(alone.lbfgs().evaluations(), together[f].lbfgs().evaluations());
          iterations.add(alone.lbfgs().evaluations());
        }
        assertTrue(iterations.size() > 1, "the fits end at different rounds: " + iterations);
      }
    }
  }

  /**
   * In float32 (--lr-gemm float32 or auto's wider models: the fold fits follow the fits), too:
   * each fit together is foldFit alone over float32 rows, which moves off the double fit.
   */
  @Test
  void float32FitsTogetherEqualFloat32FitsAloneBitForBit() {
    Scaler scaler = Scaler.identity(D);
    List<List<ScaledRows[]>> f32 = layout(scaler, true), f64 = layout(scaler, false);
    FoldFits.Fold[] folds = new FoldFits.Fold[FOLDS];
    for (int f = 0; f < FOLDS; f++) folds[f] = new FoldFits.Fold(rows(f32, f), null, null, true);
    int moved = 0;
    for (double c : new double[] {0.01, 1, 100}) {
      LogisticRegression.Result[] together = FoldFits.fit(new LocalFoldRows(f32, K, D), true,
          folds, K, D, c, 200, 1e-4, scaler, null);
      for (int f = 0; f < FOLDS; f++) {
        LogisticRegression.Result alone = LogisticRegression.foldFit(without(f32, f), true, K,
            D, folds[f].rows(), c, 200, 1e-4, scaler, null, null, null, true);
        assertArrayEquals(alone.lbfgs().x(), together[f].lbfgs().x(), "fold " + f + " C " + c);
        assertEquals(alone.lbfgs().evaluations(), together[f].lbfgs().evaluations());
        assertTrue(together[f].lbfgs().curvature() != null, "the pairs kept for the next C");
        LogisticRegression.Result exact = LogisticRegression.foldFit(without(f64, f), false, K,
            D, folds[f].rows(), c, 200, 1e-4, scaler, null, null, null, false);
        double[] a = together[f].lbfgs().x(), b = exact.lbfgs().x();
        if (!java.util.Arrays.equals(a, b)) moved++;
        for (int i = 0; i < a.length; i++) {
          assertEquals(b[i], a[i], 1e-2 * (1 + Math.abs(b[i])), "fold " + f + " C " + c);
        }
      }
    }
    assertTrue(moved > 0, "the float32 rows and GEMMs were used");
  }

  @Test
  void theDefaultFoldTermsOfAnySubsetRowsAreTheSameSums() {
    for (boolean float32 : new boolean[] {false, true}) {
      Scaler scaler = Scaler.identity(D);
      List<List<ScaledRows[]>> layout = layout(scaler, float32);
      double[][] coefs = new double[FOLDS][];
      Random rnd = new Random(4);
      for (int f = 0; f < FOLDS; f += 2) {
        coefs[f] = new double[K * D + K];
        for (int i = 0; i < coefs[f].length; i++) coefs[f][i] = rnd.nextGaussian();
      }
      FoldSums batched = new LocalFoldRows(layout, K, D).sums(coefs);
      for (int f = 0; f < FOLDS; f++) {
        if (coefs[f] == null) continue;
        var alone = without(layout, f).sums(coefs[f]);
        assertEquals(alone.lossSum(), batched.get(f).lossSum(), 0);
        assertArrayEquals(alone.gradSum(), batched.get(f).gradSum(), 0);
      }
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aFailingRoundEndsEveryFitWithTheFailureAndNoThreadIsLeftWaiting() throws Exception {
    Scaler scaler = Scaler.identity(D);
    List<List<ScaledRows[]>> layout = layout(scaler);
    LocalFoldRows rows = new LocalFoldRows(layout, K, D);
    AtomicInteger rounds = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("executor lost");
    FoldSums.Terms failing = atRound(rows, rounds, 4, () -> {
      throw boom;
    });
    FoldFits.Fold[] folds = coldFolds(layout);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> FoldFits.fit(failing, false, folds, K, D, 1, 200, 1e-8, scaler, null));
    assertSame(boom, e);
    assertEquals(4, rounds.get(), "no round after the failure");
    // the fits' threads are pooled: each is back in the pool, none still in a fit or a round
    Thread.sleep(100);
    for (var t : Thread.getAllStackTraces().entrySet()) {
      if (!t.getKey().getName().startsWith("linprobe-fold-")) continue;
      for (StackTraceElement frame : t.getValue()) {
        assertFalse(frame.getClassName().startsWith(FoldFits.class.getName())
            || frame.getClassName().equals(LogisticRegression.class.getName()),
            t.getKey().getName() + " still at " + frame);
      }
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void anInterruptedCallerEndsTheFitsAndKeepsItsInterrupt() throws Exception {
    // a killed Spark task interrupts its thread, the one that sums the rounds
    Scaler scaler = Scaler.identity(D);
    List<List<ScaledRows[]>> layout = layout(scaler);
    LocalFoldRows rows = new LocalFoldRows(layout, K, D);
    AtomicInteger rounds = new AtomicInteger();
    FoldSums.Terms killed = atRound(rows, rounds, 3, () -> Thread.currentThread().interrupt());
    FoldFits.Fold[] folds = coldFolds(layout);
    assertInterrupted(killed, folds, scaler);
    assertEquals(3, rounds.get(), "no round after the interrupt");
    // a Spark job interrupted under the caller throws InterruptedException (undeclared), which
    // clears the thread's interrupt: it is restored and reported all the same
    rounds.set(0);
    FoldSums.Terms jobInterrupted = atRound(rows, rounds, 2,
        () -> sneaky(new InterruptedException("job interrupted")));
    assertInterrupted(jobInterrupted, folds, scaler);
    assertEquals(2, rounds.get(), "no round after the interrupt");
  }

  /** rows' sums, with what run first in round n (rounds counts them). */
  private static FoldSums.Terms atRound(LocalFoldRows rows, AtomicInteger rounds, int n,
      Runnable what) {
    return coefs -> {
      if (rounds.incrementAndGet() == n) what.run();
      return rows.sums(coefs);
    };
  }

  /** Every fold fit from no start, without its curvature kept. */
  private static FoldFits.Fold[] coldFolds(List<List<ScaledRows[]>> layout) {
    FoldFits.Fold[] folds = new FoldFits.Fold[FOLDS];
    for (int f = 0; f < FOLDS; f++) {
      folds[f] = new FoldFits.Fold(rows(layout, f), null, null, false);
    }
    return folds;
  }

  /** The fits end with "interrupted" and the caller's interrupt set (then cleared here). */
  private static void assertInterrupted(FoldSums.Terms terms, FoldFits.Fold[] folds,
      Scaler scaler) {
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> FoldFits.fit(terms, false, folds, K, D, 1, 200, 1e-8, scaler, null));
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt is set");
    } finally {
      Thread.interrupted();
    }
  }

  /** Spark's job failures are checked exceptions thrown undeclared: caught all the same. */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aCheckedExceptionFromARoundAfterAFitHasLeftEndsTheOthers() {
    Scaler scaler = Scaler.identity(D);
    List<List<ScaledRows[]>> layout = layout(scaler);
    LocalFoldRows rows = new LocalFoldRows(layout, K, D);
    Exception aborted = new Exception("Job aborted due to stage failure");
    FoldSums.Terms failing = coefs -> {
      int asking = 0;
      for (double[] c : coefs) if (c != null) asking++;
      if (asking < FOLDS) sneaky(aborted); // the first round after a fit has finished
      return rows.sums(coefs);
    };
    FoldFits.Fold[] folds = new FoldFits.Fold[FOLDS];
    Random rnd = new Random(3);
    for (int f = 0; f < FOLDS; f++) {
      double[] start = null;
      if (f % 2 == 1) {
        start = new double[K * D + K];
        for (int i = 0; i < start.length; i++) start[i] = 0.1 * rnd.nextGaussian();
      }
      folds[f] = new FoldFits.Fold(rows(layout, f), start, null, false);
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> FoldFits.fit(failing, false, folds, K, D, 1, 200, 1e-8, scaler, null));
    assertSame(aborted, e.getCause());
  }

  @SuppressWarnings("unchecked")
  static <T extends Throwable> void sneaky(Throwable t) throws T {
    throw (T) t;
  }

  @Test
  void foldsRunTogetherUnlessTheirOptimizersStateIsLarge() {
    assertTrue(FoldFits.together(5, 10, 768, 10));
    assertFalse(FoldFits.together(5, 1000, 2048, 10));
  }
}
