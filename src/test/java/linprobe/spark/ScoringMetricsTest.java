package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import linprobe.curve.Scores;
import linprobe.math.LinearModel;
import linprobe.math.Scaler;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Top-5 error, balanced error and per-class recall from the scoring pass, on six hand-made test
 * rows of seven classes whose scores are chosen by hand: row r has the one-hot feature e_r, so a
 * model's scores for row r are its weight column r (exact in the GEMM).
 */
class ScoringMetricsTest extends SparkTestBase {
  static final int K = 7, N = 6;
  /** Test labels: classes 4 and 6 have no test rows. */
  static final int[] Y = {0, 0, 1, 2, 3, 5};
  static final long[] COUNTS = {2, 1, 1, 1, 0, 1, 0};

  /**
   * Model A's scores, row by row (y in brackets):
   * <ol start="0">
   *   <li>[0] 5 at class 0, 1 elsewhere: right; top-5 hit.
   *   <li>[0] 0, 1, ..., 6: the true class scores lowest, six classes above it: wrong, top-5 miss.
   *   <li>[1] 3 at classes 0 and 1: a tie, argmax takes class 0: wrong; one class ranks before
   *       class 1 (the tie goes to the lower index): top-5 hit.
   *   <li>[2] all equal: argmax 0, wrong; classes 0 and 1 rank before 2: top-5 hit.
   *   <li>[3] 9 at class 3: right.
   *   <li>[5] all equal: wrong; classes 0 to 4 rank before 5 (ties to the lower index): top-5
   *       miss.
   * </ol>
   */
  static final double[][] A = {
      {5, 1, 1, 1, 1, 1, 1},
      {0, 1, 2, 3, 4, 5, 6},
      {3, 3, 0, 0, 0, 0, 0},
      {1, 1, 1, 1, 1, 1, 1},
      {0, 0, 0, 9, 0, 0, 0},
      {0, 0, 0, 0, 0, 0, 0}};

  /** Model B: 10 at the true class: right everywhere. */
  static double[][] perfect() {
    double[][] s = new double[N][K];
    for (int r = 0; r < N; r++) s[r][Y[r]] = 10;
    return s;
  }

  /** Model C: 4 at the next class, 2 at the true one: wrong everywhere, always second. */
  static double[][] second() {
    double[][] s = new double[N][K];
    for (int r = 0; r < N; r++) {
      s[r][(Y[r] + 1) % K] = 4;
      s[r][Y[r]] = 2;
    }
    return s;
  }

  /** A model whose scores of the one-hot row r are scores[r]: weights W[c][r] = scores[r][c]. */
  static LinearModel model(double[][] scores, boolean quadratic) {
    int p = quadratic ? 2 * N : N;
    double[] w = new double[K * p];
    for (int r = 0; r < N; r++) {
      for (int c = 0; c < K; c++) w[c * p + r] = scores[r][c]; // x^2 = x: its weights stay 0
    }
    return new LinearModel(K, N, quadratic, w, new double[K], Scaler.identity(N));
  }

  /** The six rows in two blocks, one per partition (two partials, merged in order). */
  static Embeddings test() {
    float[] x = new float[N * N];
    for (int r = 0; r < N; r++) x[r * N + r] = 1;
    RowBlock first = new RowBlock(3, N, java.util.Arrays.copyOfRange(x, 0, 3 * N),
        new int[] {Y[0], Y[1], Y[2]}, new long[] {0, 1, 2}, 0);
    float[] x2 = new float[3 * N];
    for (int r = 3; r < N; r++) x2[(r - 3) * N + r] = 1;
    RowBlock second = new RowBlock(3, N, x2, new int[] {Y[3], Y[4], Y[5]},
        new long[] {3, 4, 5}, 3);
    var blocks = JavaSparkContext.fromSparkContext(spark().sparkContext())
        .parallelize(List.of(first, second), 2);
    return new Embeddings("hand-made", blocks, N, N, COUNTS, 2, 0);
  }

  /** Cross-entropy of one row by its closed form: log sum_c exp(s_c) - s_y. */
  static double ce(double[] s, int y) {
    double sum = 0;
    for (double v : s) sum += Math.exp(v);
    return Math.log(sum) - s[y];
  }

