package linprobe.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import linprobe.curve.Fit;
import linprobe.curve.LearningCurve;
import org.junit.jupiter.api.Test;

/** The log-loss picture: a log axis, and a linear one when a mean log-loss is 0. */
class PlotsTest {
  static LearningCurve curve(double nbLoss, double lrLoss) {
    return LearningCurve.of(List.of(
        new Fit("nb", 1, 0, 2, 0.5, nbLoss, 0, true, 0),
        new Fit("nb", 1, 1, 2, 0.4, nbLoss * 2, 0, true, 0),
        new Fit("lr", 1, 0, 2, 0.3, lrLoss, 5, true, 0),
        new Fit("lr", 1, 1, 2, 0.2, lrLoss * 2, 5, true, 0),
        new Fit("nb", Fit.ALL, -1, 4, 0.1, nbLoss, 0, true, 0),
        new Fit("lr", Fit.ALL, -1, 4, 0.05, lrLoss, 5, true, 0)), List.of("nb", "lr"));
  }

  @Test
  void logLossOnALogAxisUnlessAMeanIsZero() throws Exception {
    // 15 and 30 (nb) against 0.2 and 0.4 (lr): decades; 2.4 to 35 would label every tick
    assertTrue(Plots.chartOf(curve(15, 0.2), 2, "t", "l", LearningCurve.Point::loglossMean,
        LearningCurve.Point::loglossStd, true, false).getStyler()
        .isYAxisLogarithmicDecadeOnly());
    assertFalse(Plots.chartOf(curve(15, 2.4), 2, "t", "l", LearningCurve.Point::loglossMean,
        LearningCurve.Point::loglossStd, true, false).getStyler()
        .isYAxisLogarithmicDecadeOnly());
    assertTrue(Plots.logScalePossible(curve(15, 0.2), LearningCurve.Point::loglossMean));
    assertTrue(Plots.loglossCurve(curve(15, 0.2), 2, "t").svg().contains("<svg"));
    // a perfect fit's log-loss is 0: a linear axis, and no failure
    assertFalse(Plots.logScalePossible(curve(15, 0), LearningCurve.Point::loglossMean));
    assertTrue(Plots.loglossCurve(curve(15, 0), 2, "t").svg().contains("<svg"));
  }

  @Test
  void crossoversAtTwoSizesShareOneLegendEntry() {
    // lr level with both at 1 shot, better than nb-perclass from 2, than nb from 5
    List<Fit> fs = new java.util.ArrayList<>();
    double[] jitter = {0.01, -0.01, 0};
    int[] shots = {1, 2, 5};
    double[] nbPc = {0.40, 0.45, 0.45}, lr = {0.40, 0.40, 0.30};
    for (int j = 0; j < 3; j++) {
      for (int seed = 0; seed < 3; seed++) {
        double e = 0.01 * seed;
        fs.add(new Fit("nb", shots[j], seed, 2 * shots[j], 0.40 + e, 1, 0, true, 0));
        fs.add(new Fit("nb-perclass", shots[j], seed, 2 * shots[j], nbPc[j] + e, 1, 0, true, 0));
        fs.add(new Fit("lr", shots[j], seed, 2 * shots[j], lr[j] + e + jitter[seed], 1, 5, true,
            0));
      }
    }
    LearningCurve c = LearningCurve.of(fs, List.of("nb", "nb-perclass", "lr"));
    var chart = Plots.chartOf(c, 2, "t", "e", LearningCurve.Point::errorMean,
        LearningCurve.Point::errorStd, false, true);
    List<String> crossings = chart.getSeriesMap().keySet().stream()
        .filter(n -> n.startsWith("lr better")).toList();
    assertEquals(List.of("lr better than nb-perclass from 2 shots on, nb from 5 on"),
        crossings);
    assertTrue(Plots.legendWidth(chart, chart.getStyler().getLegendFont()) <= Plots.WIDTH - 20,
        "the legend's row fits the picture");
    var v = chart.getSeriesMap().get(crossings.get(0));
    assertArrayEquals(new double[] {2, 2, 5, 5, 5}, v.getXData());
    assertTrue(Double.isNaN(v.getYData()[2]), "a gap between the two lines");
    // the log-loss picture has no crossover lines: they are verdicts on test error
    var ll = Plots.chartOf(c, 2, "t", "l", LearningCurve.Point::loglossMean,
        LearningCurve.Point::loglossStd, true, false);
    assertTrue(ll.getSeriesMap().keySet().stream().noneMatch(n -> n.startsWith("lr better")),
        ll.getSeriesMap().keySet().toString());
    // the shaded bands are named in the legend
    assertTrue(chart.getSeriesMap().get(Plots.BAND).isShowInLegend());
    // with one seed there is no band to name
    List<Fit> one = new ArrayList<>();
    for (String m : List.of("nb", "lr")) {
      one.add(new Fit(m, 1, 0, 2, 0.5, 1, Double.NaN, Double.NaN, List.of(), Double.NaN, null, 0,
          true, 0));
      one.add(new Fit(m, 5, 0, 10, 0.3, 1, Double.NaN, Double.NaN, List.of(), Double.NaN, null,
          0, true, 0));
    }
    var single = Plots.chartOf(LearningCurve.of(one, List.of("nb", "lr")), 2, "t", "e",
        LearningCurve.Point::errorMean, LearningCurve.Point::errorStd, false, true);
    assertFalse(single.getSeriesMap().containsKey(Plots.BAND),
        single.getSeriesMap().keySet().toString());
  }

