package linprobe.plan;

import linprobe.math.LogisticObjective;
import linprobe.math.ValidationRows;
import linprobe.math.ValidationSums;

/**
 * Where a chain's training rows are (inside a Spark task, or over the cluster), seen as a
 * subset's rows and its cross-validation folds. Both implementations sum the same canonical
 * partitions, block by block and fold by fold, in the same order: a fit's numbers never depend
 * on where it ran.
 */
public interface SubsetRows {
  /**
   * The data term over the subset's rows: every row when folds == 0 (one chunk per block, the
   * fit of the whole subset), else the rows outside fold heldOut of folds stratified folds.
   */
  LogisticObjective.DataTerm train(Subset subset, int folds, int heldOut);

  /** Coefficients [W, b] scored on the rows of one fold. */
  ValidationSums validate(Subset subset, int folds, int fold, double[] coef);

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
