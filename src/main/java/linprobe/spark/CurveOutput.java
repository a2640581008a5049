package linprobe.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import linprobe.CurveOptions;
import linprobe.Version;
import linprobe.curve.Comparison;
import linprobe.curve.Fit;
import linprobe.curve.LearningCurve;
import linprobe.curve.Tables;
import linprobe.report.HtmlReport;
import linprobe.report.Plots;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Writes a run's results into its output directory (through staging; _SUCCESS last). */
public final class CurveOutput {
  private static final DataType STRING = DataTypes.StringType;
  private static final DataType LONG = DataTypes.LongType;

  private CurveOutput() {}

  public static void write(SparkSession spark, OutputDir dir, CurveJob.Result r, CurveOptions o)
      throws IOException {
    dir.writeText("fits.csv", Tables.fitsCsv(r.fits()));
    dir.writeText("curve.csv", Tables.curveCsv(r.curve()));
    dir.writeText("per_class.csv",
        Tables.perClassCsv(r.fits(), r.classes(), r.test().classCounts()));
    dir.writeText("comparison.csv", Tables.comparisonCsv(r.curve()));
    dir.writeText("curve.md", Tables.markdown(r.curve(), o.epsilon()));
    Map<String, Object> summary = summary(spark, r, o);
    String summaryJson = json(summary);
    dir.writeText("summary.json", summaryJson);
    int k = r.classes().size();
    String title = title(o);
    String chartTitle = title + " (" + r.train().dim() + " dims, " + k + " classes)";
    Plots.Picture err = Plots.errorCurve(r.curve(), k, chartTitle);
    Plots.Picture ll = Plots.loglossCurve(r.curve(), k, chartTitle);
    dir.writeBytes("learning_curve.png", err.png());
    dir.writeText("learning_curve.svg", err.svg());
    dir.writeBytes("logloss_curve.png", ll.png());
    dir.writeText("logloss_curve.svg", ll.svg());
    Plots.Picture cs = Plots.chosenC(r.fits(), r.curve(), k, chartTitle);
    if (cs != null) {
      dir.writeBytes("chosen_c.png", cs.png());
      dir.writeText("chosen_c.svg", cs.svg());
    }
    dir.writeText("report.html", HtmlReport.render(title, r.curve(), o.epsilon(), err.svg(),
        ll.svg(), cs == null ? null : cs.svg(), summary, summaryJson, o.validationSelect()));
    // a few hundred rows each: written by the driver, no Spark job (SmallParquet)
    String codec = spark.conf().get("spark.sql.parquet.compression.codec", "snappy");
    dir.writeParquet("fits", FITS_SCHEMA, fitRows(r.fits()), codec);
    dir.writeParquet("curve", CURVE_SCHEMA, curveRows(r.curve()), codec);
    dir.writeParquet("per_class", PER_CLASS_SCHEMA,
        perClassRows(r.fits(), r.classes(), r.test().classCounts()), codec);
    dir.commit();
  }

  static final StructType FITS_SCHEMA = schema(Tables.FITS_HEADER, Map.of("model", STRING,
      "shots", STRING, "seed", LONG, "n_train", LONG, "c_source", STRING, "iterations",
      DataTypes.IntegerType, "converged", DataTypes.BooleanType, "fit_ms", LONG));

  static final StructType CURVE_SCHEMA = schema(Tables.CURVE_HEADER, Map.of("model", STRING,
      "shots", STRING, "seeds", DataTypes.IntegerType));

  static final StructType PER_CLASS_SCHEMA = schema(Tables.PER_CLASS_HEADER, Map.of("model",
      STRING, "shots", STRING, "seed", LONG, "class", STRING, "n_test", LONG));

  /**
   * The Parquet schema of a table whose CSV header is given: the columns are declared once, in
   * Tables; each is a nullable double unless typed here.
   */
  static StructType schema(String header, Map<String, DataType> types) {
    StructType t = new StructType();
    for (String column : header.split(",")) {
      t = t.add(column, types.getOrDefault(column, DataTypes.DoubleType), true);
    }
    return t;
  }

  /**
   * The report's title: --title, else the input tables' names, "digits/train.parquet vs
   * digits/test.parquet".
   */
  public static String title(CurveOptions o) {
    return o.title() != null ? o.title() : tableName(o.train()) + " vs " + tableName(o.test());
  }

