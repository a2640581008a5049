package linprobe.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import linprobe.curve.Comparison;
import linprobe.curve.Fit;
import linprobe.curve.GrowthLaw;
import linprobe.curve.LearningCurve;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Learning-curve pictures (XChart, headless): mean test error or log-loss against shots per
 * class on a log axis, one line per model with a +-1 std band across seeds, and the crossover
 * (paired, see {@link Comparison}) marked. "all" is drawn at the mean class size of the whole training set.
 */
public final class Plots {
  static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
      new Color(0x9467bd), new Color(0xff7f0e)};

  private Plots() {}

  /**
   * A model's colour, the same in every picture of every run, whichever models a run has: nb
   * blue, lr red, nb-perclass green.
   */
  static Color colour(String model) {
    return switch (model) {
      case "nb" -> COLORS[0];
      case "lr" -> COLORS[1];
      case "nb-perclass" -> COLORS[2];
      default -> COLORS[3 + Math.floorMod(model.hashCode(), COLORS.length - 3)];
    };
  }

  /** The legend name of the shaded bands. */
  static final String BAND = "±1 std across seeds";

  /** A drawn chart as PNG bytes and SVG text. */
  public record Picture(byte[] png, String svg) {}

  public static Picture errorCurve(LearningCurve c, int classes, String title) throws IOException {
    return encode(chartOf(c, classes, title, "mean test error (0-1)",
        LearningCurve.Point::errorMean, LearningCurve.Point::errorStd, false, true));
  }

  /**
   * Log-loss on a log axis (naive Bayes' can be a hundred times logistic regression's); on a
   * linear one when a mean log-loss is 0. No crossover lines: those come from test error.
   */
  public static Picture loglossCurve(LearningCurve c, int classes, String title) throws IOException {
    return encode(chartOf(c, classes, title, "mean test log-loss, nats",
        LearningCurve.Point::loglossMean, LearningCurve.Point::loglossStd, true, false));
  }

  /**
   * Logistic regression's C per fit against shots (both log axes) and the median per size, or
   * null when no C was chosen from data (a fixed --lr-c). A fallback C (a subset too small to
   * choose from) is drawn apart, hollow, and the median line joins only the sizes whose C was
   * chosen.
   */
  public static Picture chosenC(List<Fit> fits, LearningCurve c, int classes, String title)
      throws IOException {
    XYChart chart = chosenCChart(fits, c, classes, title);
    return chart == null ? null : encode(chart);
  }

  /** Decades between neighbouring seeds' points of one size in the chosen-C picture. */
  static final double SEED_DODGE = 0.025;

  /** A size's seeds span at most this many decades: 1 and 2 shots are 0.3 apart. */
  static final double SEED_BAND = 0.1;

  /** Decades between neighbouring seeds' points, for this many seeds. */
  static double dodge(int seeds) {
    return seeds < 2 ? 0 : Math.min(SEED_DODGE, SEED_BAND / (seeds - 1));
  }

  /** The chart {@link #chosenC} encodes, or null. */
  static XYChart chosenCChart(List<Fit> fits, LearningCurve c, int classes, String title) {
    List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
    List<Double> fx = new ArrayList<>(), fy = new ArrayList<>();
    java.util.Set<Integer> chosen = new java.util.HashSet<>();
    // the seeds of a size side by side, a little apart: seeds often choose the same C
    List<Long> seeds = fits.stream().filter(f -> f.shots() != Fit.ALL).map(Fit::seed).distinct()
        .sorted().toList();
    java.util.Map<Long, Integer> rank = new java.util.HashMap<>();
    for (long s : seeds) rank.put(s, rank.size());
    for (Fit f : fits) {
      if (f.cSource() == null || f.cSource().equals("fixed")) continue;
      boolean fallback = f.cSource().equals("fallback");
      double x = f.shots() == Fit.ALL ? f.nTrain() / (double) classes : f.shots();
      if (f.shots() != Fit.ALL) {
        x *= Math.pow(10, dodge(seeds.size()) * (rank.get(f.seed()) - (seeds.size() - 1) / 2.0));
      }
      (fallback ? fx : xs).add(x);
      (fallback ? fy : ys).add(f.c());
      if (!fallback) chosen.add(f.shots());
    }
    if (xs.isEmpty()) return null;
    List<Double> every = new ArrayList<>(xs);
    every.addAll(fx);
    List<Double> everyC = new ArrayList<>(ys);
    everyC.addAll(fy);
    boolean all = fits.stream().anyMatch(f -> f.shots() == Fit.ALL && f.cSource() != null
        && !f.cSource().equals("fixed"));
    XYChart chart = chart(title, shotsAxis(all), "chosen C (log scale)");
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setXAxisLogarithmicDecadeOnly(decadesOnly(every));
    chart.getStyler().setYAxisLogarithmicDecadeOnly(decadesOnly(everyC));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    // the median first, so that the fits' points are drawn over it
    List<Double> mx = new ArrayList<>(), my = new ArrayList<>();
    for (LearningCurve.Point p : c.of("lr")) {
      if (Double.isNaN(p.cMedian()) || !chosen.contains(p.shots())) continue;
      mx.add(x(p, classes));
      my.add(p.cMedian());
    }
    XYSeries median = chart.addSeries("median per size", mx, my);
    median.setLineColor(COLORS[1]);
    median.setMarkerColor(COLORS[1]);
    XYSeries each = chart.addSeries("C of each fit (a size's seeds side by side)", xs, ys);
    each.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    each.setMarkerColor(COLORS[0]);
    if (!fx.isEmpty()) {
      XYSeries fallback = chart.addSeries("fallback C (too few rows per class to choose)", fx,
          fy);
      fallback.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      fallback.setMarker(new Ring());
      fallback.setMarkerColor(Color.DARK_GRAY);
    }
    return chart;
  }

  /**
   * One m_eps point of the simulation (null when not reached); wholePool: reached only by the one
   * fit on the whole pool, so left out of the growth laws.
   */
  public record MEps(String model, int classes, int dims, Long mEps, boolean wholePool) {}

  /** The legend name of the points reached only by the whole pool's fit. */
  static final String WHOLE_POOL = "ringed: whole pool only, not in the laws";

  /** The growth law fitted to one (model, K)'s m_eps. */
  public record Law(String model, int classes, GrowthLaw law) {}

  /**
   * m_eps against n (log y axis), one solid line with markers per (model, K): the colour is the
   * model, the marker the number of classes; each with its fitted growth law, dotted, drawn
   * over the n of the points it was fitted to (within the range of the m_eps), named with its
   * formula and R^2. The
   * points reached only by the whole pool's fit, left out of the laws, are ringed in black.
   */
  public static Picture sampleComplexity(List<MEps> points, List<Law> laws, String title)
      throws IOException {
    return encode(sampleComplexityChart(points, laws, title));
  }

  static XYChart sampleComplexityChart(List<MEps> points, List<Law> laws, String title) {
    XYChart chart = chart(title, "dimension n", "m_eps (training rows, log scale)");
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setYAxisDecimalPattern("#,##0"); // 1,000 and 10,000, not 1000 and 1E4
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setLegendFont(chart.getStyler().getLegendFont().deriveFont(12f));
    Marker[] markers = {SeriesMarkers.CIRCLE,
        SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP,
        SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS};
    double yLo = points.stream().filter(p -> p.mEps() != null).mapToLong(MEps::mEps).min()
        .orElse(1) / 1.5;
    double yHi = points.stream().filter(p -> p.mEps() != null).mapToLong(MEps::mEps).max()
        .orElse(1) * 1.5;
    chart.getStyler().setYAxisMin(yLo);
    chart.getStyler().setYAxisMax(yHi);
    for (String model : points.stream().map(MEps::model).distinct().toList()) {
      Color col = colour(model);
      int j = 0;
      for (int k : points.stream().filter(p -> p.model().equals(model)).mapToInt(MEps::classes)
          .distinct().toArray()) {
        Marker marker = markers[j++ % markers.length];
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (MEps p : points) {
          if (p.model().equals(model) && p.classes() == k && p.mEps() != null) {
            xs.add((double) p.dims());
            ys.add((double) p.mEps());
          }
        }
        if (xs.isEmpty()) continue;
        XYSeries line = chart.addSeries(model + ", K=" + k, xs, ys);
        line.setLineColor(col);
        line.setMarkerColor(col);
        line.setMarker(marker);
        line.setLineStyle(new BasicStroke(2.5f));
        for (Law l : laws) {
          if (!l.model().equals(model) || l.classes() != k) continue;
          // over the n of the points the law was fitted to, never beyond them
          double[] own = points.stream().filter(p -> p.model().equals(model)
              && p.classes() == k && p.mEps() != null && !p.wholePool())
              .mapToDouble(MEps::dims).toArray();
          double from = java.util.Arrays.stream(own).min().orElse(0);
          double to = java.util.Arrays.stream(own).max().orElse(0);
          List<Double> fx = new ArrayList<>(), fy = new ArrayList<>();
          for (int t = 0; t <= 40 && to > from; t++) {
            double n = from + (to - from) * t / 40.0, y = l.law().at(n);
            if (y >= yLo && y <= yHi) {
              fx.add(n);
              fy.add(y);
            }
          }
          if (fx.size() < 2) continue;
          XYSeries fit = chart.addSeries(model + ", K=" + k + " fit: " + l.law().formula()
              + String.format(java.util.Locale.ROOT, " (R^2 %.2f)", l.law().r2()), fx, fy);
          fit.setLineColor(col);
          fit.setMarker(SeriesMarkers.NONE);
          fit.setLineStyle(SeriesLines.DOT_DOT);
        }
      }
    }
    List<Double> rx = new ArrayList<>(), ry = new ArrayList<>();
    for (MEps p : points) {
      if (p.wholePool() && p.mEps() != null) {
        rx.add((double) p.dims());
        ry.add((double) p.mEps());
      }
    }
    if (!rx.isEmpty()) {
      XYSeries ringed = chart.addSeries(WHOLE_POOL, rx, ry);
      ringed.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      ringed.setMarker(new Ring());
      ringed.setMarkerColor(Color.BLACK);
    }
    return chart;
  }

  /** An unfilled circle twice a marker's size, around the marker it rings. */
  static final class Ring extends Marker {
    @Override
    public void paint(Graphics2D g, double x, double y, int size) {
      g.setStroke(new BasicStroke(1.5f));
      g.draw(new Ellipse2D.Double(x - size, y - size, 2.0 * size, 2.0 * size));
    }
  }

  static final int WIDTH = 900;

  /**
   * The widest title: XChart centres it over the plot, right of the y axis' labels, so it
   * must fit twice the distance from the plot's centre to the picture's right edge.
   */
  static final int TITLE_WIDTH = WIDTH - 170;

  /** A white 900 x 560 chart with readable fonts; a long title is fitted to its width. */
  static XYChart chart(String title, String xTitle, String yTitle) {
    Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    Font titleFont = base.deriveFont(Font.BOLD, 18f);
    for (float size = 17; size >= 12 && textWidth(title, titleFont) > TITLE_WIDTH; size--) {
      titleFont = base.deriveFont(Font.BOLD, size);
    }
    title = fitted(title, titleFont, TITLE_WIDTH);
    XYChart chart = new XYChartBuilder().width(WIDTH).height(560).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    XYStyler s = chart.getStyler();
    s.setChartTitleFont(titleFont);
    s.setAxisTitleFont(base);
    s.setAxisTickLabelsFont(base.deriveFont(13f));
    s.setLegendFont(base.deriveFont(14f));
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(0xdddddd));
    s.setAntiAlias(true);
    return chart;
  }

  /** A one-row legend's font made smaller (down to 10 points) until the row fits the width. */
  static void fitLegend(XYChart chart) {
    Font f = chart.getStyler().getLegendFont();
    while (f.getSize2D() > 10 && legendWidth(chart, f) > WIDTH - 20) f = f.deriveFont(
        f.getSize2D() - 1);
    chart.getStyler().setLegendFont(f);
  }

  /** About how wide a one-row legend is: each entry's text, its symbol and the gaps. */
  static double legendWidth(XYChart chart, Font f) {
    double w = 0;
    for (XYSeries x : chart.getSeriesMap().values()) {
      if (x.isShowInLegend()) w += textWidth(x.getName(), f) + 3.4 * f.getSize2D();
    }
    return w;
  }

  /** A text's width in a font, in pixels (a title, a legend entry). */
  static double textWidth(String text, Font font) {
    return font.getStringBounds(text, new java.awt.font.FontRenderContext(null, true, true))
        .getWidth();
  }

  /**
   * The title, cut with an ellipsis when even the smallest font is too wide: the user's part is
   * cut at its end, and a closing " (...)" (the run's "(64 dims, 10 classes)") is kept whole.
   */
  static String fitted(String title, Font font, int width) {
    if (textWidth(title, font) <= width) return title;
    int open = title.lastIndexOf(" (");
    String tail = open > 0 && title.endsWith(")") ? title.substring(open) : "";
    if (textWidth(tail, font) > width / 2) tail = "";
    String head = title.substring(0, title.length() - tail.length());
    int keep = head.length();
    while (keep > 1 && textWidth(head.substring(0, keep) + "…" + tail, font) > width) keep--;
    return head.substring(0, keep).stripTrailing() + "…" + tail;
  }

  /**
   * Whether a log axis over these values labels its decades only: it does when they span more
   * than a factor of 20. Over a narrower span (1, 2, 5 shots; CLIP's 1 to 16) a decade-only axis
   * has one or two labels, so every tick (1, 2, ..., 9, 10, 20, ...) is labelled: they still fit
   * at the pictures' width. (XChart 3.8.8 cannot label only some of them: a tick-label function
   * replaces its log axis by a linear one, and loops without end when labels repeat.)
   */
  static boolean decadesOnly(List<Double> values) {
    double lo = Double.POSITIVE_INFINITY, hi = 0;
    for (double v : values) {
      if (v > 0 && Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return !(hi > 0) || hi / lo > 20;
  }

  static Picture encode(XYChart chart) throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
    ByteArrayOutputStream svg = new ByteArrayOutputStream();
    VectorGraphicsEncoder.saveVectorGraphic(chart, svg,
        VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    return new Picture(png.toByteArray(), svg.toString(StandardCharsets.UTF_8));
  }

  static double x(LearningCurve.Point p, int classes) {
    return p.shots() == Fit.ALL ? p.nTrain() / (double) classes : p.shots();
  }

  /** The shots axis' title for a curve's pictures. */
  static String shotsAxis(LearningCurve c) {
    return shotsAxis(c.points().stream().anyMatch(p -> p.shots() == Fit.ALL));
  }

  /** The shots axis' title: it names the point of every training row when there is one. */
  static String shotsAxis(boolean all) {
    return "shots per class (log scale" + (all ? "; the last point is all training rows)" : ")");
  }

  /**
   * The bottom of a log axis over [low, high]: a little below low when the axis still labels two
   * powers of ten, else down to a power of ten, so that it labels at least two.
   */
  static double logAxisMin(double low, double high) {
    double bottom = low * 0.9;
    if (Math.floor(Math.log10(high)) - Math.ceil(Math.log10(bottom)) >= 1) return bottom;
    return Math.pow(10, Math.floor(Math.log10(bottom)));
  }

  /** A log axis needs every mean above 0 (a perfect fit's log-loss can be 0). */
  static boolean logScalePossible(LearningCurve c, ToDoubleFunction<LearningCurve.Point> mean) {
    double low = Double.POSITIVE_INFINITY;
    for (LearningCurve.Point p : c.points()) low = Math.min(low, mean.applyAsDouble(p));
    return low > 0 && !Double.isInfinite(low);
  }

  /**
   * A learning curve's chart; crossovers: the dashed lines at the sizes from which lr's test
   * error is better (the comparisons are of test error, so only its picture has them).
   */
  static XYChart chartOf(LearningCurve c, int classes, String title, String yTitle,
      ToDoubleFunction<LearningCurve.Point> mean, ToDoubleFunction<LearningCurve.Point> std,
      boolean logY, boolean crossovers) {
    logY &= logScalePossible(c, mean);
    double low = Double.POSITIVE_INFINITY;
    for (LearningCurve.Point p : c.points()) low = Math.min(low, mean.applyAsDouble(p));
    XYChart chart = chart(title,
        shotsAxis(c),
        yTitle + (logY ? " (log scale)" : ""));
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setXAxisLogarithmicDecadeOnly(
        decadesOnly(c.points().stream().map(p -> x(p, classes)).toList()));
    chart.getStyler().setYAxisLogarithmic(logY);
    if (!logY) chart.getStyler().setYAxisDecimalPattern("0.00");
    // a narrow log range (2.4 to 35) labels every tick, not only 1 and 10
    if (logY) chart.getStyler().setYAxisLogarithmicDecadeOnly(decadesOnly(
        c.points().stream().map(mean::applyAsDouble).toList()));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    // a band's lower edge stays above the axis' floor: 0 linear, half the smallest mean on a log
    double floor = logY ? low / 2 : 0;
    double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
    double bandLow = Double.POSITIVE_INFINITY, bandHigh = Double.NEGATIVE_INFINITY;
    for (String model : c.models()) {
      List<LearningCurve.Point> ps = c.of(model);
      if (ps.isEmpty()) continue;
      Color col = colour(model);
      double[] xs = new double[ps.size()], ys = new double[ps.size()];
      List<Double> bx = new ArrayList<>(), by = new ArrayList<>();
      for (int k = 0; k < ps.size(); k++) {
        xs[k] = x(ps.get(k), classes);
        ys[k] = mean.applyAsDouble(ps.get(k));
        ymin = Math.min(ymin, ys[k]);
        ymax = Math.max(ymax, ys[k]);
      }
      for (int k = 0; k < ps.size(); k++) {
        double sd = std.applyAsDouble(ps.get(k));
        bx.add(xs[k]);
        by.add(ys[k] + (Double.isNaN(sd) ? 0 : sd));
        bandHigh = Math.max(bandHigh, by.get(k));
      }
      for (int k = ps.size() - 1; k >= 0; k--) {
        double sd = std.applyAsDouble(ps.get(k));
        bx.add(xs[k]);
        by.add(Math.max(ys[k] - (Double.isNaN(sd) ? 0 : sd), floor));
        bandLow = Math.min(bandLow, by.get(by.size() - 1));
      }
      XYSeries band = chart.addSeries(model + " ±1 std", bx, by);
      band.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.PolygonArea);
      band.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 50));
      band.setLineColor(new Color(0, 0, 0, 0));
      band.setMarker(SeriesMarkers.NONE);
      band.setShowInLegend(false);
      XYSeries line = chart.addSeries(model, xs, ys);
      line.setLineColor(col);
      line.setMarkerColor(col);
      line.setMarker(SeriesMarkers.CIRCLE);
      line.setLineStyle(new BasicStroke(2.5f));
    }
    if (c.points().stream().anyMatch(p -> p.seeds() > 1)) {
      // the bands' legend entry: a grey polygon of no area on the first point (invisible); none
      // where no size has a spread (one seed)
      LearningCurve.Point p0 = c.points().get(0);
      double x0 = x(p0, classes), y0 = mean.applyAsDouble(p0);
      XYSeries key = chart.addSeries(BAND, List.of(x0, x0), List.of(y0, y0));
      key.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
      key.setFillColor(new Color(0, 0, 0, 50));
      key.setLineColor(new Color(0, 0, 0, 0));
      key.setMarker(SeriesMarkers.NONE);
    }
    // the crossovers: a dashed line at each size (naive Bayes models crossed there named
    // together), all one series with gaps, so that the legend has one entry and stays in its row
    java.util.Map<Integer, List<String>> crossed = new java.util.TreeMap<>();
    for (Comparison k : crossovers ? c.comparisons() : List.<Comparison>of()) {
      Integer cross = k.crossover();
      if (cross == null || cross.equals(k.rows().get(0).shots())) continue;
      crossed.computeIfAbsent(cross, x -> new ArrayList<>()).add(k.nbModel());
    }
    if (!crossed.isEmpty()) {
      List<Double> vx = new ArrayList<>(), vy = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (var e : crossed.entrySet()) {
        int cross = e.getKey();
        double xc = cross == Fit.ALL ? x(c.at(LearningCurve.LR, cross), classes) : cross;
        if (!vx.isEmpty()) {
          vx.add(xc);
          vy.add(Double.NaN);
        }
        vx.addAll(List.of(xc, xc));
        vy.addAll(List.of(ymin, ymax));
        String from = cross == Fit.ALL ? "all rows" : names.isEmpty() ? Comparison.shots(cross)
            : Integer.toString(cross);
        names.add((names.isEmpty() ? "than " : "") + String.join(", ", e.getValue()) + " from "
            + from + " on");
      }
      // "lr better than nb from 5 shots on", or "lr better than nb-perclass from 2 shots on,
      // nb from 5 on"
      XYSeries v = chart.addSeries(LearningCurve.LR + " better " + String.join(", ", names), vx,
          vy);
      v.setLineColor(Color.DARK_GRAY);
      v.setLineStyle(SeriesLines.DASH_DASH);
      v.setMarker(SeriesMarkers.NONE);
    }
    if (logY && floor > 0) {
      chart.getStyler().setYAxisMin(logAxisMin(bandLow, bandHigh));
    }
    fitLegend(chart);
    return chart;
  }
}