  @ParameterizedTest(name = "float32 {0}")
  @ValueSource(booleans = {false, true})
  void handMadeScoresGiveHandComputedMetrics(boolean float32) {
    // A and B stacked in one GEMM (linear), C in another (quadratic, double). In float32 the
    // weights less their mean over classes are rounded to float (10 - 10/7 is not a float):
    // counts, ranks and ties stay exact, the log-loss agrees to float32's precision
    double tol = float32 ? 1e-6 : 1e-14;
    List<LinearModel> models = List.of(model(A, false), model(perfect(), false),
        model(second(), true));
    List<Scores> got = ScoringPass.score(test(), models, float32);
    double nan = Double.NaN;

    Scores a = got.get(0);
    // wrong: rows 1, 2, 3, 5 (4 of 6); top-5 misses: rows 1 and 5
    assertEquals(4.0 / 6, a.error(), 0);
    assertEquals(2.0 / 6, a.top5Error(), 0);
    // recall: class 0 one of two (row 0 right, row 1 wrong), classes 1, 2, 5 none, class 3 its
    // one row; 4 and 6 have no test rows
    assertEquals(List.of(0.5, 0.0, 0.0, 1.0, nan, 0.0, nan), a.recall());
    // balanced error over the five classes present: 1 - (0.5 + 0 + 0 + 1 + 0) / 5 = 0.7
    assertEquals(0.7, a.balancedError(), 1e-15);
    double ll = (Math.log(Math.exp(5) + 6 * Math.exp(1)) - 5
        + Math.log(1 + Math.E + Math.exp(2) + Math.exp(3) + Math.exp(4) + Math.exp(5)
            + Math.exp(6)) - 0
        + Math.log(2 * Math.exp(3) + 5) - 3
        + Math.log(7 * Math.E) - 1
        + Math.log(Math.exp(9) + 6) - 9
        + Math.log(7)) / 6;
    assertEquals(ll, a.logloss(), tol);

    Scores b = got.get(1);
    assertEquals(0.0, b.error());
    assertEquals(0.0, b.top5Error());
    assertEquals(0.0, b.balancedError());
    assertEquals(List.of(1.0, 1.0, 1.0, 1.0, nan, 1.0, nan), b.recall());
    assertEquals(Math.log(Math.exp(10) + 6) - 10, b.logloss(), tol);

    Scores c = got.get(2);
    assertEquals(1.0, c.error());
    assertEquals(0.0, c.top5Error(), "second everywhere: always in the top 5");
    assertEquals(1.0, c.balancedError());
    assertEquals(List.of(0.0, 0.0, 0.0, 0.0, nan, 0.0, nan), c.recall());
    assertEquals(Math.log(Math.exp(4) + Math.exp(2) + 5) - 2, c.logloss(), tol);

    // the raw sums: counts, one pass (A: 4 wrong, 2 top-5 misses, right rows per class)
    double[][] sums = ScoringPass.evaluate(test(), models, float32);
    assertEquals(4, sums[0][ScoringPass.MISCLASSIFIED]);
    assertEquals(2, sums[0][ScoringPass.TOP5_MISSES]);
    assertEquals(1, sums[0][ScoringPass.CORRECT + 0]);
    assertEquals(1, sums[0][ScoringPass.CORRECT + 3]);
    assertEquals(ScoringPass.CORRECT + K, sums[0].length);
  }

  /**
   * Largest difference, over a block's rows and classes, between a model's scores in a stacked
   * group (its columns [col, col + k)) and its own, row by row in double, each less its row's
   * mean over classes (what the softmax sees).
   */
  static double deviation(LinearModel m, ScoringPass.Stacked g, int col, RowBlock b) {
    int k = m.classes(), d = m.dim(), w = g.rows();
    double[] sg = new double[b.n * w];
    g.scores(b, new ScoringPass.Buffers(), sg);
    double worst = 0;
    for (int r = 0; r < b.n; r++) {
      double[] s = m.scores(java.util.Arrays.copyOfRange(b.x, r * d, (r + 1) * d));
      double mean64 = 0, meanG = 0;
      for (int c = 0; c < k; c++) {
        mean64 += s[c] / k;
        meanG += sg[r * w + col + c] / k;
      }
      for (int c = 0; c < k; c++) {
        worst = Math.max(worst, Math.abs((sg[r * w + col + c] - meanG) - (s[c] - mean64)));
      }
    }
    return worst;
  }

  @Test
  void aQuadraticModelFarFromItsGroupsCentreIsScoredAlone() {
    // nb-perclass-like models of 2 classes in 3 dimensions. A's subset spans 1e-7 on feature 2
    // (scale 1e7) near 0.5; B's spans 20 from -10. Stacked around their mean offset, A's terms
    // in z, z^2 would be (5e7)^2 times its scores and cancel to them in double
    int d = 3, k = 2;
    java.util.Random rnd = new java.util.Random(3);
    double[] w = new double[k * 2 * d];
    for (int i = 0; i < w.length; i++) w[i] = i % (2 * d) < d ? rnd.nextGaussian() : -0.5;
    LinearModel a = new LinearModel(k, d, true, w, new double[] {0.1, -0.2},
        new Scaler(new double[] {0, 0, 0.5}, new double[] {1, 1, 1e7}));
    LinearModel b = new LinearModel(k, d, true, w.clone(), new double[] {0.3, 0.0},
        new Scaler(new double[] {0, 0, -10}, new double[] {1, 1, 0.05}));
    List<LinearModel> models = List.of(a, b);
    int rows = 8;
    float[] x = new float[rows * d];
    for (int r = 0; r < rows; r++) {
      x[r * d] = (float) rnd.nextGaussian();
      x[r * d + 1] = (float) rnd.nextGaussian();
      x[r * d + 2] = (float) (0.5 + 1e-7 * rnd.nextDouble());
    }
    RowBlock block = new RowBlock(rows, d, x, new int[rows], new long[rows], 0);
    List<boolean[]> groups = ScoringPass.Stacked.grouping(models, true);
    assertEquals(2, groups.size(), "each model in a group of its own");
    for (boolean[] g : groups) {
      int i = g[0] ? 0 : 1;
      double dev = deviation(models.get(i), ScoringPass.Stacked.of(models, g, false), 0, block);
      assertTrue(dev < 1e-9, "model " + i + " off by " + dev);
    }
    // what the bound prevents: A stacked with B anyway
    double forced = deviation(a,
        ScoringPass.Stacked.of(models, new boolean[] {true, true}, false), 0, block);
    assertTrue(forced > 1e-3, "stacked with B, A is off by only " + forced);
  }

