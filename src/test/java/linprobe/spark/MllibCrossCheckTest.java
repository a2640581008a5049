package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import linprobe.Golden;
import linprobe.math.GaussianStats;
import linprobe.math.LinearModel;
import linprobe.math.LogisticObjective;
import linprobe.math.LocalRows;
import linprobe.math.LogisticRegression;
import linprobe.math.LossFunction;
import linprobe.math.NaiveBayes;
import linprobe.math.Scaler;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.NaiveBayesModel;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** linprobe's models against Spark MLlib's, in the same JVM, on real digits rows. */
class MllibCrossCheckTest extends SparkTestBase {
  static final int D = Golden.DIM;

  static Scaler scaler(Golden g) {
    GaussianStats all = new GaussianStats(D);
    for (int r = 0; r < g.n; r++) all.add(g.x, r * D);
    return Scaler.fit(Scaler.Kind.MINMAX, all);
  }

  static Dataset<Row> frame(float[] x, int[] y, Scaler sc) {
    List<Row> rows = new ArrayList<>();
    double[] buf = new double[D];
    for (int r = 0; r < y.length; r++) {
      sc.apply(x, r, 1, buf);
      rows.add(RowFactory.create((double) y[r], Vectors.dense(buf.clone())));
    }
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType());
    return spark().createDataFrame(rows, schema);
  }

  @Test
  void logisticRegressionOptimumMatchesMllib() {
    Golden g = Golden.digits();
    Scaler sc = scaler(g);
    double c = 1.0;
    LogisticRegression.Result ours = LogisticRegression.fit(
        LocalRows.of(g.x, g.y, g.n, 10, sc), 10, D, g.n, c, 5000, 1e-10, sc);
    LogisticRegressionModel mllib = new org.apache.spark.ml.classification.LogisticRegression()
        .setFamily("multinomial").setRegParam(1.0 / (c * g.n)).setElasticNetParam(0)
        .setStandardization(false).setFitIntercept(true).setMaxIter(5000).setTol(1e-12)
        .fit(frame(g.x, g.y, sc));
    Matrix w = mllib.coefficientMatrix();
    Vector b = mllib.interceptVector();
    double[] coef = new double[10 * D + 10];
    for (int k = 0; k < 10; k++) {
      for (int j = 0; j < D; j++) coef[k * D + j] = w.apply(k, j);
      coef[10 * D + k] = b.apply(k);
    }
    LossFunction f = LogisticObjective.of(LocalRows.of(g.x, g.y, g.n, 10, sc), 10,
        D, c, g.n);
    double atMllib = f.lossAndGradient(coef, new double[coef.length]);
    double atOurs = ours.lbfgs().value();
    System.out.printf("LR objective on 400 digits rows: MLlib %.12f, linprobe %.12f%n", atMllib,
        atOurs);
    assertEquals(atMllib, atOurs, 1e-4 * atMllib, "objective: MLlib " + atMllib + ", ours " + atOurs);
    int agree = 0;
    for (int r = 0; r < g.nEval; r++) {
      float[] row = Golden.row(g.xEval, r, D);
      double[] xs = new double[D];
      sc.apply(row, 0, 1, xs);
      if (ours.model().predict(row) == (int) mllib.predict(Vectors.dense(xs))) agree++;
    }
    assertTrue(agree >= g.nEval - 1, agree + " of " + g.nEval + " predictions agree");
  }

  @Test
  void perClassNaiveBayesPredictsExactlyAsMllibGaussian() {
    Golden g = Golden.digits();
    Scaler sc = scaler(g);
    NaiveBayesModel mllib = new org.apache.spark.ml.classification.NaiveBayes()
        .setModelType("gaussian").fit(frame(g.x, g.y, sc));
    GaussianStats[] st = new GaussianStats[10];
    for (int c = 0; c < 10; c++) st[c] = new GaussianStats(D);
    for (int r = 0; r < g.n; r++) st[g.y[r]].add(g.x, r * D);
    LinearModel ours = NaiveBayes.perClassVariance(st, sc, 1e-9);
    for (float[] data : new float[][] {g.x, g.xEval}) {
      for (int r = 0; r < data.length / D; r++) {
        float[] row = Golden.row(data, r, D);
        double[] xs = new double[D];
        sc.apply(row, 0, 1, xs);
        assertEquals((int) mllib.predict(Vectors.dense(xs)), ours.predict(row), "row " + r);
      }
    }
  }
}
