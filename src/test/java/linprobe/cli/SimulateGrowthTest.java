package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import linprobe.CurveOptions;
import org.junit.jupiter.api.Test;

/** simulate's growth table from hand-made m_eps (no Spark). */
class SimulateGrowthTest {
  static final int[] NS = {25, 50, 100, 200};

  @Test
  void eachLawIsRecognisedAndReported() {
    List<SimulateCommand.Complexity> rs = new ArrayList<>();
    for (int n : NS) {
      rs.add(new SimulateCommand.Complexity("nb", 2, n, Math.round(7 + 3 * Math.log(n)), false,
          0.1, "closed form", 0.1)); // 17, 19, 21, 23 (rounded): logarithmic
      rs.add(new SimulateCommand.Complexity("lr", 2, n, 10L * n, false, 0.1, "closed form",
          0.1));
      rs.add(new SimulateCommand.Complexity("nb", 3, n, 4000L / n, false, 0.2, "closed form",
          0.2));
      rs.add(new SimulateCommand.Complexity("lr", 3, n, n <= 50 ? 100L : null, false, 0.2,
          "closed form", 0.2));
    }
    List<CurveOptions.Model> models = CurveOptions.builder().train("-").test("-").models("nb,lr")
        .build().models();
    List<SimulateCommand.Growth> g = SimulateCommand.growth(rs, models, new int[] {2, 3});
    assertEquals(4, g.size());
    SimulateCommand.Growth nb2 = g.get(0), nb3 = g.get(1), lr2 = g.get(2), lr3 = g.get(3);
    assertEquals("log n", nb2.better());
    assertTrue(nb2.logN().r2() > 0.99 && nb2.exponent() < 0.2, nb2.toString());
    assertEquals("n", lr2.better());
    assertEquals(1, lr2.linear().r2(), 1e-12);
    assertEquals(10, lr2.linear().slope(), 1e-9);
    assertEquals(0, lr2.linear().intercept(), 1e-9);
    assertEquals(1, lr2.exponent(), 1e-12);
    assertEquals(nb2.logN(), nb2.best());
    assertEquals(lr2.linear(), lr2.best());
    assertEquals("no growth", nb3.better());
    assertEquals(null, nb3.best(), "no law drawn for a falling m_eps");
    assertEquals(-1, nb3.exponent(), 1e-12);
    assertEquals("too few points", lr3.better());
    assertEquals(2, lr3.points());

    String csv = SimulateCommand.growthCsv(g);
    List<String> lines = csv.lines().toList();
    assertEquals(5, lines.size());
    assertEquals(12, lines.get(1).split(",", -1).length);
    assertEquals("lr,3,2,0,,,,,,,,too few points", lines.get(4));
    assertTrue(lines.get(3).startsWith("lr,2,4,0,1,"), lines.get(3));
    assertTrue(lines.get(3).endsWith(",0,10,1,n"), lines.get(3));

    String md = SimulateCommand.markdown(rs, new int[] {2, 3}, NS, g, "a test", 0.01);
    assertTrue(md.contains("| lr | 2 | 250 | 500 | 1000 | 2000 |"), md);
    assertTrue(md.contains("| lr | 3 | 100 | 100 | - | - |"), md);
    assertTrue(md.contains("| lr | 2 | 4 | 0 | 1.00 |"), md);
    assertTrue(md.contains("0 + 10 n | 1.000 | n |"), md);
    assertTrue(md.contains("| 3 | 0.2000 (0.2000) | 0.2000 (0.2000) | 0.2000 (0.2000) | "
        + "0.2000 (0.2000) |"), md);
    // with a pool of 10 n rows, lr's 10 n is every row: reached only by the one fit on the
    // pool, said so, and left out of its growth law (10 n is the pool's size, linear in n by
    // construction): with two of its four points left, too few for a law
    List<SimulateCommand.Complexity> pooled = new ArrayList<>();
    for (int n : NS) {
      pooled.add(new SimulateCommand.Complexity("lr", 2, n, 10L * n, n <= 50, 0.1,
          "closed form", 0.1));
    }
    List<SimulateCommand.Growth> pg = SimulateCommand.growth(pooled, models, new int[] {2});
    SimulateCommand.Growth lrPooled = pg.stream().filter(x -> x.model().equals("lr"))
        .findFirst().orElseThrow();
    assertEquals(2, lrPooled.points());
    assertEquals(2, lrPooled.wholePool());
    assertEquals("too few points", lrPooled.better());
    String whole = SimulateCommand.markdown(pooled, new int[] {2}, NS, pg, "a test", 0.01);
    assertTrue(whole.contains("| lr | 2 | 250 (all) | 500 (all) | 1000 | 2000 |"), whole);
    assertTrue(whole.contains("| lr | 2 | 2 | 2 | | | | | | too few points |"), whole);
    assertTrue(SimulateCommand.growthCsv(pg).contains("\nlr,2,2,2,,,,,,,,too few points\n"),
        SimulateCommand.growthCsv(pg));
    // m_eps the same at every n: R^2 is 0 / 0, left empty (- in the table), not 0
    List<SimulateCommand.Complexity> flat = new ArrayList<>();
    for (int n : NS) {
      flat.add(new SimulateCommand.Complexity("nb", 2, n, 10L, false, 0.1, "closed form", 0.1));
    }
    List<SimulateCommand.Growth> fg = SimulateCommand.growth(flat, models, new int[] {2});
    assertEquals("no growth", fg.get(0).better());
    assertTrue(SimulateCommand.growthCsv(fg).contains("\nnb,2,4,0,0,10,0,,10,0,,no growth\n"),
        SimulateCommand.growthCsv(fg));
    assertTrue(SimulateCommand.markdown(flat, new int[] {2}, NS, fg, "a test", 0.01)
        .contains("| nb | 2 | 4 | 0 | 0.00 | 10 + 0 log n | - | 10 + 0 n | - | no growth |"),
        SimulateCommand.markdown(flat, new int[] {2}, NS, fg, "a test", 0.01));
  }
}