  @Test
  void aModelHasTheSameColourWhicheverModelsARunHas() {
    List<Fit> three = new java.util.ArrayList<>(), two = new java.util.ArrayList<>();
    for (String m : List.of("nb", "nb-perclass", "lr")) {
      for (int seed = 0; seed < 2; seed++) {
        Fit f = new Fit(m, 1, seed, 2, 0.3 + 0.1 * seed, 1, 0, true, 0);
        three.add(f);
        if (!m.equals("nb-perclass")) two.add(f);
      }
    }
    var a = Plots.chartOf(LearningCurve.of(three, List.of("nb", "nb-perclass", "lr")), 2, "t",
        "e", LearningCurve.Point::errorMean, LearningCurve.Point::errorStd, false, true);
    var b = Plots.chartOf(LearningCurve.of(two, List.of("nb", "lr")), 2, "t", "e",
        LearningCurve.Point::errorMean, LearningCurve.Point::errorStd, false, true);
    for (String m : List.of("nb", "lr")) {
      assertEquals(a.getSeriesMap().get(m).getLineColor(), b.getSeriesMap().get(m).getLineColor(),
          m);
    }
    assertFalse(a.getSeriesMap().get("lr").getLineColor()
        .equals(a.getSeriesMap().get("nb-perclass").getLineColor()));
  }

