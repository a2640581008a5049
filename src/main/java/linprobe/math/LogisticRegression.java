package linprobe.math;

import java.util.Arrays;

/**
 * Multinomial logistic regression fitted by Breeze's L-BFGS on scikit-learn's objective (see
 * {@link LogisticObjective}). With two classes scikit-learn fits the binary model, whose penalty
 * on the single coefficient vector w = W_1 - W_0 is twice the multinomial one at its optimum
 * (W_1 = -W_0 = w/2); fitting the multinomial model with C/2 gives exactly the binary solution.
 */
public final class LogisticRegression {
  private LogisticRegression() {}

  /** The fitted model and how the optimizer got there. */
  public record Result(LinearModel model, LbfgsResult lbfgs) {}

  public static Result fit(LogisticObjective.DataTerm data, int classes, int dim, long rows,
      double c, int maxIter, double tol, Scaler scaler) {
    return fit(data, classes, dim, rows, c, maxIter, tol, scaler, null, null);
  }

  /**
   * @param start initial coefficients [W, b] (a warm start), or null for zeros
   * @param pre the optimizer's change of variables, or null to optimize over [W, b] directly;
   *     either way the result is in [W, b]
   */
  public static Result fit(LogisticObjective.DataTerm data, int classes, int dim, long rows,
      double c, int maxIter, double tol, Scaler scaler, double[] start, Preconditioner pre) {
    return fit(data, classes, dim, rows, c, maxIter, tol, scaler, start, pre, null, false);
  }

  /**
   * As above, L-BFGS starting from the curvature pairs of a fit of the same rows with the same
   * change of variables at another C (carried over to this C, see {@link Curvature}), or from
   * none when curvature is null. With keep the result's curvature is this fit's, for the next
   * one; without it, null (at 1,000 classes the pairs are hundreds of megabytes).
   */
  public static Result fit(LogisticObjective.DataTerm data, int classes, int dim, long rows,
      double c, int maxIter, double tol, Scaler scaler, double[] start, Preconditioner pre,
      Curvature curvature, boolean keep) {
    return fit(data, classes, dim, rows, c, maxIter, tol, scaler, start, pre, curvature, keep,
        Double.NaN, false);
  }

  /**
   * As above; valueScale, when not NaN, makes Breeze's objective-value test absolute: tol x
   * valueScale; floor: data is known to float32 precision, a failed line search ends the run
   * (see {@link BreezeLbfgs}).
   */
  private static Result fit(LogisticObjective.DataTerm data, int classes, int dim, long rows,
      double c, int maxIter, double tol, Scaler scaler, double[] start, Preconditioner pre,
      Curvature curvature, boolean keep, double valueScale, boolean floor) {
    double cEff = classes == 2 ? c / 2 : c;
    double strength = LogisticObjective.strength(cEff, rows);
    LossFunction f = LogisticObjective.of(data, classes, dim, cEff, rows);
    double[] x0 = start != null ? start.clone() : new double[classes * dim + classes];
    if (pre != null) {
      f = pre.wrap(f, classes);
      x0 = pre.fromModel(x0, classes);
    }
    Curvature seed = curvature == null ? null
        : curvature.shifted(strength, penaltyDiagonal(classes, dim, pre));
    LbfgsResult r = BreezeLbfgs.minimize(f, x0, maxIter, linprobe.CurveOptions.LBFGS_MEMORY, tol,
        seed, strength, keep, valueScale, floor);
    if (pre != null) {
      r = r.at(pre.toModel(r.x(), classes));
    }
    double[] w = Arrays.copyOf(r.x(), classes * dim);
    double[] b = Arrays.copyOfRange(r.x(), classes * dim, classes * dim + classes);
    return new Result(new LinearModel(classes, dim, false, w, b, scaler), r);
  }

  /**
   * Models of at least this many weights (classes x features) are fitted with float32 GEMMs by
   * default (--lr-gemm auto). One loss evaluation over 8,192 rows runs 1.5-1.7x faster in
   * float32 at every shape measured on an AVX2 machine, 10 x 64 to 100 x 2,048 (`jobs/bench jmh
   * PrecisionBench`; 1.4-1.9x on an AVX-512 one); the whole fits of workload A (10 x 768) took
   * 30% less time, the small table's (10 x 256) 20% less, with the same errors and log-loss
   * within 3e-7 relative (docs/performance.md, "Narrow models in float32"). Below 1,000
   * weights (the bundled digits' 640) a fit takes milliseconds either way, and stays in double.
   * A fixed function of the shape, so a fit's numbers do not depend on where or how it ran.
   */
  public static final long FLOAT32_MIN_WEIGHTS = 1_000;

  /**
   * Linear models of at least this many weights are scored on the test set in float32 by
   * default (--score-gemm auto): narrower scoring is a small share of a run.
   */
  public static final long SCORE_FLOAT32_MIN_WEIGHTS = 100_000;

  /** Whether --lr-gemm auto fits a model of classes x dim with float32 GEMMs. */
  public static boolean float32ByDefault(int classes, int dim) {
    return (long) classes * dim >= FLOAT32_MIN_WEIGHTS;
  }

  /** Whether --score-gemm auto scores a linear model of classes x dim in float32. */
  public static boolean scoreFloat32ByDefault(int classes, int dim) {
    return (long) classes * dim >= SCORE_FLOAT32_MIN_WEIGHTS;
  }

