package linprobe.plan;

import java.io.Serializable;

/** Where finished logistic regressions are kept so that an interrupted run need not refit them. */
public interface FitRecord extends Serializable {
  /** The recorded fit of a subset, or null when it has none. */
  FitResult find(Subset subset, int classes);

  /** Records a finished fit (complete or not at all). */
  void record(FitResult fit);
}