  @Test
  void aFallbackCIsDrawnApartAndOutOfTheMedianLine() {
    // 1 shot: too few rows to choose C (fallback 1); 5 shots: chosen, 10 and 100
    List<Fit> fs = List.of(
        new Fit("lr", 1, 0, 2, 0.5, 1, Double.NaN, Double.NaN, List.of(), 1, "fallback", 5,
            true, 0),
        new Fit("lr", 1, 1, 2, 0.5, 1, Double.NaN, Double.NaN, List.of(), 1, "fallback", 5,
            true, 0),
        new Fit("lr", 5, 0, 10, 0.3, 1, Double.NaN, Double.NaN, List.of(), 10, "cv", 5, true, 0),
        new Fit("lr", 5, 1, 10, 0.3, 1, Double.NaN, Double.NaN, List.of(), 100, "cv", 5, true,
            0));
    var chart = Plots.chosenCChart(fs, LearningCurve.of(fs, List.of("lr")), 2, "t");
    // two seeds side by side, SEED_DODGE decades apart, around the size
    double half = Math.pow(10, Plots.dodge(2) / 2);
    String each = "C of each fit (a size's seeds side by side)";
    assertArrayEquals(new double[] {5 / half, 5 * half},
        chart.getSeriesMap().get(each).getXData(), 1e-12);
    var fallback = chart.getSeriesMap().keySet().stream().filter(n -> n.startsWith("fallback"))
        .toList();
    assertEquals(1, fallback.size(), chart.getSeriesMap().keySet().toString());
    assertArrayEquals(new double[] {1 / half, 1 * half},
        chart.getSeriesMap().get(fallback.get(0)).getXData(), 1e-12);
    assertArrayEquals(new double[] {5}, chart.getSeriesMap().get("median per size").getXData());
    // many seeds stay within SEED_BAND decades of their size, apart from the next size's
    List<Fit> many = new ArrayList<>();
    for (int seed = 0; seed < 100; seed++) {
      many.add(new Fit("lr", 1, seed, 2, 0.5, 1, Double.NaN, Double.NaN, List.of(), 3, "cv", 5,
          true, 0));
      many.add(new Fit("lr", 2, seed, 4, 0.5, 1, Double.NaN, Double.NaN, List.of(), 3, "cv", 5,
          true, 0));
    }
    double[] xs = Plots.chosenCChart(many, LearningCurve.of(many, List.of("lr")), 2, "t")
        .getSeriesMap().get(each).getXData();
    for (int i = 0; i < xs.length; i++) {
      double size = many.get(i).shots();
      assertTrue(Math.abs(Math.log10(xs[i] / size)) <= Plots.SEED_BAND / 2 + 1e-12, xs[i] + "");
    }
    // the fits' points are drawn over the median's
    assertEquals(List.of("median per size", each),
        chart.getSeriesMap().keySet().stream().limit(2).toList());
    // a fixed C: no picture
    assertEquals(null, Plots.chosenCChart(List.of(new Fit("lr", 5, 0, 10, 0.3, 1, Double.NaN,
        Double.NaN, List.of(), 1, "fixed", 5, true, 0)), LearningCurve.of(fs, List.of("lr")), 2,
        "t"));
  }

  @Test
  void theShotsAxisNamesAllTrainingRowsOnlyWhenTheCurveHasThem() throws Exception {
    assertTrue(Plots.shotsAxis(curve(15, 0.2)).contains("the last point is all training rows"));
    LearningCurve sampled = LearningCurve.of(
        List.of(new Fit("nb", 1, 0, 2, 0.5, 1, 0, true, 0),
            new Fit("nb", 5, 0, 10, 0.4, 1, 0, true, 0)), List.of("nb"));
    assertEquals("shots per class (log scale)", Plots.shotsAxis(sampled));
    assertTrue(Plots.errorCurve(sampled, 2, "t").svg().contains("<svg"));
  }

  @Test
  void aShortCurveLabelsEveryTickOfItsShotsAxisAWideOneItsDecades() {
    LearningCurve short125 = LearningCurve.of(List.of(new Fit("nb", 1, 0, 2, 0.5, 1, 0, true, 0),
        new Fit("nb", 2, 0, 4, 0.4, 1, 0, true, 0), new Fit("nb", 5, 0, 10, 0.3, 1, 0, true, 0)),
        List.of("nb"));
    assertFalse(Plots.chartOf(short125, 2, "t", "e", LearningCurve.Point::errorMean,
        LearningCurve.Point::errorStd, false, true).getStyler().isXAxisLogarithmicDecadeOnly());
    // 1 shot to all of 2 classes of 100 rows (drawn at 100): more than a factor of 20
    LearningCurve wide = LearningCurve.of(List.of(new Fit("nb", 1, 0, 2, 0.5, 1, 0, true, 0),
        new Fit("nb", Fit.ALL, -1, 200, 0.1, 1, 0, true, 0)), List.of("nb"));
    assertTrue(Plots.chartOf(wide, 2, "t", "e", LearningCurve.Point::errorMean,
        LearningCurve.Point::errorStd, false, true).getStyler().isXAxisLogarithmicDecadeOnly());
    assertFalse(Plots.decadesOnly(List.of(1.0, 16.0)));
    assertFalse(Plots.decadesOnly(List.of(10.0, 200.0)));
    assertTrue(Plots.decadesOnly(List.of(10.0, 201.0)));
  }