  @Test
  void float32ScoresOfAWideModelStayNearTheDoubleOnes() {
    // 20 classes in 1,024 dimensions, as embeddings look after min-max scaling: class means
    // near 0.5 (0.005 apart), spreads of 0.02. A class's nb score adds 1,024 terms of the order
    // of mean^2 / variance (several hundred) into sums whose differences between classes (tens)
    // decide
    int k = 20, d = 1024, perClass = 50, rows = 200;
    java.util.Random rnd = new java.util.Random(7);
    double[][] mu = new double[k][d];
    for (double[] m : mu) for (int j = 0; j < d; j++) m[j] = 0.5 + 0.005 * rnd.nextGaussian();
    linprobe.math.GaussianStats[] st = new linprobe.math.GaussianStats[k];
    float[] x = new float[d];
    for (int c = 0; c < k; c++) {
      st[c] = new linprobe.math.GaussianStats(d);
      for (int r = 0; r < perClass; r++) {
        for (int j = 0; j < d; j++) x[j] = (float) (mu[c][j] + 0.02 * rnd.nextGaussian());
        st[c].add(x, 0);
      }
    }
    float[] t = new float[rows * d];
    int[] label = new int[rows];
    for (int r = 0; r < rows; r++) {
      label[r] = r % k;
      for (int j = 0; j < d; j++) t[r * d + j] = (float) (mu[r % k][j] + 0.02 * rnd.nextGaussian());
    }
    RowBlock b = new RowBlock(rows, d, t, label, new long[rows], 0);
    // two models with two scalers (one fitted on the training rows, one on every other test
    // row of each class), stacked around the mean of their offsets: neither is the centre
    Scaler sc = Scaler.fit(Scaler.Kind.MINMAX, linprobe.math.GaussianStats.pooled(st));
    LinearModel lin = linprobe.math.NaiveBayes.sharedVariance(st, sc, 1e-9);
    linprobe.math.GaussianStats[] half = new linprobe.math.GaussianStats[k];
    for (int c = 0; c < k; c++) {
      half[c] = new linprobe.math.GaussianStats(d);
      for (int r = c; r < rows; r += 2 * k) half[c].add(t, r * d);
    }
    LinearModel other = linprobe.math.NaiveBayes.sharedVariance(half,
        Scaler.fit(Scaler.Kind.MINMAX, linprobe.math.GaussianStats.pooled(half)), 1e-9);
    List<LinearModel> two = List.of(other, lin);
    ScoringPass.Stacked g = ScoringPass.Stacked.of(two, new boolean[] {true, true}, true);
    double l = deviation(lin, g, k, b);
    double o = deviation(other, g, 0, b);
    // class-centred, the float32 scores move by a few 1e-5; with the weights cast to float32
    // as they are, by about 5e-3
    assertTrue(l < 5e-4, "nb stacked in float32 off by " + l);
    assertTrue(o < 5e-4, "the other nb stacked in float32 off by " + o);
    assertTrue(l > 1e-9, "scored in double, not float32: off by " + l);
  }

  @Test
  void oneJobForEveryMetric() throws Exception {
    List<LinearModel> models = List.of(model(A, false), model(second(), true));
    Embeddings t = test();
    t.blocks().cache().count();
    assertEquals(1, countJobs(() -> ScoringPass.score(t, models, false)));
  }

  @Test
  void topFiveIsUndefinedWithFiveClassesOrFewer() {
    // five classes: every true class is among the top 5
    Scores s = Scores.of(1, 2.0, 0, new double[] {1, 0, 1, 1, 1}, new long[] {1, 1, 1, 1, 1}, 5);
    assertTrue(Double.isNaN(s.top5Error()));
    assertEquals(0.2, s.error());
    assertEquals(0.4, s.logloss());
    assertEquals(1 - 4.0 / 5, s.balancedError(), 1e-15);
    // six classes: defined
    Scores six = Scores.of(1, 2.0, 1, new double[] {1, 0, 1, 1, 1, 1},
        new long[] {1, 1, 1, 1, 1, 1}, 6);
    assertEquals(1.0 / 6, six.top5Error());
  }
}
