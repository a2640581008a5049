package linprobe.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import linprobe.math.Curvature;
import org.junit.jupiter.api.Test;

class CPathTest {
  private static Curvature pairs(int n) {
    return new Curvature(1, new double[][] {new double[n]}, new double[][] {new double[n]});
  }

  @Test
  void theFirstFitStartsFromTheInitialPointWithoutPairs() {
    double[] initial = {1, 2};
    CPath path = new CPath(9, initial);
    assertSame(initial, path.start(4, 0));
    assertNull(path.curvature(4, 0));
    assertNull(new CPath(9, null).start(4, 0));
  }

  @Test
  void outsideTheEvaluatedRangeAFitStartsAtTheNearestWithItsPairs() {
    CPath path = new CPath(9, new double[] {9, 9});
    Curvature[] at2 = {pairs(2), pairs(2)};
    path.put(2, new double[][] {{1, 1}, {2, 2}}, at2);
    path.put(4, new double[][] {{3, 3}, {4, 4}}, new Curvature[] {pairs(2), pairs(2)});
    assertArrayEquals(new double[] {4, 4}, path.start(7, 1));
    assertArrayEquals(new double[] {1, 1}, path.start(0, 0));
    assertSame(at2[1], path.curvature(0, 1));
  }

  @Test
  void betweenTwoEvaluatedCAFitStartsOnTheLineBetweenTheirSolutionsInLogC() {
    CPath path = new CPath(9, null);
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
  void pairsBeyondTheBudgetAreNotKept() {
    int big = (int) (CPath.MAX_CURVATURE_BYTES / 8 / 2 / 2) + 1; // two of them pass the budget
    CPath path = new CPath(5, null);
    path.put(0, new double[][] {{0}}, new Curvature[] {pairs(big)});
    path.put(4, new double[][] {{0}}, new Curvature[] {pairs(big)});
    // index 1 is nearest 0, whose pairs were kept; index 3 nearest 4, whose were not
    assertSame(path.curvature(1, 0), path.curvature(1, 0));
    org.junit.jupiter.api.Assertions.assertNotNull(path.curvature(1, 0));
    assertNull(path.curvature(3, 0));
  }
}
