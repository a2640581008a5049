package linprobe.math;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-feature affine pre-processing x' = (x - offset) * invScale, fitted on a training subset
 * only and applied unchanged to the test set (the paper's protocol). Constant features get
 * scale 1, as scikit-learn's scalers do; for min-max scaling a feature is constant, as in
 * scikit-learn's MinMaxScaler, when its range is below 10 x the double machine epsilon
 * ({@link #MIN_RANGE}): all-MiniLM-L6-v2's sentence embeddings have two dimensions whose values
 * are all within 1e-32 of 0, which a scale of 1 / range would turn into noise on [0, 1].
 */
public record Scaler(double[] offset, double[] invScale) implements Serializable {

  public enum Kind {
    MINMAX, STANDARD, NONE;

    public static Kind parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown scaling '" + s + "': use minmax, standard or none");
      }
    }

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** scikit-learn's threshold for a constant feature's range: 10 x np.finfo(float64).eps. */
  public static final double MIN_RANGE = 10 * Math.ulp(1.0);

  public static Scaler identity(int dim) {
    double[] one = new double[dim];
    Arrays.fill(one, 1.0);
    return new Scaler(new double[dim], one);
  }

  /** Fits the scaler from the statistics of the whole training subset. */
  public static Scaler fit(Kind kind, GaussianStats all) {
    int d = all.dim();
    double[] offset = new double[d];
    double[] inv = new double[d];
    for (int j = 0; j < d; j++) {
      switch (kind) {
        case MINMAX -> {
          double range = all.max()[j] - all.min()[j];
          offset[j] = all.min()[j];
          inv[j] = range >= MIN_RANGE ? 1.0 / range : 1.0;
        }
        case STANDARD -> {
          double sd = Math.sqrt(all.variance(j));
          offset[j] = all.mean()[j];
          inv[j] = sd > 0 ? 1.0 / sd : 1.0;
        }
        case NONE -> inv[j] = 1.0;
      }
    }
    return new Scaler(offset, inv);
  }

  public int dim() {
    return offset.length;
  }

  /** Writes the scaled rows x[rows] (float, row-major) into out (double, row-major). */
  public void apply(float[] x, int firstRow, int rows, double[] out) {
    int d = offset.length;
    for (int r = 0; r < rows; r++) {
      int src = (firstRow + r) * d, dst = r * d;
      for (int j = 0; j < d; j++) out[dst + j] = (x[src + j] - offset[j]) * invScale[j];
    }
  }
}
