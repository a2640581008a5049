package linprobe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import linprobe.math.Scaler;

/**
 * Everything a learning-curve run needs. The defaults are the paper's protocol and live here
 * only; the CLI and the Java API read them from this class.
 */
public final class CurveOptions {
  public static final String DEFAULT_FEATURES_COL = "embedding";
  public static final String DEFAULT_LABEL_COL = "label";
  public static final String DEFAULT_MODELS = "nb,lr";
  public static final int DEFAULT_SEEDS = 5;
  public static final String DEFAULT_SCALING = "minmax";
  public static final double DEFAULT_LR_C = 1.0;
  public static final int DEFAULT_LR_MAX_ITER = 1000;
  /** Breeze's relative tolerance on the objective and gradient; tight, as MLlib's 1e-6. */
  public static final double DEFAULT_LR_TOL = 1e-6;
  public static final int LBFGS_MEMORY = 10;
  public static final double DEFAULT_NB_EPSILON = 1e-9;
  public static final double DEFAULT_EPSILON = 0.01;

  public String train;
  public String test;
  public String out;
  public String featuresCol = DEFAULT_FEATURES_COL;
  public String labelCol = DEFAULT_LABEL_COL;
  public String idCol;
  public List<Model> models = Model.parseList(DEFAULT_MODELS);
  /** Finite shots values, ascending; null for the default 1-2-5 grid. */
  public int[] shots;
  /** Whether "all" is in the grid (always with the default grid). */
  public boolean includeAll = true;
  public long[] seeds = range(DEFAULT_SEEDS);
  public Scaler.Kind scaling = Scaler.Kind.MINMAX;
  public double lrC = DEFAULT_LR_C;
  public int lrMaxIter = DEFAULT_LR_MAX_ITER;
  public double lrTol = DEFAULT_LR_TOL;
  public double nbEpsilon = DEFAULT_NB_EPSILON;
  public double epsilon = DEFAULT_EPSILON;
  public boolean overwrite;
  /** Continue an interrupted run into the same --out, refitting only the missing fits. */
  public boolean resume;
  public boolean dropInvalid;
  /** Canonical partitions; 0 derives them from the row count (never from the cluster). */
  public int partitions;
  public boolean quiet;
  /**
   * Warm-start each shots size from the next-smaller size's solution of the same seed. Off by
   * default: on digits it saved no L-BFGS iterations (tested; jobs/bench reports it).
   */
  public boolean warmStart;
  /** Largest subset (MiB of float32 features) fitted inside one Spark task; -1 derives it. */
  public int localFitMb = -1;

  /** The probes linprobe fits. */
  public enum Model {
    NB("nb"), NB_PERCLASS("nb-perclass"), LR("lr");

    public final String id;

    Model(String id) {
      this.id = id;
    }

    public static List<Model> parseList(String s) {
      List<Model> out = new ArrayList<>();
      for (String part : s.split(",")) {
        String p = part.trim().toLowerCase(Locale.ROOT);
        Model m = null;
        for (Model x : values()) if (x.id.equals(p)) m = x;
        if (m == null) {
          throw new LinprobeException("unknown model '" + part.trim()
              + "' in --models: use nb, nb-perclass and/or lr, comma-separated");
        }
        if (!out.contains(m)) out.add(m);
      }
      if (out.isEmpty()) throw new LinprobeException("--models is empty: use e.g. nb,lr");
      return out;
    }

    public boolean isNaiveBayes() {
      return this != LR;
    }
  }

  public static long[] range(int n) {
    long[] s = new long[n];
    for (int i = 0; i < n; i++) s[i] = i;
    return s;
  }

  /** The default grid: 1, 2, 5, 10, 20, 50, ... up to the smallest class. */
  public static int[] defaultShots(long smallestClass) {
    List<Integer> out = new ArrayList<>();
    int[] steps = {1, 2, 5};
    for (long decade = 1; decade <= smallestClass; decade *= 10) {
      for (int st : steps) if (st * decade <= smallestClass) out.add((int) (st * decade));
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Parses "1,2,5,10,all". */
  public void parseShots(String s) {
    List<Integer> finite = new ArrayList<>();
    boolean all = false;
    for (String part : s.split(",")) {
      String p = part.trim();
      if (p.equalsIgnoreCase("all")) {
        all = true;
        continue;
      }
      int v;
      try {
        v = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new LinprobeException("--shots value '" + p
            + "' is not a number: use positive integers and 'all', e.g. 1,2,5,10,all");
      }
      if (v <= 0) {
        throw new LinprobeException("--shots value " + v + " must be positive (shots per class)");
      }
      if (!finite.contains(v)) finite.add(v);
    }
    finite.sort(null);
    if (finite.size() > 100) throw new LinprobeException("--shots has more than 100 values");
    shots = finite.stream().mapToInt(Integer::intValue).toArray();
    includeAll = all;
  }

  /** Checks option values that need no data; throws LinprobeException naming the fix. */
  public void validate() {
    if (train == null || test == null) {
      throw new LinprobeException("--train and --test are required");
    }
    if (seeds.length == 0) throw new LinprobeException("--seeds must be at least 1");
    if (!(lrC > 0) || Double.isInfinite(lrC)) {
      throw new LinprobeException("--lr-c must be a positive number, got " + lrC);
    }
    if (lrMaxIter < 1) throw new LinprobeException("--lr-max-iter must be at least 1");
    if (!(lrTol > 0)) throw new LinprobeException("--lr-tol must be positive, got " + lrTol);
    if (!(nbEpsilon >= 0)) throw new LinprobeException("--nb-epsilon must be >= 0");
    if (!(epsilon >= 0)) throw new LinprobeException("--epsilon must be >= 0");
    if (partitions < 0) throw new LinprobeException("--partitions must be >= 0");
    if (shots != null && shots.length == 0 && !includeAll) {
      throw new LinprobeException("--shots is empty: give e.g. 1,2,5,10,all");
    }
  }
}
