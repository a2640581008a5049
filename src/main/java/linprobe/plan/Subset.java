package linprobe.plan;

import java.io.Serializable;
import linprobe.math.GaussianStats;
import linprobe.math.Preconditioner;
import linprobe.math.Scaler;

/**
 * A training subset with what every probe fitted on it shares: its row count, the scaler fitted
 * on it (the paper's per-subset pre-processing) and the coordinates L-BFGS works in. All three
 * come in closed form from the subset's Gaussian statistics, with no pass over its rows.
 */
public record Subset(SubsetId id, long rows, Scaler scaler, Preconditioner preconditioner)
    implements Serializable {

  /** The subset's facts from its per-class statistics. */
  public static Subset of(SubsetId id, GaussianStats[] perClass, Scaler.Kind scaling) {
    return of(id, GaussianStats.pooled(perClass), scaling);
  }

  /** The subset's facts from the statistics of all its rows (its classes' pooled in order). */
  public static Subset of(SubsetId id, GaussianStats pooled, Scaler.Kind scaling) {
    Scaler scaler = Scaler.fit(scaling, pooled);
    return new Subset(id, pooled.count(), scaler, Preconditioner.of(scaler, pooled));
  }
}
