package linprobe.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import linprobe.Golden;
import linprobe.math.GaussianStats;
import linprobe.math.LocalRows;
import linprobe.math.LogisticObjective;
import linprobe.math.Preconditioner;
import linprobe.math.ScaledRows;
import linprobe.math.Scaler;
import linprobe.math.ValidationSums;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * C chosen by cross-validation against scikit-learn's LogisticRegressionCV on the same rows,
 * folds and grid (src/test/python/golden_cv_sklearn.py), and the search's own rules.
 */
class CSelectionTest {

  /** The golden rows held in memory, with the fold of each row given. */
  static final class Rows implements SubsetRows {
    final float[] x;
    final int[] y;
    final int[] fold;
    final int d;
    final int k;

    Rows(float[] x, int[] y, int[] fold, int d, int k) {
      this.x = x;
      this.y = y;
      this.fold = fold;
      this.d = d;
      this.k = k;
    }

    /** Rows with fold != f (keep = false) or fold == f (keep = true); every row when f < 0. */
    ScaledRows pick(Subset s, int f, boolean keep) {
      List<Integer> idx = new ArrayList<>();
      for (int r = 0; r < y.length; r++) {
        if (f < 0 || (fold[r] == f) == keep) idx.add(r);
      }
      float[] sx = new float[idx.size() * d];
      int[] sy = new int[idx.size()];
      for (int i = 0; i < idx.size(); i++) {
        System.arraycopy(x, idx.get(i) * d, sx, i * d, d);
        sy[i] = y[idx.get(i)];
      }
      return ScaledRows.scale(sx, sy.length, d, r -> true, s.scaler(), sy,
          new double[sy.length * d], new int[sy.length], 0);
    }

    @Override
    public LogisticObjective.DataTerm train(Subset s, int folds, int heldOut, boolean float32) {
      if (float32) throw new UnsupportedOperationException("double rows only");
      return new LocalRows(List.of(List.of(pick(s, folds == 0 ? -1 : heldOut, false))), k, d);
    }

    @Override
    public ValidationSums validate(Subset s, int folds, int f, double[] coef, boolean float32) {
      if (float32) throw new UnsupportedOperationException("double rows only");
      ScaledRows rows = pick(s, f, true);
      return new ValidationSums().add(rows, coef, k, new double[rows.n() * k]);
    }

    @Override
    public long[] foldSizes(Subset s, int folds) {
      long[] n = new long[folds];
      for (int f : fold) n[f]++;
      return n;
    }
  }

