package linprobe.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import linprobe.math.Curvature;
import org.junit.jupiter.api.Test;

class CPathTest {
  private static Curvature pairs(int n) {
    return new Curvature(1, new double[][] {new double[n]}, new double[][] {new double[n]});
  }

  @Test
  void theFirstFitStartsFromTheInitialPointWithoutPairs() {
    double[] initial = {1, 2};
    CPath path = new CPath(9, initial, 16);
    assertSame(initial, path.start(4, 0));
    assertNull(path.curvature(4, 0));
    assertNull(new CPath(9, null, 16).start(4, 0));
  }

  @Test
  void outsideTheEvaluatedRangeAFitStartsAtTheNearestWithItsPairs() {
    CPath path = new CPath(9, new double[] {9, 9}, 32);
    Curvature[] at2 = {pairs(2), pairs(2)};
    path.put(2, new double[][] {{1, 1}, {2, 2}}, at2);
    path.put(4, new double[][] {{3, 3}, {4, 4}}, new Curvature[] {pairs(2), pairs(2)});
    assertArrayEquals(new double[] {4, 4}, path.start(7, 1));
    assertArrayEquals(new double[] {1, 1}, path.start(0, 0));
    assertSame(at2[1], path.curvature(0, 1));
  }

  @Test
  void betweenTwoEvaluatedCAFitStartsOnTheLineBetweenTheirSolutionsInLogC() {
    CPath path = new CPath(9, null, 16);
    Curvature[] at2 = {pairs(2)};
    path.put(2, new double[][] {{0, 10}}, at2);
    path.put(6, new double[][] {{4, 2}}, new Curvature[] {pairs(2)});
    // index 3 is a quarter of the way from 2 to 6
    assertArrayEquals(new double[] {1, 8}, path.start(3, 0), 1e-12);
    assertArrayEquals(new double[] {2, 6}, path.start(4, 0), 1e-12);
    // the pairs are the nearest fit's, the smaller C on ties
    assertSame(at2[0], path.curvature(3, 0));
    assertSame(at2[0], path.curvature(4, 0));
  }

  @Test
  void pairsBeyondTheBudgetAreNeitherAskedForNorKept() {
    // each C's pairs take 100 bytes, the budget 250: the first two C keep theirs, the third not
    CPath path = new CPath(9, null, 100, 250);
    Curvature[] at0 = {pairs(1)};
    assertTrue(path.keepsNext());
    path.put(0, new double[][] {{0}}, at0);
    assertTrue(path.keepsNext());
    path.put(4, new double[][] {{0}}, new Curvature[] {pairs(1)});
    assertFalse(path.keepsNext());
    path.put(8, new double[][] {{0}}, new Curvature[] {pairs(1)});
    assertSame(at0[0], path.curvature(1, 0));
    assertNull(path.curvature(7, 0), "index 7 is nearest 8, whose pairs were not kept");
    // one C's pairs at L-BFGS's memory: folds x memory x 2 vectors of classes x (dim + 1)
    assertEquals(5L * 10 * 2 * (10 * 768 + 10) * 8, CPath.pairBytes(5, 10, 768, 10));
  }
}
