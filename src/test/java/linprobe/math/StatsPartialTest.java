package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatsPartialTest {
  static void assertSameBits(GaussianStats a, GaussianStats b) {
    assertEquals(a.count(), b.count());
    // assertArrayEquals on double[] compares bits (Double.equals), not within a tolerance
    assertArrayEquals(a.mean(), b.mean());
    assertArrayEquals(a.m2(), b.m2());
    assertArrayEquals(a.min(), b.min());
    assertArrayEquals(a.max(), b.max());
  }

  @Test
  void rowsKeptOrNotTheStatisticsAreThoseOfWelfordOnTheRows() throws Exception {
    Random rnd = new Random(3);
    int d = 9;
    float[] x = new float[20 * d];
    for (int i = 0; i < x.length; i++) x[i] = (float) (1e4 + rnd.nextGaussian());
    int previousSize = 0;
    for (int n = 1; n <= 20; n++) {
      StatsPartial p = new StatsPartial(d);
      GaussianStats direct = new GaussianStats(d);
      for (int r = 0; r < n; r++) {
        p.add(x, r * d);
        direct.add(x, r * d);
      }
      assertEquals(n <= StatsPartial.KEPT_ROWS, p.holdsRows(), "rows kept up to KEPT_ROWS");
      assertSameBits(direct, p.stats());
      // and after a trip through serialization (a shuffle)
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(p);
      }
      StatsPartial back;
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        back = (StatsPartial) in.readObject();
      }
      assertSameBits(direct, back.stats());
      // a partial of a few rows is smaller than statistics (4 x dim doubles), and each kept row
      // adds exactly its own 4 x dim bytes (no room kept for more rows is sent)
      if (n <= StatsPartial.KEPT_ROWS) assertTrue(bytes.size() < 100 + n * 4 * d + 4 * 8 * d);
      if (n >= 2 && n <= StatsPartial.KEPT_ROWS) assertEquals(4 * d, bytes.size() - previousSize);
      previousSize = bytes.size();
      // the partial received goes on taking rows: the same bits as Welford on all of them
      GaussianStats all = direct.copy();
      for (int r = n; r < 20; r++) {
        back.add(x, r * d);
        all.add(x, r * d);
      }
      assertSameBits(all, back.stats());
    }
  }

  @Test
  void statisticsHeldAreNotChangedByAMergeIntoOthers() {
    int d = 3;
    StatsPartial p = new StatsPartial(d);
    float[] row = {1, 2, 3};
    for (int r = 0; r < 10; r++) p.add(row, 0);
    assertFalse(p.holdsRows());
    GaussianStats acc = new GaussianStats(d).merge(p.stats()).merge(p.stats());
    assertEquals(20, acc.count());
    assertEquals(10, p.stats().count());
  }
}