  static JsonNode sklearn() throws Exception {
    try (InputStream in = CSelectionTest.class.getResourceAsStream(
        "/golden/digits_cv_sklearn.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  static double sel(int j) {
    return CSelection.defaults().c(j);
  }

  FitResult select(boolean byError, Golden g, int[] folds, int patience) {
    return select(byError, g, folds, patience, 1e-12);
  }

  /** cvTol: the fold fits' tolerance (1e-12: at their optimum, to check the scores exactly). */
  FitResult select(boolean byError, Golden g, int[] folds, int patience, double cvTol) {
    GaussianStats all = new GaussianStats(64);
    for (int r = 0; r < g.n; r++) all.add(g.x, r * 64);
    Scaler sc = Scaler.fit(Scaler.Kind.MINMAX, all);
    Subset s = new Subset(new SubsetId.All(), g.n, sc, Preconditioner.of(sc, all));
    CSelection sel = new CSelection(1e-4, 1e4, 8, byError, 1.0, 5, patience).withCvTol(cvTol);
    LrChain chain = new LrChain(List.of(s),
        new LrChain.Settings(10, 64, Double.NaN, 20_000, 1e-12, false, sel, false));
    return chain.fit(0, 1, new Rows(g.x, g.y, folds, 64, 10), null, null, false).get(0);
  }

  /** Patience 0 is CLIP's whole coarse pass; 1 (the default) and 2 stop a walk that far past
   * the best. */
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void logLossSelectionAgreesWithLogisticRegressionCv(int patience) throws Exception {
    JsonNode ref = sklearn();
    Golden g = Golden.digits();
    FitResult f = select(false, g, Golden.ints(ref.get("folds")), patience);
    JsonNode ll = ref.get("logloss");
    assertEquals("cv", f.cSource());
    CSelection.Trace t = f.selection();
    assertEquals(ll.get("chosen_index").asInt(), t.chosen(), t.toString());
    assertEquals(ll.get("chosen_c").asDouble(), f.c(), 1e-9 * f.c());
    double[] mean = Golden.doubles(ll.get("mean"));
    double[] exact = Golden.doubles(ref.get("exact").get("logloss_mean"));
    for (int i = 0; i < t.evaluated().length; i++) {
      int j = t.evaluated()[i];
      // at every fold's optimum (scipy, gradient 1e-10) the scores agree to 1e-6 up to C = 20,
      // and within 1e-6 C / 20 up to C = 1e2: the objective flattens as C grows, and fits
      // converged to the same objective (to 1e-13) hold out scores that differ with the path
      // their rounding took: measured across three OpenBLAS kernels (Prescott, Haswell,
      // SkylakeX), 1.4e-8 relative at C = 1, 1.4e-7 at 10, 7e-7 at 56, 1.4e-6 at 1e2, about
      // 1.4e-8 C. Beyond 1e2 the training folds are nearly separable and the optimum is flat
      // along a ray: solvers stop apart (2e-6 relative at C = 1e3, 1e-4 at 1e4), far from the
      // choice; LogisticRegressionCV's own fits stop short by up to ~1e-4 relative everywhere
      double tol = sel(j) <= 1e2 ? 1e-6 * Math.max(1, sel(j) / 20) : 2e-4;
      assertEquals(exact[j], t.scores()[i], tol * exact[j], "held-out log-loss at index " + j);
      assertEquals(mean[j], t.scores()[i], 3e-4 * mean[j], "LogisticRegressionCV at index " + j);
    }
    int[] want = Golden.ints(ll.get("predictions"));
    int agree = 0;
    for (int r = 0; r < g.nEval; r++) {
      if (f.fitted().predict(Golden.row(g.xEval, r, 64)) == want[r]) agree++;
    }
    assertTrue(agree >= g.nEval - 1, agree + " of " + g.nEval + " refit predictions agree");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void errorSelectionAgreesWithLogisticRegressionCv(int patience) throws Exception {
    JsonNode ref = sklearn();
    FitResult f = select(true, Golden.digits(), Golden.ints(ref.get("folds")), patience);
    JsonNode err = ref.get("error");
    CSelection.Trace t = f.selection();
    double[] mean = Golden.doubles(ref.get("exact").get("error_mean"));
    for (int i = 0; i < t.evaluated().length; i++) {
      assertEquals(mean[t.evaluated()[i]], t.scores()[i], 1e-12,
          "mean held-out error at grid index " + t.evaluated()[i]);
    }
    // the search sees the evaluated points only: its choice is their best, ties going to the
    // lower held-out log-loss, then the smaller C
    double[] logloss = Golden.doubles(ref.get("exact").get("logloss_mean"));
    int best = t.evaluated()[0];
    for (int i = 0; i < t.evaluated().length; i++) {
      int j = t.evaluated()[i];
      if (mean[j] < mean[best] || (mean[j] == mean[best]
          && (logloss[j] < logloss[best] || (logloss[j] == logloss[best] && j < best)))) {
        best = j;
      }
    }
    assertEquals(best, t.chosen());
    assertEquals(41, t.chosen());
    // LogisticRegressionCV takes the smaller C of a tie (index 39): the same held-out error,
    // at a higher held-out log-loss
    int sklearns = err.get("chosen_index").asInt();
    assertEquals(39, sklearns);
    assertEquals(mean[sklearns], mean[t.chosen()], 1e-15);
    assertTrue(logloss[t.chosen()] < logloss[sklearns]);
  }

  /**
   * At the default fold tolerance (1e-4, LogisticRegressionCV's own) the scores move by less than
   * the choice needs: the same C as scikit-learn's by both metrics, log-loss scores within 0.1%
   * of the folds' exact optimum (at C = 100, 3e-4 above it; LogisticRegressionCV's ~1e-4 below).
   */
  @Test
  void theDefaultFoldToleranceChoosesScikitLearnsC() throws Exception {
    JsonNode ref = sklearn();
    Golden g = Golden.digits();
    int[] folds = Golden.ints(ref.get("folds"));
    FitResult ll = select(false, g, folds, 1, CSelection.DEFAULT_CV_TOL);
    assertEquals(ref.get("logloss").get("chosen_index").asInt(), ll.selection().chosen());
    double[] exact = Golden.doubles(ref.get("exact").get("logloss_mean"));
    CSelection.Trace t = ll.selection();
    for (int i = 0; i < t.evaluated().length; i++) {
      int j = t.evaluated()[i];
      assertEquals(exact[j], t.scores()[i], 1e-3 * exact[j], "exact optimum at index " + j);
    }
    // by error: the exact scores' choice (LogisticRegressionCV's but for its tie rule, above)
    FitResult err = select(true, g, folds, 1, CSelection.DEFAULT_CV_TOL);
    assertEquals(41, err.selection().chosen());
  }

  @Test
  void searchVisitsCoarseDecadesThenHalvesAroundTheBest() {
    CSelection sel = new CSelection(1e-4, 1e4, 8, false, 1.0, 5, 0);
    assertEquals(65, sel.size());
    assertEquals(1e-4, sel.c(0), 1e-18);
    assertEquals(1.0, sel.c(32), 1e-12);
    assertEquals(1e4, sel.c(64), 1e-8);
    // a range that is not whole eighths of a decade ends at its last step below hi
    CSelection odd = new CSelection(1e-2, 50, 8, false, 1.0, 5, 0);
    assertEquals(30, odd.size());
    assertTrue(odd.c(odd.size() - 1) <= 50 && odd.c(odd.size() - 1) * Math.pow(10, 1.0 / 8) > 50);
    for (double lo : new double[] {1e-4, 1e-3, 0.1, 1, 3}) {
      for (int decades = 1; decades <= 8; decades++) {
        assertEquals(8 * decades + 1, new CSelection(lo, lo * Math.pow(10, decades), 8, false, 1.0,
            5, 0).size(), lo + " x 1e" + decades);
      }
    }
    // a valley at 45.2: the coarse best is 48; then 44 and 52 (best 44), 42 and 46 (best 46),
    // 45 and 47 (best 45)
    CSelection.Trace t = sel.search(j -> Math.abs(j - 45.2));
    assertArrayEquals(new int[] {0, 8, 16, 24, 32, 40, 48, 56, 64, 44, 52, 42, 46, 45, 47},
        t.evaluated());
    assertEquals(45, t.chosen());
    // ties go to the smaller C (the stronger regularization)
    assertEquals(16, sel.search(j -> j < 16 ? 2.0 : 1.0).chosen());
  }

  @Test
  void aWalkStartsWhereItIsToldAndStopsPatienceStepsPastTheBest() {
    CSelection two = new CSelection(1e-4, 1e4, 8, false, 1.0, 5, 2);
    CSelection one = new CSelection(1e-4, 1e4, 8, false, 1.0, 5, 1);
    // no previous choice: from lo a decade at a time; a valley at 21.3 stops the walk two
    // decades past 24 (patience 2) or one (patience 1), then the refinement halves from 4
    CSelection.Trace t = two.search(-1, j -> Math.abs(j - 21.3));
    assertArrayEquals(new int[] {0, 8, 16, 24, 32, 40, 20, 28, 18, 22, 21, 23}, t.evaluated());
    assertEquals(21, t.chosen());
    t = one.search(-1, j -> Math.abs(j - 21.3));
    assertArrayEquals(new int[] {0, 8, 16, 24, 32, 20, 28, 18, 22, 21, 23}, t.evaluated());
    assertEquals(21, t.chosen());
    // from the previous choice (26), log-loss: a grid step at a time each way, no refinement;
    // 3 values of C where the choice stays or moves one step up, 4 where it moves one down
    t = one.search(26, j -> Math.abs(j - 27.4));
    assertArrayEquals(new int[] {26, 27, 28}, t.evaluated());
    assertEquals(27, t.chosen());
    assertArrayEquals(new int[] {26, 27, 25}, one.search(26, j -> Math.abs(j - 26.2)).evaluated());
    assertArrayEquals(new int[] {26, 27, 25, 24}, one.search(26, j -> Math.abs(j - 25.1)).evaluated());
    // from the low end: no walk below it
    assertArrayEquals(new int[] {0, 1}, one.search(0, j -> j).evaluated());
    // patience 2: each walk two steps past the best
    t = two.search(26, j -> Math.abs(j - 27.4));
    assertArrayEquals(new int[] {26, 27, 28, 29, 25}, t.evaluated());
    assertEquals(27, t.chosen());
    // the walk goes on while the score improves, and is clamped onto the ends of the range
    t = one.search(60, j -> -j);
    assertArrayEquals(new int[] {60, 61, 62, 63, 64}, t.evaluated());
    assertEquals(64, t.chosen());
    t = one.search(40, j -> Math.abs(j - 36.6));
    assertArrayEquals(new int[] {40, 41, 39, 38, 37, 36}, t.evaluated());
    assertEquals(37, t.chosen());
    // patience 0 ignores the previous choice: every decade from lo
    CSelection all = new CSelection(1e-4, 1e4, 8, false, 1.0, 5, 0);
    assertEquals(0, all.search(26, j -> Math.abs(j - 27.4)).evaluated()[0]);
    assertEquals(26, one.index(one.c(26)));
    assertEquals(0, one.index(1e-9));
    assertEquals(64, one.index(1e9));
  }

  @Test
  void aScoreThatIsNotANumberIsWorseThanEveryNumberAndIsScoredOnce() {
    CSelection sel = new CSelection(1e-4, 1e4, 8, false, 1.0, 5, 1);
    int[] calls = new int[sel.size()];
    // the weak end's fits overflow (NaN from index 40 on); the valley is at 30.2
    CSelection.Trace t = sel.search(j -> {
      calls[j]++;
      return j >= 40 ? Double.NaN : Math.abs(j - 30.2);
    });
    assertEquals(30, t.chosen());
    for (int j = 0; j < calls.length; j++) assertTrue(calls[j] <= 1, "index " + j);
    // nothing but NaN (once: every C scored again at each step, past the grid's size): the
    // search ends, each C scored at most once, on an index of the grid
    Arrays.fill(calls, 0);
    for (int previous : new int[] {-1, 20}) {
      CSelection.Trace none = sel.search(previous, j -> {
        calls[j]++;
        return Double.NaN;
      });
      assertTrue(none.chosen() >= 0 && none.chosen() < sel.size(), none.toString());
      for (int j = 0; j < calls.length; j++) assertTrue(calls[j] <= 1, "index " + j);
      Arrays.fill(calls, 0);
    }
  }

  @Test
  void byErrorEverySubsetIsSweptWhateverThePatienceAndThePreviousChoice() {
    // held-out error at the strong end: the same at every C up to index 20 (the weights all
    // point along the class means), a first valley at 26, the deeper one at 45
    java.util.function.IntToDoubleFunction error = j -> j <= 20 ? 0.5
        : j <= 30 ? 0.3 + 0.01 * Math.abs(j - 26) : 0.2 + 0.01 * Math.abs(j - 45);
    CSelection byError = new CSelection(1e-4, 1e4, 8, true, 1.0, 5, 1);
    int[] sweep = {0, 8, 16, 24, 32, 40, 48, 56, 64, 44, 52, 42, 46, 43, 45};
    for (int previous : new int[] {-1, 0, 4, 26}) {
      CSelection.Trace t = byError.search(previous, error);
      assertArrayEquals(sweep, t.evaluated(), "previous " + previous);
      assertEquals(45, t.chosen());
    }
    // the same by log-loss would walk (here from 26, into the first valley: the walks assume
    // one valley, which held-out log-loss has)
    CSelection byLogloss = new CSelection(1e-4, 1e4, 8, false, 1.0, 5, 1);
    assertEquals(26, byLogloss.search(26, error).chosen());
    // ties go to the lower tie-break (held-out log-loss), then to the smaller C
    assertEquals(16, byError.search(-1, j -> j < 16 ? 0.5 : 0.3).chosen());
    // (the refinement around the coarse pass's best reaches the tie-break's lowest)
    assertEquals(25, byError.search(-1, j -> j < 16 ? 0.5 : 0.3, j -> Math.abs(j - 25)).chosen());
    assertEquals(20, byError.search(-1, j -> j < 16 ? 0.5 : 0.3, j -> j >= 20 ? 1 : 2)
        .chosen());
    // a plateau at the strong end no longer ends on its smallest C: at 2 shots on the digits
    // error tied over 13 grid points and chose C = 1e-4, a model of uniform probabilities
    assertEquals(33, byError.search(-1, j -> j <= 40 ? 0.4 : 0.45, j -> Math.abs(j - 33))
        .chosen());
  }

  @Test
  void foldsWithoutRowsScoreNothingAndOneFoldWithEveryRowFallsBack() throws Exception {
    // all's folds come from a hash: in a tiny table some get no rows (once a crash: every C
    // scored NaN, and the search chose index -1)
    Golden g = Golden.digits();
    int[] twoOfFive = new int[g.n];
    for (int r = 0; r < g.n; r++) twoOfFive[r] = 3 * (r % 2); // folds 0 and 3; 1, 2, 4 empty
    FitResult cv = select(false, g, twoOfFive, 1, CSelection.DEFAULT_CV_TOL);
    assertEquals("cv", cv.cSource());
    for (double score : cv.selection().scores()) assertTrue(Double.isFinite(score));
    FitResult one = select(false, g, new int[g.n], 1, CSelection.DEFAULT_CV_TOL); // all in fold 0
    assertEquals("fallback", one.cSource());
    assertEquals(1.0, one.c());
  }

  @Test
  void oneShotSubsetsFallBackAndSampledSubsetsUseAtMostShotsFolds() {
    CSelection sel = CSelection.defaults();
    assertEquals(1, sel.foldsFor(new SubsetId.Sampled(0, 0, 0, 1)));
    assertEquals(2, sel.foldsFor(new SubsetId.Sampled(0, 0, 1, 2)));
    assertEquals(5, sel.foldsFor(new SubsetId.Sampled(0, 0, 3, 10)));
    assertEquals(5, sel.foldsFor(new SubsetId.All()));
  }
}