  /** "digits/train.parquet" for .../digits/train.parquet: the table with its folder. */
  static String tableName(String path) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    org.apache.hadoop.fs.Path parent = p.getParent();
    return parent == null || parent.getName().isEmpty() ? p.getName()
        : parent.getName() + "/" + p.getName();
  }

  public static Dataset<Row> fitsFrame(SparkSession spark, List<Fit> fits) {
    return spark.createDataFrame(fitRows(fits), FITS_SCHEMA);
  }

  public static Dataset<Row> curveFrame(SparkSession spark, LearningCurve curve) {
    return spark.createDataFrame(curveRows(curve), CURVE_SCHEMA);
  }

  /** per_class.csv as a frame: one row per (fit, class); class is the label's text. */
  static List<Row> perClassRows(List<Fit> fits, List<?> classes, long[] nTest) {
    List<Row> rows = new ArrayList<>();
    for (Fit f : fits) {
      for (int c = 0; c < f.recall().size(); c++) {
        rows.add(RowFactory.create(f.model(), Fit.shotsLabel(f.shots()),
            f.seed() < 0 ? null : f.seed(), String.valueOf(classes.get(c)), nTest[c],
            defined(f.recall().get(c))));
      }
    }
    return rows;
  }

  static List<Row> fitRows(List<Fit> fits) {
    List<Row> rows = new ArrayList<>();
    for (Fit f : fits) {
      rows.add(RowFactory.create(f.model(), Fit.shotsLabel(f.shots()),
          f.seed() < 0 ? null : f.seed(), f.nTrain(), f.error(), f.logloss(),
          defined(f.top5Error()), defined(f.balancedError()), defined(f.c()), f.cSource(),
          f.iterations(), f.converged(), f.fitMs()));
    }
    return rows;
  }

  static List<Row> curveRows(LearningCurve c) {
    List<Row> rows = new ArrayList<>();
    for (LearningCurve.Point p : c.points()) {
      // null where the CSV is empty: a number not defined (one fit's std, top-5 of few classes)
      rows.add(RowFactory.create(p.model(), Fit.shotsLabel(p.shots()), p.nTrain(), p.seeds(),
          p.errorMean(), defined(p.errorStd()), defined(p.errorCi95()), p.loglossMean(),
          defined(p.loglossStd()), defined(p.top5ErrorMean()), defined(p.top5ErrorStd()),
          defined(p.balancedErrorMean()), defined(p.balancedErrorStd()),
          defined(p.cMedian())));
    }
    return rows;
  }

  /** null where the CSV is empty: a number not defined for the run. */
  private static Double defined(double v) {
    return Double.isNaN(v) ? null : v;
  }

  public static String summaryJson(SparkSession spark, CurveJob.Result r, CurveOptions o)
      throws IOException {
    return json(summary(spark, r, o));
  }

  static String json(Map<String, Object> summary) throws IOException {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(summary) + "\n";
  }

  /** summary.json's content, in its order. */
  static Map<String, Object> summary(SparkSession spark, CurveJob.Result r, CurveOptions o) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("linprobe_version", Version.get());
    s.put("spark_version", spark.version());
    s.put("blas", r.blas());
    s.put("warnings", r.warnings());
    s.put("runtime_ms", r.runtimeMs());
    s.put("cached_bytes_per_row", Math.round(r.cachedBytesPerRow()));
    Map<String, Object> rows = new LinkedHashMap<>();
    rows.put("train", r.train().rows());
    rows.put("test", r.test().rows());
    rows.put("train_invalid", r.train().droppedInvalid());
    rows.put("test_invalid", r.test().droppedInvalid());
    CurveJob.Validation held = r.validation();
    if (held != null) {
      rows.put("validation", held.rows());
      rows.put("validation_invalid", held.invalid());
    }
    s.put("rows", rows);
    s.put("dimension", r.train().dim());
    List<Map<String, Object>> classes = new ArrayList<>();
    for (int c = 0; c < r.classes().size(); c++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", c);
      m.put("label", r.classes().get(c));
      m.put("train", r.train().classCounts()[c]);
      m.put("test", r.test().classCounts()[c]);
      if (held != null) m.put("validation", held.perClass()[c]);
      classes.add(m);
    }
    s.put("classes", classes);
    // where C was chosen (--select validation): the held-out rows, per class above
    if (held != null) {
      Map<String, Object> val = new LinkedHashMap<>();
      val.put("source", held.path() != null ? "table" : "fraction of train");
      val.put("path", held.path());
      val.put("fraction", Double.isNaN(held.fraction()) ? null : held.fraction());
      val.put("rows", held.rows());
      s.put("validation", val);
    }
    s.put("partitions", Map.of("train", r.train().partitions(), "test", r.test().partitions()));
    // every setting, grouped, from the one description of the options
    s.put("config", o.describe());
    // the grid as run: the default grid resolved against the smallest class
    List<String> shots = new ArrayList<>();
    for (int v : r.shots()) shots.add(Integer.toString(v));
    if (r.includeAll()) shots.add("all");
    s.put("shots", shots);
    LearningCurve curve = r.curve();
    Map<String, Object> models = new LinkedHashMap<>();
    for (String m : curve.models()) {
      Map<String, Object> mm = new LinkedHashMap<>();
      List<LearningCurve.Point> ps = curve.of(m);
      mm.put("asymptotic_error", curve.asymptoticError(m));
      mm.put("asymptote_at_shots", ps.isEmpty() ? null : Fit.shotsLabel(ps.get(ps.size() - 1).shots()));
      Integer e = curve.shotsToEpsilon(m, o.epsilon());
      mm.put("shots_to_epsilon", e == null ? null : Fit.shotsLabel(e));
      models.put(m, mm);
    }
    s.put("models", models);
    // lr against each naive Bayes model, from the paired differences per size
    Map<String, Object> cross = new LinkedHashMap<>();
    Map<String, Object> comparison = new LinkedHashMap<>();
    for (Comparison k : curve.comparisons()) {
      Integer x = k.crossover();
      cross.put(k.nbModel(), x == null ? null : Fit.shotsLabel(x));
      List<Map<String, Object>> sizes = new ArrayList<>();
      for (Comparison.Row row : k.rows()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shots", Fit.shotsLabel(row.shots()));
        m.put("seeds", row.seeds());
        m.put("mean_diff", row.meanDiff());
        m.put("std_diff", row.oneFit() ? null : row.stdDiff());
        m.put("ci95", row.oneFit() ? null : row.ci95());
        m.put("verdict", row.verdictText());
        if (row.lrOnly() >= 0) {
          m.put("lr_only_right", row.lrOnly());
          m.put("nb_only_right", row.nbOnly());
          m.put("mcnemar_p", row.mcnemarP());
        }
        sizes.add(m);
      }
      comparison.put(k.nbModel(), sizes);
    }
    s.put("crossover", cross);
    s.put("comparison", comparison);
    s.put("verdict", Tables.verdict(curve));
    return s;
  }
}