  @Test
  void theSimulationsPointsReachedOnlyWithTheWholePoolAreRinged() throws Exception {
    List<Plots.MEps> points = List.of(new Plots.MEps("lr", 3, 10, 60L, false),
        new Plots.MEps("lr", 3, 20, 150L, false), new Plots.MEps("lr", 3, 40, 4000L, true),
        new Plots.MEps("nb", 3, 10, 30L, false), new Plots.MEps("nb", 3, 40, null, false));
    var chart = Plots.sampleComplexityChart(points, List.of(), "t");
    var ringed = chart.getSeriesMap().get(Plots.WHOLE_POOL);
    assertTrue(ringed != null, chart.getSeriesMap().keySet().toString());
    assertArrayEquals(new double[] {40}, ringed.getXData());
    assertArrayEquals(new double[] {4000}, ringed.getYData());
    assertTrue(ringed.getMarker() instanceof Plots.Ring);
    // the point stays on its model's line too
    assertArrayEquals(new double[] {60, 150, 4000},
        chart.getSeriesMap().get("lr, K=3").getYData());
    assertTrue(Plots.sampleComplexity(points, List.of(), "t").svg().contains("<svg"));
    // without such points, no ring and no legend line for them
    var none = Plots.sampleComplexityChart(points.subList(0, 2), List.of(), "t");
    assertFalse(none.getSeriesMap().containsKey(Plots.WHOLE_POOL));
  }

  @Test
  void aGrowthLawIsDrawnOnlyOverTheDimensionsOfItsOwnPoints() {
    // lr's law is fitted to n = 10, 20, 40; n = 80 was reached only with the whole pool
    List<Plots.MEps> points = List.of(new Plots.MEps("lr", 3, 10, 100L, false),
        new Plots.MEps("lr", 3, 20, 200L, false), new Plots.MEps("lr", 3, 40, 400L, false),
        new Plots.MEps("lr", 3, 80, 8000L, true), new Plots.MEps("nb", 3, 160, 30L, false));
    linprobe.curve.GrowthLaw law = linprobe.curve.GrowthLaw.fit(new double[] {10, 20, 40},
        new double[] {100, 200, 400}, false);
    var chart = Plots.sampleComplexityChart(points, List.of(new Plots.Law("lr", 3, law)), "t");
    List<String> fits = chart.getSeriesMap().keySet().stream().filter(n -> n.contains(" fit: "))
        .toList();
    assertEquals(1, fits.size(), chart.getSeriesMap().keySet().toString());
    double[] x = chart.getSeriesMap().get(fits.get(0)).getXData();
    assertEquals(10, java.util.Arrays.stream(x).min().orElseThrow(), 1e-9);
    assertEquals(40, java.util.Arrays.stream(x).max().orElseThrow(), 1e-9);
  }

  @Test
  void aLongTitleIsFittedToThePictureNotCutAtBothEnds() {
    String longTitle = "CLIP ViT-B/16 frozen embeddings on a very long dataset name for the "
        + "camera-ready figure, seeds 0-2";
    var chart = Plots.chart(longTitle, "x", "y");
    java.awt.Font f = chart.getStyler().getChartTitleFont();
    assertTrue(f.getSize2D() < 18, "a smaller font: " + f);
    assertTrue(Plots.textWidth(chart.getTitle(), f) <= Plots.TITLE_WIDTH, chart.getTitle());
    assertTrue(chart.getTitle().startsWith("CLIP ViT-B/16"), chart.getTitle());
    String huge = longTitle.repeat(3);
    var cut = Plots.chart(huge, "x", "y");
    assertTrue(cut.getTitle().endsWith("…") && cut.getTitle().startsWith("CLIP"),
        cut.getTitle());
    // the run's facts at the end stay: the user's part is cut
    var facts = Plots.chart(huge + " (768 dims, 1000 classes)", "x", "y");
    assertTrue(facts.getTitle().startsWith("CLIP")
        && facts.getTitle().endsWith("… (768 dims, 1000 classes)"), facts.getTitle());
    assertEquals("short", Plots.chart("short", "x", "y").getTitle());
  }

  @Test
  void aLogAxisStopsJustBelowItsDataWhenTwoPowersOfTenAreStillLabelled() {
    // log-loss from 0.08 to 18: 0.1, 1 and 10 labelled; no empty decade down to 0.01
    assertEquals(0.072, Plots.logAxisMin(0.08, 18), 1e-12);
    // from 0.3 to 5: only 1 inside, so down to 0.1
    assertEquals(0.1, Plots.logAxisMin(0.3, 5), 1e-12);
  }
}
