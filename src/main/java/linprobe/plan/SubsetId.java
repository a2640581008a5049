package linprobe.plan;

import java.io.Serializable;
import linprobe.curve.Fit;
import linprobe.curve.Scores;

/**
 * Which training rows a fit uses: the k shots per class that one seed draws ({@link Sampled}),
 * or every training row ({@link All}, no sampling, fitted once). Rows know, per seed, the
 * bucket of the smallest shots value that includes them (see the subset ranking); a sampled
 * subset is the rows whose bucket is at most its own.
 */
public sealed interface SubsetId extends Serializable permits SubsetId.Sampled, SubsetId.All {
  /** Shots per class, {@link Fit#ALL} for every row. */
  int shots();

  /** Whether row r is in the subset, given every seed's bucket of every row (buckets[seed][r]). */
  boolean contains(byte[][] buckets, int r);

  /**
   * The cross-validation fold (0..folds-1) of row r of the subset. A sampled subset's folds are
   * stratified: the row of rank i within its class (rank60 holds i mod 60) is in fold i mod folds,
   * so each fold has the same number of rows of every class, up to one. "all"'s folds are too,
   * by the first seed's rank, when the plan ranked every row for it; a row without that rank
   * (a table of more than a million rows, beyond the largest shots) has a fold from its identity.
   */
  int fold(byte[][] rank60, long rowId, int r, int folds);

  /** A name for files and logs: "s2-b4" (seed index 2, fifth shots value) or "all". */
  String key();

  /** The fits.csv form: the Fit of this subset for a model (seed -1 for all). */
  Fit fit(String model, long rows, Scores scores, double c, String cSource, int iterations,
      boolean converged, long fitMs);

  /** k shots per class drawn with seed (the seedIndex-th of the run), the bucket-th shots value. */
  record Sampled(int seedIndex, long seed, int bucket, int shots) implements SubsetId {
    @Override
    public boolean contains(byte[][] buckets, int r) {
      return buckets[seedIndex][r] <= bucket;
    }

    @Override
    public int fold(byte[][] rank60, long rowId, int r, int folds) {
      return rank60[seedIndex][r] % folds;
    }

    @Override
    public String key() {
      return "s" + seedIndex + "-b" + bucket;
    }

    @Override
    public Fit fit(String model, long rows, Scores scores, double c, String cSource,
        int iterations, boolean converged, long fitMs) {
      return new Fit(model, shots, seed, rows, scores, c, cSource, iterations, converged, fitMs);
    }

    @Override
    public String toString() {
      return "seed " + seed + ", " + linprobe.curve.Comparison.shots(shots);
    }
  }

  /** Every training row. */
  record All() implements SubsetId {
    @Override
    public int shots() {
      return Fit.ALL;
    }

    @Override
    public boolean contains(byte[][] buckets, int r) {
      return true;
    }

    @Override
    public int fold(byte[][] rank60, long rowId, int r, int folds) {
      int rank = rank60.length == 0 ? -1 : rank60[0][r];
      return rank >= 0 ? rank % folds
          : (int) Long.remainderUnsigned(RowKeys.mix(rowId ^ 0x5851f42d4c957f2dL), folds);
    }

    @Override
    public String key() {
      return "all";
    }

    @Override
    public Fit fit(String model, long rows, Scores scores, double c, String cSource,
        int iterations, boolean converged, long fitMs) {
      return new Fit(model, Fit.ALL, -1, rows, scores, c, cSource, iterations, converged, fitMs);
    }

    @Override
    public String toString() {
      return "all";
    }
  }
}
