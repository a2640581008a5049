package linprobe.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    assertTrue(Plots.logScalePossible(curve(15, 0.2), LearningCurve.Point::loglossMean));
    assertTrue(Plots.loglossCurve(curve(15, 0.2), 2, "t").svg().contains("<svg"));
    // a perfect fit's log-loss is 0: a linear axis, and no failure
    assertFalse(Plots.logScalePossible(curve(15, 0), LearningCurve.Point::loglossMean));
    assertTrue(Plots.loglossCurve(curve(15, 0), 2, "t").svg().contains("<svg"));
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
        LearningCurve.Point::errorStd, false).getStyler().isXAxisLogarithmicDecadeOnly());
    // 1 shot to all of 2 classes of 100 rows (drawn at 100): more than a factor of 20
    LearningCurve wide = LearningCurve.of(List.of(new Fit("nb", 1, 0, 2, 0.5, 1, 0, true, 0),
        new Fit("nb", Fit.ALL, -1, 200, 0.1, 1, 0, true, 0)), List.of("nb"));
    assertTrue(Plots.chartOf(wide, 2, "t", "e", LearningCurve.Point::errorMean,
        LearningCurve.Point::errorStd, false).getStyler().isXAxisLogarithmicDecadeOnly());
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
}
