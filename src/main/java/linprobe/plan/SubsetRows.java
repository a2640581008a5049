package linprobe.plan;

import linprobe.math.FoldSums;
import linprobe.math.LogisticObjective;
import linprobe.math.ValidationRows;
import linprobe.math.ValidationSums;

/**
 * Where a chain's training rows are (inside a Spark task, or over the cluster), seen as a
 * subset's rows and its cross-validation folds. Both implementations sum the same canonical
 * partitions, in the same chunks (linprobe.spark.FoldChunks) in the same order: a fit's numbers
 * never depend on where it ran.
 */
public interface SubsetRows {
  /**
   * The data term over the subset's rows: every row when folds == 0 (the fit of the whole
   * subset), else the rows outside fold heldOut of folds stratified folds.
   */
  default LogisticObjective.DataTerm train(Subset subset, int folds, int heldOut) {
    return train(subset, folds, heldOut, false);
  }

  /**
   * As above; with float32 the rows are scaled to float32 and the GEMMs run in float32 with
   * double accumulation (see {@link linprobe.math.SoftmaxAggregator}).
   */
  LogisticObjective.DataTerm train(Subset subset, int folds, int heldOut, boolean float32);

  /**
   * The data terms of the folds' models together (model f: the rows outside fold f), each the
   * same sums as {@link #train}(subset, folds, f, float32) gives; by default one pass per
   * model, over the rows {@link #train} sees.
   */
  default FoldSums.Terms folds(Subset subset, int folds, boolean float32) {
    LogisticObjective.DataTerm[] terms = new LogisticObjective.DataTerm[folds];
    for (int f = 0; f < folds; f++) terms[f] = train(subset, folds, f, float32);
    return coefs -> {
      linprobe.math.SoftmaxAggregator[] sums = new linprobe.math.SoftmaxAggregator[folds];
      for (int f = 0; f < folds; f++) if (coefs[f] != null) sums[f] = terms[f].sums(coefs[f]);
      return FoldSums.of(sums);
    };
  }

  /**
   * Coefficients [W, b] scored on the rows of one fold, those rows scaled to float32 and scored
   * by a float32 GEMM when float32 is set (the fold fits' rows, see
   * {@link ValidationSums#add(linprobe.math.ScaledRows, double[], int, double[],
   * linprobe.math.SoftmaxAggregator.Float32)}).
   */
  ValidationSums validate(Subset subset, int folds, int fold, double[] coef, boolean float32);

  /** Rows of the subset in each fold. */
  long[] foldSizes(Subset subset, int folds);

  /**
   * The held-out rows C is chosen on with --select validation (the same rows, in the same order,
   * wherever the fit runs), or null when there are none.
   */
  default ValidationRows validation() {
    return null;
  }
}
