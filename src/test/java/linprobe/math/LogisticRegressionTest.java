package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import linprobe.Golden;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

  @Test
  void lossOnHandMadeRowsMatchesClosedForm() {
    // 2 classes, 1 feature, W = [[1], [-1]], b = [0.5, 0]; rows x = 1 (y = 0) and x = 2 (y = 1)
    double[] coef = {1, -1, 0.5, 0};
    SoftmaxAggregator a = new SoftmaxAggregator(2, 1)
        .add(new double[] {1, 2}, new int[] {0, 1}, 2, coef, new double[4]);
    // scores row0 = (1.5, -1): CE = log(e^1.5 + e^-1) - 1.5; row1 = (2.5, -2): CE = lse + 2
    double ce0 = Math.log(Math.exp(1.5) + Math.exp(-1)) - 1.5;
    double ce1 = Math.log(Math.exp(2.5) + Math.exp(-2)) + 2;
    assertEquals(ce0 + ce1, a.lossSum(), 1e-12);
    double p00 = Math.exp(1.5) / (Math.exp(1.5) + Math.exp(-1));
    double p10 = Math.exp(2.5) / (Math.exp(2.5) + Math.exp(-2));
    // gradient of W_0: (p00 - 1) * 1 + p10 * 2; of b_0: (p00 - 1) + p10
    assertEquals((p00 - 1) + 2 * p10, a.gradSum()[0], 1e-12);
    assertEquals((p00 - 1) + p10, a.gradSum()[2], 1e-12);
    assertEquals(-(p00 - 1) - p10, a.gradSum()[3], 1e-12);
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Random rnd = new Random(3);
    int n = 40, d = 5, k = 4;
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
    for (int i = 0; i < n; i++) y[i] = rnd.nextInt(k);
    LossFunction f = LogisticObjective.of(
        LocalRows.of(x, y, n, k, Scaler.identity(d)), k, d, 0.7, n);
    double[] w = new double[k * d + k];
    for (int i = 0; i < w.length; i++) w[i] = 0.3 * rnd.nextGaussian();
    assertGradientByCentralDifferences(f, w, 1e-7);
  }

  /** Every coordinate of f's gradient at x equals the central difference with step 1e-6. */
  static void assertGradientByCentralDifferences(LossFunction f, double[] x, double tol) {
    double[] g = new double[x.length];
    f.lossAndGradient(x, g);
    double h = 1e-6;
    for (int i = 0; i < x.length; i++) {
      double[] p = x.clone(), m = x.clone();
      p[i] += h;
      m[i] -= h;
      double fd = (f.lossAndGradient(p, new double[x.length])
          - f.lossAndGradient(m, new double[x.length])) / (2 * h);
      assertEquals(fd, g[i], tol, "coordinate " + i);
    }
  }

  @Test
  void blockSizeDoesNotChangeTheSums() {
    Random rnd = new Random(5);
    int n = 13, d = 3, k = 3;
    double[] x = new double[n * d];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian();
    for (int i = 0; i < n; i++) y[i] = rnd.nextInt(k);
    double[] coef = new double[k * d + k];
    for (int i = 0; i < coef.length; i++) coef[i] = rnd.nextGaussian();
    SoftmaxAggregator whole = new SoftmaxAggregator(k, d).add(x, y, n, coef, new double[n * k]);
    for (int block : new int[] {1, 2, 4}) {
      SoftmaxAggregator acc = new SoftmaxAggregator(k, d);
      for (int s = 0; s < n; s += block) {
        int m = Math.min(block, n - s);
        double[] xb = java.util.Arrays.copyOfRange(x, s * d, (s + m) * d);
        int[] yb = java.util.Arrays.copyOfRange(y, s, s + m);
        acc.merge(new SoftmaxAggregator(k, d).add(xb, yb, m, coef, new double[m * k]));
      }
      assertEquals(whole.lossSum(), acc.lossSum(), 1e-10);
      assertArrayEquals(whole.gradSum(), acc.gradSum(), 1e-10);
      assertEquals(n, acc.count());
    }
  }

  @Test
  void optimumMatchesScikitLearnGolden() {
    Digits dg = Digits.load();
    Golden g = dg.g();
    Scaler sc = dg.sc();
    var lr = g.root.get("lr");
    double c = lr.get("C").asDouble();
    LogisticRegression.Result r = LogisticRegression.fit(
        LocalRows.of(g.x, g.y, g.n, 10, sc), 10, 64, g.n, c, 10_000, 1e-12, sc);
    double golden = lr.get("objective").asDouble();
    // scikit-learn stops 2e-8 above the true optimum (its ftol); ours must be as low, and close
    assertTrue(r.lbfgs().value() <= golden + 1e-9, r.lbfgs().value() + " vs " + golden);
    assertEquals(golden, r.lbfgs().value(), 1e-6 * golden);
    int[] pred = Golden.ints(lr.get("pred_eval"));
    int agree = 0;
    for (int i = 0; i < g.nEval; i++) {
      if (pred[i] == r.model().predict(Golden.row(g.xEval, i, 64))) agree++;
    }
    assertTrue(agree >= g.nEval - 1, agree + " of " + g.nEval + " predictions agree");
    double[] proba = Golden.doubles(lr.get("proba_eval"));
    for (int i = 0; i < g.nEval; i++) {
      double[] s = r.model().scores(Golden.row(g.xEval, i, 64));
      Softmax.softmaxInPlace(s, 0, 10);
      for (int k = 0; k < 10; k++) assertEquals(proba[i * 10 + k], s[k], 5e-3);
    }
  }

  @Test
  void twoClassesFitScikitLearnsBinaryModel() {
    // binary LR with C equals multinomial with C/2: the decision function equals the binary one.
    Random rnd = new Random(11);
    int n = 60, d = 2;
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      x[i * d] = (float) (rnd.nextGaussian() + y[i]);
      x[i * d + 1] = (float) rnd.nextGaussian();
    }
    double c = 2.0;
    Scaler id = Scaler.identity(d);
    LogisticRegression.Result multi = LogisticRegression.fit(
        LocalRows.of(x, y, n, 2, id), 2, d, n, c, 5000, 1e-12, id);
    // the binary objective 1/2 |w|^2 + C sum log(1 + exp(-s_i (w x + b))) has zero gradient at w
    double[] w = new double[d];
    for (int j = 0; j < d; j++) w[j] = multi.model().weights()[d + j] - multi.model().weights()[j];
    double b = multi.model().bias()[1] - multi.model().bias()[0];
    double[] grad = new double[d + 1];
    for (int i = 0; i < n; i++) {
      double z = b;
      for (int j = 0; j < d; j++) z += w[j] * x[i * d + j];
      double p = 1 / (1 + Math.exp(-z));
      for (int j = 0; j < d; j++) grad[j] += c * (p - y[i]) * x[i * d + j];
      grad[d] += c * (p - y[i]);
    }
    for (int j = 0; j < d; j++) grad[j] += w[j];
    for (double gi : grad) assertEquals(0, gi, 1e-4);
  }

  @Test
  void preconditionedGradientIsTheChainRuleOfTheModelGradient() {
    Random rnd = new Random(5);
    int n = 30, d = 4, k = 3;
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) x[i] = (float) (3 + 2 * rnd.nextGaussian());
    for (int i = 0; i < n; i++) y[i] = rnd.nextInt(k);
    LossFunction f = LogisticObjective.of(
        LocalRows.of(x, y, n, k, Scaler.identity(d)), k, d, 0.7, n);
    double[] scaled = new double[n * d];
    for (int i = 0; i < x.length; i++) scaled[i] = x[i];
    Preconditioner pre = Preconditioner.ofRows(scaled, n, d);
    LossFunction g = pre.wrap(f, k);
    double[] v = new double[k * d + k];
    for (int i = 0; i < v.length; i++) v[i] = 0.3 * rnd.nextGaussian();
    // the map and its inverse
    assertArrayEquals(v, pre.fromModel(pre.toModel(v, k), k), 1e-12);
    // same objective value at corresponding points; gradient by central differences in v
    assertEquals(f.lossAndGradient(pre.toModel(v, k), new double[v.length]),
        g.lossAndGradient(v, new double[v.length]), 1e-12);
    assertGradientByCentralDifferences(g, v, 1e-6);
    // the wrapped function reuses its arrays: every evaluation overwrites the whole gradient
    // (grad arrives full of NaN) and depends only on its point, bit for bit
    double[] first = new double[v.length];
    java.util.Arrays.fill(first, Double.NaN);
    double value = g.lossAndGradient(v, first);
    double[] elsewhere = v.clone();
    for (int i = 0; i < v.length; i++) elsewhere[i] += 1.5;
    g.lossAndGradient(elsewhere, new double[v.length]);
    double[] again = new double[v.length];
    java.util.Arrays.fill(again, Double.NaN);
    assertEquals(value, g.lossAndGradient(v, again), 0);
    assertArrayEquals(first, again, 0);
  }

  @Test
  void theLineSearchsEvaluationOfTheAcceptedPointIsReused() {
    // the line search has already evaluated the point L-BFGS accepts; the run's cache must hand
    // that evaluation back (each one is a pass over the data): a miss would cost one evaluation
    // per iteration, about twice as many in all
    Digits dg = Digits.load();
    Golden g = dg.g();
    LogisticObjective.DataTerm rows = LocalRows.of(g.x, g.y, g.n, 10, dg.sc());
    int[] calls = {0};
    LogisticRegression.Result r = LogisticRegression.fit(coef -> {
      calls[0]++;
      return rows.sums(coef);
    }, 10, 64, g.n, 1.0, 10_000, 1e-10, dg.sc(), null, dg.pre());
    int it = r.lbfgs().iterations();
    assertEquals(calls[0], r.lbfgs().evaluations());
    assertTrue(it > 20 && calls[0] < 1.25 * it, calls[0] + " evaluations for " + it + " iterations");
  }

  @Test
  void theRunTakesBreezesOwnStepsBitForBit() {
    // BreezeLbfgs.minimize replaces Breeze's evaluation cache and line-search function with ones
    // that reuse their arrays; without curvature pairs it must be Breeze's LBFGS, bit for bit.
    // Its 650 coefficients take Breeze's native dot product where native BLAS is loaded, which
    // linprobe declines where it is not reproducible (and Breeze's own run is not, either)
    org.junit.jupiter.api.Assumptions.assumeTrue(Blas.nativeDot()
        || !(dev.ludovic.netlib.blas.BLAS.getInstance()
            instanceof dev.ludovic.netlib.blas.NativeBLAS),
        "this native BLAS's dot product is not reproducible: Breeze's run has no fixed bits");
    Digits dg = Digits.load();
    Golden g = dg.g();
    LossFunction f = dg.pre().wrap(LogisticObjective.of(
        LocalRows.of(g.x, g.y, g.n, 10, dg.sc()), 10, 64, 1.0, g.n), 10);
    double[] x0 = new double[10 * 64 + 10];
    int m = linprobe.CurveOptions.LBFGS_MEMORY;
    LbfgsResult stock = BreezeLbfgs.minimizeStock(f, x0, 10_000, m, 1e-10);
    LbfgsResult ours = BreezeLbfgs.minimize(f, x0, 10_000, m, 1e-10, null, 0, false, Double.NaN,
        false);
    assertTrue(stock.converged() && stock.iterations() > 20, stock.reason());
    assertEquals(stock.iterations(), ours.iterations());
    assertEquals(stock.evaluations(), ours.evaluations());
    assertEquals(stock.value(), ours.value()); // the same bits
    assertArrayEquals(stock.x(), ours.x()); // Double.equals: the same bits
  }

  @Test
  void shortRunsTakeBreezesOwnStepsBitForBitToo() {
    // 6 and 18 coefficients: Breeze's dot product takes its short and its unrolled paths there
    // (the digits run above, 650 coefficients, its BLAS path where native BLAS is loaded). At
    // this tolerance Breeze's stock run may log "Failure! Resetting history" as an error: a
    // line search that failed, after which both runs reset their history
    for (int[] kd : new int[][] {{2, 2}, {3, 5}}) {
      int k = kd[0], d = kd[1], n = 50;
      Random rnd = new Random(7);
      float[] x = new float[n * d];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = rnd.nextInt(k);
        for (int j = 0; j < d; j++) x[i * d + j] = (float) (rnd.nextGaussian() + 0.5 * y[i]);
      }
      LossFunction f = LogisticObjective.of(LocalRows.of(x, y, n, k, Scaler.identity(d)), k, d,
          1.0, n);
      double[] x0 = new double[k * d + k];
      int m = linprobe.CurveOptions.LBFGS_MEMORY;
      LbfgsResult stock = BreezeLbfgs.minimizeStock(f, x0, 10_000, m, 1e-12);
      LbfgsResult ours = BreezeLbfgs.minimize(f, x0, 10_000, m, 1e-12, null, 0, false,
          Double.NaN, false);
      assertTrue(stock.iterations() > 5, stock.iterations() + " iterations");
      assertEquals(stock.iterations(), ours.iterations());
      assertEquals(stock.evaluations(), ours.evaluations());
      assertEquals(stock.value(), ours.value()); // the same bits
      assertArrayEquals(stock.x(), ours.x());
    }
  }

  @Test
  void preconditioningReachesTheSameOptimumInFewerIterations() {
    Digits dg = Digits.load();
    Golden g = dg.g();
    Scaler sc = dg.sc();
    LogisticObjective.DataTerm data = LocalRows.of(g.x, g.y, g.n, 10, sc);
    LogisticRegression.Result plain = LogisticRegression.fit(data, 10, 64, g.n, 1.0, 10_000,
        1e-10, sc, null, null);
    LogisticRegression.Result pre = LogisticRegression.fit(data, 10, 64, g.n, 1.0, 10_000,
        1e-10, sc, null, dg.pre());
    assertTrue(plain.lbfgs().converged() && pre.lbfgs().converged());
    assertEquals(plain.lbfgs().value(), pre.lbfgs().value(), 1e-9);
    // the result is in the model's coordinates whichever ones the optimizer used
    for (int i = 0; i < 10 * 64; i++) {
      assertEquals(plain.model().weights()[i], pre.model().weights()[i], 2e-3);
    }
    assertTrue(pre.lbfgs().iterations() < plain.lbfgs().iterations() * 0.7,
        pre.lbfgs().iterations() + " preconditioned vs " + plain.lbfgs().iterations());
  }

  @Test
  void curvaturePairsCarriedToAnotherCAreThePairsOfThatC() {
    // the penalty is exactly quadratic: y(C2) = y(C1) + (strength2 - strength1) D s for any step
    Random rnd = new Random(11);
    int n = 25, d = 3, k = 3;
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) x[i] = (float) (2 + rnd.nextGaussian());
    for (int i = 0; i < n; i++) y[i] = rnd.nextInt(k);
    double[] scaled = new double[n * d];
    for (int i = 0; i < x.length; i++) scaled[i] = x[i];
    Preconditioner pre = Preconditioner.ofRows(scaled, n, d);
    LogisticObjective.DataTerm data = LocalRows.of(x, y, n, k, Scaler.identity(d));
    LossFunction f1 = pre.wrap(LogisticObjective.of(data, k, d, 0.3, n), k);
    LossFunction f2 = pre.wrap(LogisticObjective.of(data, k, d, 5.0, n), k);
    double[] v = new double[k * d + k];
    double[] s = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = rnd.nextGaussian();
      s[i] = 0.2 * rnd.nextGaussian();
    }
    double[] vs = v.clone();
    for (int i = 0; i < v.length; i++) vs[i] += s[i];
    Curvature at1 = new Curvature(LogisticObjective.strength(0.3, n), new double[][] {s},
        new double[][] {gradDelta(f1, v, vs)});
    Curvature carried = at1.shifted(LogisticObjective.strength(5.0, n),
        LogisticRegression.penaltyDiagonal(k, d, pre));
    assertArrayEquals(gradDelta(f2, v, vs), carried.gradDeltas()[0], 1e-12);
    assertEquals(LogisticObjective.strength(5.0, n), carried.strength(), 0);
  }

  private static double[] gradDelta(LossFunction f, double[] a, double[] b) {
    double[] ga = new double[a.length];
    double[] gb = new double[a.length];
    f.lossAndGradient(a, ga);
    f.lossAndGradient(b, gb);
    for (int i = 0; i < ga.length; i++) gb[i] -= ga[i];
    return gb;
  }

  static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
    return c;
  }

  @Test
  void startingFromTheCurvatureOfANearbyCReachesTheSameOptimumInFewerEvaluations() {
    Digits dg = Digits.load();
    Golden g = dg.g();
    Scaler sc = dg.sc();
    Preconditioner pre = dg.pre();
    LogisticObjective.DataTerm data = LocalRows.of(g.x, g.y, g.n, 10, sc);
    // as in a search for C: the fit at one C to the fold fits' tolerance, the next an eighth of
    // a decade weaker, from its solution (the refit's tolerance, to compare the optima)
    LogisticRegression.Result first = LogisticRegression.fit(data, 10, 64, g.n, 0.1, 10_000,
        1e-4, sc, null, pre, null, true);
    assertEquals(10, first.lbfgs().curvature().steps().length, "L-BFGS's memory is full");
    double[] from = first.lbfgs().x();
    double c = 0.1 * Math.pow(10, 0.125);
    LogisticRegression.Result cold = LogisticRegression.fit(data, 10, 64, g.n, c, 10_000, 1e-6,
        sc, from, pre);
    Curvature pairs = first.lbfgs().curvature();
    double[][] steps = deepCopy(pairs.steps()), deltas = deepCopy(pairs.gradDeltas());
    LogisticRegression.Result seeded = LogisticRegression.fit(data, 10, 64, g.n, c, 10_000, 1e-6,
        sc, from, pre, pairs, true);
    // the run rewrites the pairs' arrays it made as they leave its memory, never the seed's
    assertTrue(seeded.lbfgs().iterations() > 10, seeded.lbfgs().iterations() + " iterations");
    assertArrayEquals(steps, pairs.steps());
    assertArrayEquals(deltas, pairs.gradDeltas());
    // at the same C the pairs go in as they are (another C's gradient differences are shifted
    // copies): the run must leave both kinds of arrays as it found them
    LogisticRegression.Result same = LogisticRegression.fit(data, 10, 64, g.n, 0.1, 10_000, 1e-6,
        sc, from, pre, pairs, true);
    assertTrue(same.lbfgs().converged() && same.lbfgs().iterations() > 1,
        same.lbfgs().iterations() + " iterations, " + same.lbfgs().reason());
    assertArrayEquals(steps, pairs.steps());
    assertArrayEquals(deltas, pairs.gradDeltas());
    assertTrue(cold.lbfgs().converged() && seeded.lbfgs().converged(),
        cold.lbfgs().reason() + " / " + seeded.lbfgs().reason());
    assertEquals(cold.lbfgs().value(), seeded.lbfgs().value(), 1e-9);
    assertTrue(seeded.lbfgs().evaluations() < cold.lbfgs().evaluations(),
        seeded.lbfgs().evaluations() + " evaluations with the pairs vs " + cold.lbfgs().evaluations());
  }

  @Test
  void aChunkSentToBlasInPiecesSumsTheSameLossAndGradientAsRowByRow() {
    assertEquals(64, SoftmaxAggregator.gemmRows(10, 8));
    assertEquals(64, SoftmaxAggregator.gemmRows(8, 1024)); // 8,192 coefficients
    assertEquals(32, SoftmaxAggregator.gemmRows(10, 820));
    assertEquals(32, SoftmaxAggregator.gemmRows(32, 768));
    assertEquals(128, SoftmaxAggregator.gemmRows(100, 2048));
    assertEquals(Integer.MAX_VALUE, SoftmaxAggregator.gemmRows(1000, 768));
    // 100 rows of a 10-class model go to BLAS 64 rows at a time with 8 features (the last piece
    // 36 rows), 32 at a time with 1,000 (the last 4): the sums must be those of the rows one by one
    for (int d : new int[] {8, 1000}) {
      Random rnd = new Random(17);
      int n = 100, k = 10;
      double[] x = new double[n * d];
      int[] y = new int[n];
      for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian();
      for (int i = 0; i < n; i++) y[i] = rnd.nextInt(k);
      double[] coef = new double[k * d + k];
      for (int i = 0; i < coef.length; i++) coef[i] = 0.5 * rnd.nextGaussian() / Math.sqrt(d);
      SoftmaxAggregator pieces = new SoftmaxAggregator(k, d).add(x, y, n, coef, new double[n * k]);
      SoftmaxAggregator rows = new SoftmaxAggregator(k, d);
      for (int r = 0; r < n; r++) {
        rows.add(java.util.Arrays.copyOfRange(x, r * d, r * d + d), new int[] {y[r]}, 1, coef,
            new double[k]);
      }
      assertEquals(n, pieces.count());
      assertEquals(rows.lossSum(), pieces.lossSum(), 1e-10 * Math.max(1, rows.lossSum()));
      assertArrayEquals(rows.gradSum(), pieces.gradSum(), 1e-10);
    }
  }

  @Test
  void float32SumsAgreeWithTheDoubleSumsToFloat32Precision() {
    // several pieces of a chunk (gemmRows(12, 40) = 64 rows), the last one short
    Random rnd = new Random(23);
    int n = 300, d = 40, k = 12;
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) x[i] = (float) (3 * rnd.nextGaussian() + 1);
    for (int i = 0; i < n; i++) y[i] = rnd.nextInt(k);
    GaussianStats all = new GaussianStats(d);
    for (int r = 0; r < n; r++) all.add(x, r * d);
    Scaler sc = Scaler.fit(Scaler.Kind.STANDARD, all);
    double[] coef = new double[k * d + k];
    for (int i = 0; i < coef.length; i++) coef[i] = 0.3 * rnd.nextGaussian();
    SoftmaxAggregator exact = LocalRows.of(x, y, n, k, sc).sums(coef);
    double loss = exact.lossSum();
    double[] grad = exact.gradSum();
    SoftmaxAggregator f32 = LocalRows.float32(x, y, n, k, sc).sums(coef);
    assertEquals(n, f32.count());
    assertTrue(f32.lossSum() != loss, "the float32 path was taken");
    assertEquals(loss, f32.lossSum(), 1e-6 * loss);
    double gmax = 0;
    for (double v : grad) gmax = Math.max(gmax, Math.abs(v));
    assertArrayEquals(grad, f32.gradSum(), 1e-5 * gmax);
  }

  @Test
  void float32FitReachesTheDoubleOptimumWithinTheTolerance() {
    // the job's default tolerance (1e-6): Breeze stops when 20 iterations lowered the objective
    // by at most tol x its starting value (log 10 from zero); the float32 fit must end as low in
    // the double objective, and predict as the double fit and scikit-learn's golden do
    Digits dg = Digits.load();
    Golden g = dg.g();
    Scaler sc = dg.sc();
    Preconditioner pre = dg.pre();
    var lr = g.root.get("lr");
    double c = lr.get("C").asDouble(), tol = 1e-6;
    LocalRows exactRows = LocalRows.of(g.x, g.y, g.n, 10, sc);
    LogisticRegression.Result exact = LogisticRegression.fit(exactRows, 10, 64, g.n, c, 10_000,
        tol, sc, null, pre);
    LocalRows f32Rows = LocalRows.float32(g.x, g.y, g.n, 10, sc);
    LogisticRegression.Result f32 = LogisticRegression.fit(p -> p ? f32Rows : exactRows, true, 10,
        64, g.n, c, 10_000, tol, sc, null, pre, null, false);
    assertTrue(exact.lbfgs().converged() && f32.lbfgs().converged(), f32.lbfgs().reason());
    LossFunction f = LogisticObjective.of(exactRows, 10, 64, c, g.n);
    double f64OfF32 = f.lossAndGradient(f32.lbfgs().x(), new double[650]);
    double f64OfExact = f.lossAndGradient(exact.lbfgs().x(), new double[650]);
    double golden = lr.get("objective").asDouble();
    System.out.printf("float32 fit: f64 %.12f (%d it), double fit %.12f (%d it), golden %.12f%n",
        f64OfF32, f32.lbfgs().iterations(), f64OfExact, exact.lbfgs().iterations(), golden);
    assertEquals(f64OfExact, f64OfF32, tol * Math.log(10));
    assertTrue(f64OfF32 <= golden + tol * Math.log(10), f64OfF32 + " vs golden " + golden);
    int[] pred = Golden.ints(lr.get("pred_eval"));
    int agree = 0, agreeExact = 0;
    for (int i = 0; i < g.nEval; i++) {
      int p = f32.model().predict(Golden.row(g.xEval, i, 64));
      if (pred[i] == p) agree++;
      if (exact.model().predict(Golden.row(g.xEval, i, 64)) == p) agreeExact++;
    }
    assertTrue(agree >= g.nEval - 1, agree + " of " + g.nEval + " agree with scikit-learn");
    assertEquals(g.nEval, agreeExact, "predictions of the float32 and double fits");
  }

  @Test
  void float32FitOfAWideModelEndsWithoutADoublePhase() {
    // near the optimum a step lowers the objective by less than float32 can tell; Breeze's
    // sufficient-decrease test then failed there and the fit continued in double (37
    // evaluations against the double fit's 31 on these rows). The approximate Wolfe conditions
    // keep it in float32, in about as many evaluations as double.
    Pair w = Pair.wide();
    double tol = 1e-6;
    LogisticRegression.Result exact = w.fit(false, tol);
    LogisticRegression.Result f32 = w.fit(true, tol);
    assertEquals(0, w.doubleTerms, "the float32 fit continued in double");
    assertTrue(f32.lbfgs().converged(), f32.lbfgs().reason());
    assertTrue(f32.lbfgs().evaluations() <= exact.lbfgs().evaluations() + 2,
        f32.lbfgs().evaluations() + " evaluations against " + exact.lbfgs().evaluations());
    assertEquals(w.f64(exact), w.f64(f32), 1e-9 * w.f64(exact));
  }

  @Test
  void float32FitWhoseSearchFailsContinuesInDouble() {
    // a float32 term blurred far beyond float32's rounding (each evaluation at coefficients
    // jittered by 1e-3, a jitter fixed by the coefficients): near the optimum no step passes the
    // line search, the float32 run ends, and the fit continues in double to the double optimum
    Digits dg = Digits.load();
    Golden g = dg.g();
    LocalRows f32Rows = LocalRows.float32(g.x, g.y, g.n, 10, dg.sc());
    LogisticObjective.DataTerm blurred = coef -> {
      Random jitter = new Random(Arrays.hashCode(coef));
      double[] at = coef.clone();
      for (int i = 0; i < at.length; i++) at[i] += 1e-3 * jitter.nextGaussian();
      return f32Rows.sums(at);
    };
    Pair p = new Pair(LocalRows.of(g.x, g.y, g.n, 10, dg.sc()), blurred, 10, Golden.DIM, g.n,
        g.root.get("lr").get("C").asDouble(), dg.sc(), dg.pre());
    double tol = 1e-6;
    LogisticRegression.Result exact = p.fit(false, tol);
    LogisticRegression.Result f32 = p.fit(true, tol);
    assertEquals(1, p.doubleTerms, "the fit continued in double once");
    assertTrue(f32.lbfgs().converged() && !f32.lbfgs().searchFailed(), f32.lbfgs().reason());
    assertEquals(p.f64(exact), p.f64(f32), tol * Math.log(10));
  }

  /**
   * A fit's rows in double and a float32 data term over them, at C; counts the fits' requests
   * for the double rows (after a float32 run: its double phase).
   */
  private static final class Pair {
    final LocalRows exactRows;
    final LogisticObjective.DataTerm f32;
    final int k, d, n;
    final double c;
    final Scaler sc;
    final Preconditioner pre;
    int doubleTerms;

    Pair(LocalRows exactRows, LogisticObjective.DataTerm f32, int k, int d, int n, double c,
        Scaler sc, Preconditioner pre) {
      this.exactRows = exactRows;
      this.f32 = f32;
      this.k = k;
      this.d = d;
      this.n = n;
      this.c = c;
      this.sc = sc;
      this.pre = pre;
    }

    /**
     * 1,000 rows of 100 classes x 1,000 features (float32 by default), class means 0.05 x N(0, 1)
     * per feature plus N(0, 1) noise, C = 1.
     */
    static Pair wide() {
      int k = 100, d = 1000, n = 1000;
      assertTrue(LogisticRegression.float32ByDefault(k, d));
      Random rnd = new Random(7);
      float[][] mu = new float[k][d];
      for (float[] m : mu) for (int j = 0; j < d; j++) m[j] = (float) (0.05 * rnd.nextGaussian());
      float[] x = new float[n * d];
      int[] y = new int[n];
      GaussianStats all = new GaussianStats(d);
      for (int i = 0; i < n; i++) {
        y[i] = i % k;
        for (int j = 0; j < d; j++) x[i * d + j] = mu[y[i]][j] + (float) rnd.nextGaussian();
        all.add(x, i * d);
      }
      Scaler sc = Scaler.fit(Scaler.Kind.MINMAX, all);
      return new Pair(LocalRows.of(x, y, n, k, sc), LocalRows.float32(x, y, n, k, sc), k, d, n,
          1.0, sc, Preconditioner.of(sc, all));
    }

    LogisticRegression.Result fit(boolean float32, double tol) {
      doubleTerms = 0;
      return LogisticRegression.fit(p -> {
        if (!p) doubleTerms++;
        return p ? f32 : exactRows;
      }, float32, k, d, n, c, 10_000, tol, sc, null, pre, null, false);
    }

    /** The double objective at a fit's solution. */
    double f64(LogisticRegression.Result r) {
      return LogisticObjective.of(exactRows, k, d, c, n)
          .lossAndGradient(r.lbfgs().x(), new double[k * d + k]);
    }
  }

  @Test
  void float32IsTheDefaultFromAThousandWeightsForFitsAndAHundredThousandForScoring() {
    assertTrue(LogisticRegression.float32ByDefault(100, 2048));
    assertTrue(LogisticRegression.float32ByDefault(10, 768)); // workload A
    assertTrue(LogisticRegression.float32ByDefault(10, 256)); // the small table
    assertTrue(LogisticRegression.float32ByDefault(10, 100));
    assertTrue(!LogisticRegression.float32ByDefault(10, 99));
    assertTrue(!LogisticRegression.float32ByDefault(10, 64)); // the bundled digits
    assertTrue(LogisticRegression.scoreFloat32ByDefault(1000, 768));
    assertTrue(LogisticRegression.scoreFloat32ByDefault(100, 1000));
    assertTrue(!LogisticRegression.scoreFloat32ByDefault(100, 999));
    assertTrue(!LogisticRegression.scoreFloat32ByDefault(10, 2048));
  }

  /** The golden digits with the statistics of their training rows and the min-max scaler. */
  private record Digits(Golden g, GaussianStats all, Scaler sc) {
    static Digits load() {
      Golden g = Golden.digits();
      GaussianStats all = new GaussianStats(Golden.DIM);
      for (int r = 0; r < g.n; r++) all.add(g.x, r * Golden.DIM);
      return new Digits(g, all, Scaler.fit(Scaler.Kind.MINMAX, all));
    }

    Preconditioner pre() {
      return Preconditioner.of(sc, all);
    }
  }
}