  /** A subset's data term over its rows scaled to float32 or to double. */
  @FunctionalInterface
  public interface Terms {
    LogisticObjective.DataTerm get(boolean float32);
  }

  /**
   * As {@link #fit(LogisticObjective.DataTerm, int, int, long, double, int, double, Scaler,
   * double[], Preconditioner, Curvature, boolean)}, over float32 rows when float32 is set: the
   * GEMMs in float32, sums in double (see {@link SoftmaxAggregator}). Breeze's tests then see
   * the objective to about 1e-8 of its value, far inside the tolerance (1e-6 of the starting
   * value by default), so the run stops as a double one would. Near the optimum a step lowers
   * the objective by less than float32 can tell; the float32 run's line search
   * ({@link Float32LineSearch}) then judges the decrease by the directional derivative. Should
   * it still find no step, the fit continues in double from there, seeded with the curvature
   * pairs the float32 run ended with, its objective-value test absolute, tol x the float32
   * run's starting value (what it was for the float32 run, not a stricter one relative to where
   * double took over), its gradient test as in any run: the result has passed Breeze's tests on
   * the double objective. (The objective-value test needs 20 iterations of the double run's own
   * first; near the optimum the gradient test usually passes sooner.) Iterations and
   * evaluations are both runs'; the double run gets the iterations left of maxIter (at least
   * one).
   */
  public static Result fit(Terms data, boolean float32, int classes, int dim, long rows,
      double c, int maxIter, double tol, Scaler scaler, double[] start, Preconditioner pre,
      Curvature curvature, boolean keep) {
    if (!float32) {
      return fit(data.get(false), classes, dim, rows, c, maxIter, tol, scaler, start, pre,
          curvature, keep);
    }
    Result coarse = fit(data.get(true), classes, dim, rows, c, maxIter, tol, scaler, start, pre,
        curvature, true, Double.NaN, true);
    LbfgsResult a = coarse.lbfgs();
    if (!a.searchFailed()) {
      return keep ? coarse : new Result(coarse.model(), a.withoutCurvature());
    }
    int iterations = a.iterations(), evaluations = a.evaluations();
    double initial = a.initialValue();
    double[] from = a.x();
    Curvature pairs = a.curvature();
    // nothing else of the float32 run stays reachable during the double one (its pairs are
    // Breeze's arrays, handed on without a copy: hundreds of MB at 1,000 classes)
    coarse = null;
    a = null;
    Result exact = fit(data.get(false), classes, dim, rows, c, Math.max(1, maxIter - iterations),
        tol, scaler, from, pre, pairs, keep, initial, false);
    LbfgsResult b = exact.lbfgs();
    return new Result(exact.model(), new LbfgsResult(b.x(), b.value(), iterations + b.iterations(),
        b.converged(), b.reason(), evaluations + b.evaluations(), b.curvature(), initial,
        b.searchFailed()));
  }

  /**
   * A cross-validation fold's fit, which only scores a C: as
   * {@link #fit(LogisticObjective.DataTerm, int, int, long, double, int, double, Scaler,
   * double[], Preconditioner, Curvature, boolean)}
   * over data, whose rows are float32 when float32 is set. A float32 run's line search is
   * {@link Float32LineSearch}, and where it finds no step the fit ends there, converged as far
   * as float32 can tell, rather than going on in double as a model's fit does: a fold fit
   * only scores its C on held-out rows, and at the default --lr-cv-tol (1e-4, 10,000 x
   * float32's error on the objective) Breeze's own tests end it first. On workload A the
   * tuned table's C choices and errors are those of double fold fits (docs/performance.md).
   */
  public static Result foldFit(LogisticObjective.DataTerm data, boolean float32, int classes,
      int dim, long rows, double c, int maxIter, double tol, Scaler scaler, double[] start,
      Preconditioner pre, Curvature curvature, boolean keep) {
    return fit(data, classes, dim, rows, c, maxIter, tol, scaler, start, pre, curvature, keep,
        Double.NaN, float32);
  }

  /**
   * The diagonal D of the L2 penalty's Hessian (strength x D) in the optimizer's coordinates:
   * 1 on the weights, or inv_j^2 on the weights of feature j under the change of variables
   * (W = V inv), and 0 on the intercepts.
   */
  static double[] penaltyDiagonal(int classes, int dim, Preconditioner pre) {
    double[] d = new double[classes * dim + classes];
    for (int k = 0; k < classes; k++) {
      for (int j = 0; j < dim; j++) {
        double s = pre == null ? 1 : pre.invStd()[j];
        d[k * dim + j] = s * s;
      }
    }
    return d;
  }

  /**
   * Runs a tiny fit so that Breeze, the Scala collections under it and the BLAS binding are
   * loaded and initialised (about 1.5 s the first time in a JVM). CurveJob calls it in the
   * background while Spark reads the data, so the first real fit in this JVM does not pay it.
   */
  public static void warmUp() {
    float[] x = {0, 1, 2, 3};
    int[] y = {0, 0, 1, 1};
    Scaler id = Scaler.identity(1);
    fit(LocalRows.of(x, y, 4, 2, id), 2, 1, 4, 1.0, 20, 1e-6, id);
  }
}
