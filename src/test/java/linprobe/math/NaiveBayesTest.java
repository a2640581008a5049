package linprobe.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import linprobe.Golden;
import org.junit.jupiter.api.Test;

class NaiveBayesTest {
  static GaussianStats[] stats(float[] x, int[] y, int n, int classes, int d) {
    GaussianStats[] st = new GaussianStats[classes];
    for (int c = 0; c < classes; c++) st[c] = new GaussianStats(d);
    for (int r = 0; r < n; r++) st[y[r]].add(x, r * d);
    return st;
  }

  static Scaler minmax(GaussianStats[] st) {
    return Scaler.fit(Scaler.Kind.MINMAX, GaussianStats.pooled(st));
  }

  @Test
  void sharedVarianceMatchesClosedFormOnHandMadeRows() {
    // class 0: (0,0), (2,0); class 1: (4,6), (4,8), (4,10). d = 2, m = 5.
    float[] x = {0, 0, 2, 0, 4, 6, 4, 8, 4, 10};
    int[] y = {0, 0, 1, 1, 1};
    GaussianStats[] st = stats(x, y, 5, 2, 2);
    double eps = 1e-9;
    Scaler id = Scaler.identity(2);
    // var_0 = (1, 0) + eps, var_1 = (0, 8/3) + eps; pi = (2/5, 3/5)
    double s0 = 0.4 * (1 + eps) + 0.6 * eps, s1 = 0.4 * eps + 0.6 * (8.0 / 3 + eps);
    assertArrayEquals(new double[] {s0, s1}, NaiveBayes.pooledVariance(st, id, eps), 1e-15);
    LinearModel m = NaiveBayes.sharedVariance(st, id, eps);
    // W_kj = mu_kj / sigma2_j, b_k = log pi_k - 1/2 sum mu^2/sigma2
    double[] w = {1 / s0, 0, 4 / s0, 8 / s1};
    assertArrayEquals(w, m.weights(), 1e-9);
    assertArrayEquals(new double[] {Math.log(0.4) - 0.5 * (1 / s0),
        Math.log(0.6) - 0.5 * (16 / s0 + 64 / s1)}, m.bias(), 1e-9);
  }

  @Test
  void sharedVarianceLinearFormEqualsItsDefinition() {
    Golden g = Golden.digits();
    GaussianStats[] st = stats(g.x, g.y, g.n, Golden.CLASSES, Golden.DIM);
    Scaler sc = minmax(st);
    LinearModel m = NaiveBayes.sharedVariance(st, sc, 1e-9);
    double[] sigma2 = NaiveBayes.pooledVariance(st, sc, 1e-9);
    for (int r = 0; r < g.nEval; r++) {
      float[] row = Golden.row(g.xEval, r, Golden.DIM);
      double[] xs = new double[Golden.DIM];
      sc.apply(row, 0, 1, xs);
      double[] def = new double[Golden.CLASSES];
      for (int c = 0; c < Golden.CLASSES; c++) {
        GaussianStats sk = st[c].scaled(sc);
        double q = 0;
        for (int j = 0; j < Golden.DIM; j++) {
          q += (xs[j] - sk.mean()[j]) * (xs[j] - sk.mean()[j]) / sigma2[j];
        }
        def[c] = Math.log((double) st[c].count() / g.n) - 0.5 * q;
      }
      // the linear scores drop the class-independent -1/2 sum x^2/sigma2: differences agree
      double[] lin = m.scores(row);
      for (int c = 1; c < Golden.CLASSES; c++) {
        assertEquals(def[c] - def[0], lin[c] - lin[0], 1e-6 * (1 + Math.abs(def[c] - def[0])));
      }
    }
  }

  @Test
  void sharedVarianceMatchesGoldenNumpyModel() {
    Golden g = Golden.digits();
    GaussianStats[] st = stats(g.x, g.y, g.n, Golden.CLASSES, Golden.DIM);
    Scaler sc = minmax(st);
    LinearModel m = NaiveBayes.sharedVariance(st, sc, 1e-9);
    double[] w = Golden.doubles(g.root.get("shared_nb").get("W"));
    double[] b = Golden.doubles(g.root.get("shared_nb").get("b"));
    for (int i = 0; i < w.length; i++) assertEquals(w[i], m.weights()[i], 1e-6 * (1 + Math.abs(w[i])));
    assertArrayEquals(b, m.bias(), 1e-6);
    int[] pred = Golden.ints(g.root.get("shared_nb").get("pred_eval"));
    for (int r = 0; r < g.nEval; r++) assertEquals(pred[r], m.predict(Golden.row(g.xEval, r, 64)));
  }

  @Test
  void perClassVarianceMatchesScikitLearnGaussianNB() {
    Golden g = Golden.digits();
    GaussianStats[] st = stats(g.x, g.y, g.n, Golden.CLASSES, Golden.DIM);
    Scaler sc = minmax(st);
    LinearModel m = NaiveBayes.perClassVariance(st, sc, 1e-9);
    var gnb = g.root.get("gnb");
    double[] theta = Golden.doubles(gnb.get("theta"));
    double[] var = Golden.doubles(gnb.get("var"));
    for (int c = 0; c < Golden.CLASSES; c++) {
      GaussianStats sk = st[c].scaled(sc);
      for (int j = 0; j < Golden.DIM; j++) {
        assertEquals(theta[c * 64 + j], sk.mean()[j], 1e-9);
        // quadratic coefficient is -1/(2 var): recover var including the smoothing
        assertEquals(var[c * 64 + j], -0.5 / m.weights()[c * 128 + 64 + j],
            1e-9 * Math.max(1, var[c * 64 + j]));
      }
    }
    int[] pred = Golden.ints(gnb.get("pred_eval"));
    for (int r = 0; r < g.nEval; r++) assertEquals(pred[r], m.predict(Golden.row(g.xEval, r, 64)));
    double[] logProba = Golden.doubles(gnb.get("log_proba_eval"));
    for (int r = 0; r < logProba.length / Golden.CLASSES; r++) {
      double[] s = m.scores(Golden.row(g.xEval, r, 64));
      double lse = Softmax.softmaxInPlace(s.clone(), 0, Golden.CLASSES);
      for (int c = 0; c < Golden.CLASSES; c++) {
        double expect = logProba[r * 10 + c];
        assertEquals(expect, s[c] - lse, 1e-6 * Math.max(1, Math.abs(expect)));
      }
    }
  }
}
