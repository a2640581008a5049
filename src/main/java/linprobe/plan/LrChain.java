package linprobe.plan;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import linprobe.math.Curvature;
import linprobe.math.LogisticRegression;
import linprobe.math.Scaler;
import linprobe.math.ValidationRows;
import linprobe.math.ValidationSums;

/**
 * The logistic regressions of one seed's nested subsets, in ascending size (or of "all" alone),
 * fitted one after another, each optionally warm-started from the previous solution. A chain
 * runs wherever its rows are: its small prefix inside one Spark task on the rows shipped there,
 * the rest on the driver with the loss summed over the cluster; both sum the same partitions in
 * the same order, so where a fit ran never changes its numbers.
 *
 * <p>With a {@link CSelection}, each subset's C is chosen by stratified cross-validation inside
 * the subset (the honest few-shot protocol: a k-shot user has only k labels per class), then the
 * subset is refitted with it; or, with --select validation, on held-out validation rows (see
 * {@link #onValidation}).
 */
public final class LrChain implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * What every logistic regression of a run shares.
   *
   * @param c the fixed C, used when selection is null
   * @param selection how C is chosen from data, or null for the fixed c
   * @param float32 the fits' GEMMs in float32 (--lr-gemm), the fold fits' that choose C too
   *     ({@link LogisticRegression#foldFit})
   */
  public record Settings(int classes, int dim, double c, int maxIter, double tol,
      boolean warmStart, CSelection selection, boolean float32) implements Serializable {}

  private final List<Subset> subsets;
  private final Settings settings;

  public LrChain(List<Subset> subsets, Settings settings) {
    this.subsets = List.copyOf(subsets);
    this.settings = settings;
  }

  /**
   * One chain per seed (its subsets in the order given, ascending) and one for "all"; when C is
   * chosen from data, "all" instead ends the first seed's chain, so that its search starts from
   * the largest subset's choice and solution (every row includes that subset's rows) rather than
   * walking the whole range alone: its search is the costliest of the run.
   */
  public static List<LrChain> of(List<Subset> subsets, Settings settings) {
    List<List<Subset>> chains = new ArrayList<>();
    List<Subset> current = new ArrayList<>();
    Subset all = null;
    Object chainOf = null;
    for (Subset s : subsets) {
      if (s.id() instanceof SubsetId.All) {
        all = s;
        continue;
      }
      Object key = ((SubsetId.Sampled) s.id()).seedIndex();
      if (!key.equals(chainOf) && !current.isEmpty()) {
        chains.add(current);
        current = new ArrayList<>();
      }
      chainOf = key;
      current.add(s);
    }
    if (!current.isEmpty()) chains.add(current);
    if (all != null) {
      if (settings.selection() != null && !chains.isEmpty()) chains.get(0).add(all);
      else chains.add(List.of(all));
    }
    List<LrChain> out = new ArrayList<>();
    for (List<Subset> chain : chains) out.add(new LrChain(chain, settings));
    return out;
  }

  public List<Subset> subsets() {
    return subsets;
  }

  public int classes() {
    return settings.classes();
  }

  public int size() {
    return subsets.size();
  }

  /** Training rows summed over the first count fits: a proxy for their cost. */
  public long work(int count) {
    long w = 0;
    for (int i = 0; i < count; i++) w += subsets.get(i).rows();
    return w;
  }

  /** How many of the first fits have subsets of at most budget bytes of float32 features. */
  public int prefixWithin(long budgetBytes) {
    int n = 0;
    while (n < subsets.size() && subsets.get(n).rows() * settings.dim() * 4L <= budgetBytes) n++;
    return n;
  }

  /**
   * Fits entries [from, to), each on its subset's rows, chaining from previous (the fit of
   * entry from - 1, or null): its solution is the warm start (with warm starts on) and the start
   * of the search for C, and its chosen C where the search's coarse pass starts.
   *
   * @param record finished fits kept for --resume, or null
   * @param log print a line per fit (inside Spark tasks, where the driver hears of fits only
   *     when the job ends)
   */
  public List<FitResult> fit(int from, int to, SubsetRows rows, FitResult previous,
      FitRecord record, boolean log) {
    List<FitResult> out = new ArrayList<>();
    FitResult prev = previous;
    Settings s = settings;
    for (int i = from; i < to; i++) {
      Subset subset = subsets.get(i);
      FitResult kept = record == null ? null : record.find(subset, s.classes());
      if (kept != null) {
        out.add(kept);
        prev = kept;
        continue;
      }
      long t = System.currentTimeMillis();
      double[] carried = prev != null && i > 0
          ? rescale(prev.solution(), subsets.get(i - 1).scaler(), subset.scaler(), s.classes())
          : null;
      double[] x = s.warmStart() ? carried : null;
      if (s.selection() != null && s.selection().validation()) {
        prev = keep(onValidation(subset, rows, i > 0 ? prev : null, carried, t), "", record, out,
            log);
        continue;
      }
      double c = s.c();
      String source = "fixed";
      CSelection.Trace trace = null;
      String searched = "";
      long work = 0;
      if (s.selection() != null) {
        int folds = s.selection().foldsFor(subset.id());
        long[] sizes = folds < 2 ? null : rows.foldSizes(subset, folds);
        long withRows = folds < 2 ? 0 : Arrays.stream(sizes).filter(n -> n > 0).count();
        if (withRows < 2) {
          // one shot; or all of a table whose classes have one row each (one fold)
          c = s.selection().fallbackC();
          source = "fallback";
        } else {
          boolean chained = prev != null && i > 0 && "cv".equals(prev.cSource());
          int begin = chained ? s.selection().index(prev.c()) : -1;
          Selected sel = select(subset, rows, folds, sizes, withRows, begin,
              chained ? carried : null);
          trace = sel.trace();
          c = s.selection().c(trace.chosen());
          source = "cv";
          searched = String.format(Locale.ROOT, ", %d C x %d folds, %d fold iterations",
              trace.evaluated().length, folds, sel.foldIterations());
          if (x == null) x = sel.start();
          work = sel.evaluatedRows();
        }
      }
      LogisticRegression.Result r = LogisticRegression.fit(
          f32 -> rows.train(subset, 0, -1, f32), s.float32(), s.classes(), s.dim(),
          subset.rows(), c, s.maxIter(), s.tol(), subset.scaler(), x, subset.preconditioner(),
          null, false);
      FitResult done = FitResult.logistic(subset, s.classes(), r.lbfgs().x(),
          r.lbfgs().iterations(), r.lbfgs().converged(), System.currentTimeMillis() - t)
          .withC(c, source, trace).withWork(work + r.lbfgs().evaluations() * subset.rows());
      prev = keep(done, searched, record, out, log);
    }
    return out;
  }

  /**
   * A finished fit: recorded (for --resume), added to out, and logged when asked (detail: what
   * the search for C did).
   */
  private static FitResult keep(FitResult done, String detail, FitRecord record,
      List<FitResult> out, boolean log) {
    if (record != null) record.record(done);
    out.add(done);
    if (log) {
      System.err.printf(Locale.ROOT, "linprobe: (in task) lr %s n=%d C=%.4g (%s%s) iter=%d %.1fs%n",
          done.subset().id(), done.subset().rows(), done.c(), done.cSource(), detail,
          done.iterations(), done.fitMs() / 1000.0);
    }
    return done;
  }

  /**
   * C chosen on held-out validation rows (--select validation): for each C the search asks for,
   * the subset is fitted on all its rows (penalty scaled by their count), started from the fits
   * at the C already evaluated as {@link CPath} says (the first from initial, which may be
   * null), and scored on the validation rows scaled by the subset's scaler. The fit at the
   * chosen C is the subset's model: it was fitted on the same rows, so there is nothing to
   * refit. Every subset is searched, one shot included: its validation rows are not its own.
   *
   * @param prev the fit of the previous subset of the chain, or null
   * @param carried prev's solution in this subset's coordinates, or null
   */
  private FitResult onValidation(Subset subset, SubsetRows rows, FitResult prev,
      double[] carried, long t0) {
    Settings s = settings;
    CSelection sel = s.selection();
    ValidationRows held = rows.validation();
    if (held == null) {
      throw new IllegalStateException("--select validation without validation rows");
    }
    boolean chained = prev != null && "validation".equals(prev.cSource());
    int begin = chained ? sel.index(prev.c()) : -1;
    double[] initial = chained || s.warmStart() ? carried : null;
    LogisticRegression.Result[] fitted = new LogisticRegression.Result[sel.size()];
    long[] work = {0};
    CPath path = new CPath(sel.size(), initial,
        CPath.pairBytes(1, s.classes(), s.dim(), linprobe.CurveOptions.LBFGS_MEMORY));
    double[] logloss = new double[sel.size()]; // error's tie-break
    CSelection.Trace trace = sel.search(begin, j -> {
      LogisticRegression.Result r = LogisticRegression.fit(
          f32 -> rows.train(subset, 0, -1, f32), s.float32(), s.classes(), s.dim(),
          subset.rows(), sel.c(j), s.maxIter(), s.tol(), subset.scaler(), path.start(j, 0),
          subset.preconditioner(), path.curvature(j, 0), path.keepsNext());
      // every C's fit is kept until the choice; its pairs only in the path, within its budget
      fitted[j] = new LogisticRegression.Result(r.model(), r.lbfgs().withoutCurvature());
      work[0] += r.lbfgs().evaluations() * subset.rows();
      path.put(j, new double[][] {r.lbfgs().x()}, new Curvature[] {r.lbfgs().curvature()});
      ValidationSums v = held.score(subset.scaler(), r.lbfgs().x(), s.classes());
      logloss[j] = v.mean(false);
      return v.mean(sel.byError());
    }, j -> logloss[j]);
    LogisticRegression.Result r = fitted[trace.chosen()];
    return FitResult.logistic(subset, s.classes(), r.lbfgs().x(), r.lbfgs().iterations(),
        r.lbfgs().converged(), System.currentTimeMillis() - t0)
        .withC(sel.c(trace.chosen()), "validation", trace).withWork(work[0]);
  }

  /**
   * The chosen C's trace, a start for the refit (fold 0's solution at that C), and the L-BFGS
   * iterations and rows evaluated of every fold fit (for the progress line: where the time
   * went).
   */
  private record Selected(CSelection.Trace trace, double[] start, long foldIterations,
      long evaluatedRows) {}

  /**
   * Cross-validation of C inside one subset: for each C the search asks for, one fit per fold
   * on the other folds' rows (penalty scaled by their count), started from the same fold's fits
   * at the C already evaluated as {@link CPath} says (the first C from initial, which may be
   * null), scored on the fold's rows. The search starts from grid index begin (the previous
   * subset's choice) or, when begin is -1, from the low end of the range. A fold without rows
   * (all's folds of a table whose classes have fewer rows than folds) scores nothing: the mean
   * is over the withRows folds that have rows. Such a fold is still fitted (on every row): fold 0's
   * fit starts the refit, and the folds fitted together share their GEMMs; only tiny tables
   * have one.
   */
  private Selected select(Subset subset, SubsetRows rows, int folds, long[] sizes,
      long withRows, int begin, double[] initial) {
    Settings s = settings;
    CSelection sel = s.selection();
    long total = Arrays.stream(sizes).sum();
    CPath path = new CPath(sel.size(), initial,
        CPath.pairBytes(folds, s.classes(), s.dim(), linprobe.CurveOptions.LBFGS_MEMORY));
    long all = total;
    long[] iterations = {0};
    long[] evaluated = {0};
    boolean together = FoldFits.together(folds, s.classes(), s.dim(),
        linprobe.CurveOptions.LBFGS_MEMORY);
    double[] logloss = new double[sel.size()]; // error's tie-break
    CSelection.Trace trace = sel.search(begin, j -> {
      double[][] at = new double[folds][];
      Curvature[] pairs = new Curvature[folds];
      double sum = 0, sumLogloss = 0;
      FoldFits.Fold[] setUp = new FoldFits.Fold[folds];
      boolean keep = path.keepsNext();
      for (int f = 0; f < folds; f++) {
        setUp[f] = new FoldFits.Fold(all - sizes[f], path.start(j, f), path.curvature(j, f),
            keep);
      }
      LogisticRegression.Result[] fitted = together
          ? FoldFits.fit(rows.folds(subset, folds, s.float32()), s.float32(), setUp,
              s.classes(), s.dim(), sel.c(j), s.maxIter(), sel.cvTol(), subset.scaler(),
              subset.preconditioner())
          : null;
      for (int f = 0; f < folds; f++) {
        LogisticRegression.Result r = together ? fitted[f]
            : LogisticRegression.foldFit(rows.train(subset, folds, f, s.float32()),
                s.float32(), s.classes(), s.dim(), setUp[f].rows(), sel.c(j), s.maxIter(),
                sel.cvTol(), subset.scaler(), setUp[f].start(), subset.preconditioner(),
                setUp[f].curvature(), keep);
        at[f] = r.lbfgs().x();
        pairs[f] = r.lbfgs().curvature();
        iterations[0] += r.lbfgs().iterations();
        evaluated[0] += r.lbfgs().evaluations() * (all - sizes[f]);
        if (sizes[f] == 0) continue;
        ValidationSums v = rows.validate(subset, folds, f, at[f], s.float32());
        sum += v.mean(sel.byError());
        sumLogloss += v.mean(false);
      }
      path.put(j, at, pairs);
      logloss[j] = sumLogloss / withRows;
      return sum / withRows;
    }, j -> logloss[j]);
    return new Selected(trace, path.solution(trace.chosen(), 0), iterations[0], evaluated[0]);
  }

  /**
   * Coefficients [W, b] fitted in one scaled space, mapped into another so that the raw-space
   * decision function is unchanged: each subset has its own scaler, so the previous solution is
   * a good start only once expressed in the new subset's coordinates.
   */
  static double[] rescale(double[] coef, Scaler from, Scaler to, int classes) {
    int dim = from.dim(), wLen = classes * dim;
    double[] out = coef.clone();
    for (int k = 0; k < classes; k++) {
      double shift = 0;
      for (int j = 0; j < dim; j++) {
        double w = coef[k * dim + j] * from.invScale()[j];
        out[k * dim + j] = w / to.invScale()[j];
        shift += w * (to.offset()[j] - from.offset()[j]);
      }
      out[wLen + k] = coef[wLen + k] + shift;
    }
    return out;
  }
}
