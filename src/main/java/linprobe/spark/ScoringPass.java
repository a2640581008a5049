package linprobe.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import linprobe.curve.Scores;
import linprobe.math.LinearModel;
import linprobe.math.Mergeable;
import linprobe.math.Softmax;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/** The stage that scores every fitted model on the test set: one pass over the test blocks. */
public final class ScoringPass {
  private ScoringPass() {}

  /** Layout of a model's sums: misclassified rows. */
  public static final int MISCLASSIFIED = 0;
  /** Layout of a model's sums: summed clipped cross-entropy. */
  public static final int CROSS_ENTROPY = 1;
  /** Layout of a model's sums: rows whose true class is not among the 5 highest scores. */
  public static final int TOP5_MISSES = 2;
  /** Layout of a model's sums: correctly classified rows of class c at CORRECT + c. */
  public static final int CORRECT = 3;

  /**
   * Per model: misclassified rows, summed cross-entropy, top-5 misses and correct rows per
   * class (all counts are whole numbers, exact in a double).
   */
  public static final class ScoreSums implements Mergeable<ScoreSums> {
    private static final long serialVersionUID = 2L;
    /** [model][MISCLASSIFIED, CROSS_ENTROPY, TOP5_MISSES, CORRECT + class...]. */
    final double[][] sums;

    /** @param classes per model, its class count, or 0 for a model not scored here */
    ScoreSums(int[] classes) {
      this.sums = new double[classes.length][];
      for (int i = 0; i < classes.length; i++) {
        if (classes[i] > 0) sums[i] = new double[CORRECT + classes[i]];
      }
    }

    @Override
    public ScoreSums merge(ScoreSums o) {
      for (int i = 0; i < sums.length; i++) {
        if (sums[i] == null) continue;
        for (int j = 0; j < sums[i].length; j++) sums[i][j] += o.sums[i][j];
      }
      return this;
    }
  }

  /**
   * Every model's test scores (error, log-loss, top-5 error, balanced error, per-class recall)
   * from one pass over the test blocks ({@link #evaluate}).
   *
   * @param float32 whether the linear models' GEMMs run in float32 (--score-gemm)
   */
  public static List<Scores> score(Embeddings test, List<LinearModel> models, boolean float32) {
    double[][] sums = evaluate(test, models, PASS_BYTES, float32);
    List<Scores> out = new ArrayList<>(sums.length);
    for (double[] s : sums) {
      out.add(Scores.of(s[MISCLASSIFIED], s[CROSS_ENTROPY], s[TOP5_MISSES],
          Arrays.copyOfRange(s, CORRECT, s.length), test.classCounts(), test.rows()));
    }
    return out;
  }

  /** Model weights broadcast per pass over the test blocks (more models: more passes). */
  static final long PASS_BYTES = 128L << 20;

  /**
   * Test error counts and summed log-loss of every model. The models are stacked
   * ({@link Stacked}): their scalers are folded into the weights, relative to a common centre so
   * that no large offset cancels, and each block is scored for a group of them by one GEMM, the
   * linear models (nb, lr) on the centred rows z, the quadratic ones (nb-perclass) on [z, z^2].
   * The groups are scored in passes over the cached test blocks of at most {@link #PASS_BYTES}
   * of weights each (one pass for a small grid; a few at a thousand classes), so that neither
   * the broadcast nor the executors hold every model's weights at once; a model's sums never
   * depend on the passes.
   *
   * <p>In float32 the linear groups' weights are first rewritten, in double, so that sgemm adds
   * small numbers: relative to the centre, and less their mean over the model's classes, which
   * moves every class's score of a row by the same amount and so changes no softmax, argmax or
   * rank ({@link #classCentred}). Quadratic groups stay in double: where a feature never varies
   * within a class, its weights are of the order of 1 / the variance smoothing, and the GEMM
   * form's terms cancel to the scores far beyond float32's reach (a per-class-variance nb of 3
   * digits rows per class, its weights centred as the linear ones', misclassified 3 more test
   * rows of 599 in float32).
   *
   * @param float32 whether the linear groups' GEMMs run in float32 (--score-gemm)
   * @return per model: [MISCLASSIFIED] misclassified rows, [CROSS_ENTROPY] summed
   *     cross-entropy, [TOP5_MISSES] rows whose true class is not among the 5 highest scores,
   *     [CORRECT + c] correctly classified rows of class c
   */
  public static double[][] evaluate(Embeddings test, List<LinearModel> models, boolean float32) {
    return evaluate(test, models, PASS_BYTES, float32);
  }

  static double[][] evaluate(Embeddings test, List<LinearModel> models, long passBytes,
      boolean float32) {
    double[][] out = new double[models.size()][];
    for (List<boolean[]> p : passes(models, passBytes)) {
      ArrayList<Stacked> groups = new ArrayList<>();
      for (boolean[] take : p) groups.add(Stacked.of(models, take, float32));
      double[][] sums = evaluate(test, models, groups);
      for (int i = 0; i < sums.length; i++) if (sums[i] != null) out[i] = sums[i];
    }
    return out;
  }

  /** Passes over the test blocks {@link #evaluate} makes for these models. */
  public static int passes(List<LinearModel> models) {
    return passes(models, PASS_BYTES).size();
  }

  /**
   * The passes: whole stacked groups (a boolean[] of the models each stacks), linear groups
   * first, in order, up to passBytes of weights each.
   */
  static List<List<boolean[]>> passes(List<LinearModel> models, long passBytes) {
    List<List<boolean[]>> passes = new ArrayList<>();
    List<boolean[]> pass = new ArrayList<>();
    long bytes = 0;
    List<boolean[]> groups = new ArrayList<>(Stacked.grouping(models, false));
    groups.addAll(Stacked.grouping(models, true));
    for (boolean[] take : groups) {
      long b = 8L * Stacked.weights(models, take);
      if (!pass.isEmpty() && bytes + b > passBytes) {
        passes.add(pass);
        pass = new ArrayList<>();
        bytes = 0;
      }
      pass.add(take);
      bytes += b;
    }
    if (!pass.isEmpty()) passes.add(pass);
    return passes;
  }

  /** A task's feature buffers for a pass, grown to the largest group's. */
  static final class Buffers {
    double[] feats = new double[0];
    float[] feats32 = new float[0];
    float[] scores32 = new float[0];

    double[] feats(int n) {
      if (feats.length < n) feats = new double[n];
      return feats;
    }

    float[] feats32(int n) {
      if (feats32.length < n) feats32 = new float[n];
      return feats32;
    }

    float[] scores32(int n) {
      if (scores32.length < n) scores32 = new float[n];
      return scores32;
    }
  }

  /** One pass over the test blocks: the stacked groups given. */
  private static double[][] evaluate(Embeddings test, List<LinearModel> models,
      ArrayList<Stacked> groups) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(test.blocks().context());
    // the pass's models, by index: each one's class count (0: not in this pass)
    int[] k = new int[models.size()];
    int maxRows = 0;
    for (Stacked g : groups) {
      for (int i : g.models()) k[i] = models.get(i).classes();
      maxRows = Math.max(maxRows, g.rows());
    }
    int width = maxRows;
    Broadcast<ArrayList<Stacked>> bGroups = jsc.broadcast(groups);
    try {
      return OrderedAggregate.byPartition(test.blocks(), () -> new ScoreSums(k), (it, zero) -> {
        double[][] acc = zero.sums;
        List<Stacked> gs = bGroups.value();
        Buffers buf = new Buffers();
        double[] scores = new double[EmbeddingSource.BLOCK_ROWS * width];
        while (it.hasNext()) {
          RowBlock b = it.next();
          for (Stacked g : gs) {
            g.scores(b, buf, scores);
            int[] ms = g.models(), cols = g.columns();
            for (int j = 0; j < ms.length; j++) {
              score(b, scores, g.rows(), cols[j], k[ms[j]], acc[ms[j]]);
            }
          }
        }
        return zero;
      }).sums;
    } finally {
      bGroups.destroy();
    }
  }

  /**
   * Which test rows each wanted model classifies correctly: per wanted model, bit i for the i-th
   * test row in block order (null for the others). The models are scored in the groups {@link
   * #evaluate} stacks them in, built the same way, so a model's predictions are the ones its
   * error counted (a model in another group could break a near-tie the other way). One job per
   * pass that holds a wanted model; the driver gets a bit per row per wanted model.
   */
  public static java.util.BitSet[] correctRows(Embeddings test, List<LinearModel> models,
      boolean float32, boolean[] wanted) {
    java.util.BitSet[] out = new java.util.BitSet[models.size()];
    for (int i = 0; i < models.size(); i++) if (wanted[i]) out[i] = new java.util.BitSet();
    long before = 0; // rows of the passes so far: every pass covers every row
    for (List<boolean[]> pass : passes(models, PASS_BYTES)) {
      ArrayList<Stacked> groups = new ArrayList<>();
      for (boolean[] take : pass) {
        boolean any = false;
        for (int i = 0; i < take.length; i++) any |= take[i] && wanted[i];
        if (any) groups.add(Stacked.of(models, take, float32));
      }
      if (groups.isEmpty()) continue;
      int width = groups.stream().mapToInt(Stacked::rows).max().orElse(0);
      boolean[] want = wanted.clone();
      int[] classes = models.stream().mapToInt(LinearModel::classes).toArray();
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(test.blocks().context());
      Broadcast<ArrayList<Stacked>> bGroups = jsc.broadcast(groups);
      try {
        Correct c = OrderedAggregate.byPartition(test.blocks(), () -> new Correct(want.length),
            (it, zero) -> {
              Buffers buf = new Buffers();
              double[] scores = new double[EmbeddingSource.BLOCK_ROWS * width];
              while (it.hasNext()) {
                RowBlock b = it.next();
                for (Stacked g : bGroups.value()) {
                  g.scores(b, buf, scores);
                  int[] ms = g.models(), cols = g.columns();
                  for (int j = 0; j < ms.length; j++) {
                    if (!want[ms[j]]) continue;
                    java.util.BitSet bits = zero.bits(ms[j]);
                    int k = classes[ms[j]];
                    double[] row = new double[k];
                    for (int r = 0; r < b.n; r++) {
                      // as score() reads it: the row copied, argmax with ties to the lowest
                      System.arraycopy(scores, r * g.rows() + cols[j], row, 0, k);
                      if (Softmax.argmax(row, 0, k) == b.label[r]) {
                        bits.set(Math.toIntExact(zero.rows + r));
                      }
                    }
                  }
                }
                zero.rows += b.n;
              }
              return zero;
            });
        for (int i = 0; i < out.length; i++) if (c.bits[i] != null) out[i].or(c.bits[i]);
        before = c.rows;
      } finally {
        bGroups.destroy();
      }
    }
    if (before > 0 && before != test.rows()) {
      throw new IllegalStateException("scored " + before + " of " + test.rows() + " test rows");
    }
    return out;
  }

  /** Per model, which rows of a partition (or of partitions merged in order) it got right. */
  static final class Correct implements Mergeable<Correct> {
    private static final long serialVersionUID = 1L;
    final java.util.BitSet[] bits;
    long rows;

    Correct(int models) {
      bits = new java.util.BitSet[models];
    }

    java.util.BitSet bits(int model) {
      if (bits[model] == null) bits[model] = new java.util.BitSet();
      return bits[model];
    }

    /** o's rows after this one's. */
    @Override
    public Correct merge(Correct o) {
      for (int i = 0; i < bits.length; i++) {
        if (o.bits[i] == null) continue;
        java.util.BitSet mine = bits(i);
        int shift = Math.toIntExact(rows);
        o.bits[i].stream().forEach(r -> mine.set(shift + r));
      }
      rows += o.rows;
      return this;
    }
  }

  /**
   * Rows [first, first + k) of w (row length p) less their mean row, as float32, into the same
   * rows of out: the same amount off every class's score of a row, which no softmax, argmax or
   * rank sees.
   */
  static void classCentred(double[] w, int first, int k, int p, float[] out) {
    for (int j = 0; j < p; j++) {
      double mean = 0;
      for (int c = 0; c < k; c++) mean += w[(first + c) * p + j];
      mean /= k;
      for (int c = first; c < first + k; c++) out[c * p + j] = (float) (w[c * p + j] - mean);
    }
  }

  /**
   * Adds one model's counts for a block, from its columns [col, col + k) of a score matrix:
   * errors (argmax, ties to the lowest class index, as numpy), cross-entropy, top-5 misses and
   * correct rows per class. The true class y is among the top 5 when fewer than 5 classes rank
   * before it, a class c ranking before y when s_c > s_y, or s_c = s_y and c < y: ties broken by
   * the lower class index, as argmax breaks them, so a top-1 hit is always a top-5 hit.
   */
  static void score(RowBlock b, double[] scores, int width, int col, int k, double[] acc) {
    double[] row = new double[k];
    for (int r = 0; r < b.n; r++) {
      System.arraycopy(scores, r * width + col, row, 0, k);
      int y = b.label[r];
      if (Softmax.argmax(row, 0, k) != y) {
        acc[MISCLASSIFIED] += 1;
      } else {
        acc[CORRECT + y] += 1;
      }
      double sy = row[y];
      int before = 0;
      for (int c = 0; c < k; c++) {
        if (row[c] > sy || (row[c] == sy && c < y)) before++;
      }
      if (before >= Scores.TOP) acc[TOP5_MISSES] += 1;
      acc[CROSS_ENTROPY] +=
          Math.min(Softmax.softmaxInPlace(row, 0, k) - sy, Softmax.MAX_CROSS_ENTROPY);
    }
  }

  /**
   * Models' weights in raw coordinates relative to a centre c, stacked by rows: one GEMM scores
   * a block for all of them. A linear model's scaled row is v = s (x - o) = s z + s (c - o) with
   * z = x - c, so its weights on z are w s; a quadratic model's a v + q v^2 become
   * (a s + 2 q s^2 (c - o)) z + q s^2 z^2, the rest going to the biases (in double). Linear groups
   * may run in float32, their weights class-centred per model ({@link #classCentred}).
   *
   * @param quadratic whether the group's models are quadratic (features [z, z^2])
   * @param weights rows x features, or null in float32
   * @param weights32 rows x features, or null in double
   * @param models the stacked models' indices
   * @param columns first score column of each stacked model
   */
  record Stacked(int dim, boolean quadratic, int rows, double[] centre, double[] weights,
      float[] weights32, double[] bias, int[] models, int[] columns)
      implements java.io.Serializable {
    /** Score columns per GEMM: bounds the score buffer for many models of many classes. */
    static final int MAX_ROWS = 4096;

    /**
     * A quadratic model is scored in a group only where the group's centre is within this many
     * of the model's own ranges (1 / its scale) of its offset on every feature: its z, z^2 and
     * bias terms are of the order of shift^2 times its scaled terms and cancel down to them, so
     * a model fitted on a subset whose range on some feature is tiny against how far the other
     * subsets' offsets lie would lose its digits in the group. Such a model is scored alone,
     * around its own offset (shift 0).
     */
    static final double MAX_SHIFT = 16;

    /**
     * Which models each group stacks: consecutive linear (or quadratic) models, up to MAX_ROWS
     * classes and PASS_BYTES of weights; quadratic models beyond MAX_SHIFT of their group's
     * centre each in a group of their own.
     */
    static List<boolean[]> grouping(List<LinearModel> models, boolean quadratic) {
      List<boolean[]> out = new ArrayList<>();
      boolean[] take = new boolean[models.size()];
      int rows = 0;
      long weights = 0;
      for (int i = 0; i < models.size(); i++) {
        LinearModel m = models.get(i);
        if (m.quadratic() != quadratic) continue;
        if (rows > 0 && (rows + m.classes() > MAX_ROWS
            || 8L * (weights + m.weights().length) > PASS_BYTES)) {
          out.add(take);
          take = new boolean[models.size()];
          rows = 0;
          weights = 0;
        }
        take[i] = true;
        rows += m.classes();
        weights += m.weights().length;
      }
      if (rows > 0) out.add(take);
      if (!quadratic) return out;
      List<boolean[]> near = new ArrayList<>();
      List<boolean[]> alone = new ArrayList<>();
      for (boolean[] group : out) {
        boolean[] g = group.clone();
        for (boolean removed = true; removed; ) {
          removed = false;
          double[] c = centre(models, g);
          for (int i = 0; i < g.length; i++) {
            if (g[i] && maxShift(models.get(i), c) > MAX_SHIFT) {
              g[i] = false;
              boolean[] one = new boolean[models.size()];
              one[i] = true;
              alone.add(one);
              removed = true;
            }
          }
        }
        for (boolean t : g) {
          if (t) {
            near.add(g);
            break;
          }
        }
      }
      near.addAll(alone);
      return near;
    }

    /** The mean of the marked models' scaler offsets: a group's centre. */
    static double[] centre(List<LinearModel> models, boolean[] take) {
      int d = models.isEmpty() ? 0 : models.get(0).dim(), n = 0;
      double[] centre = new double[d];
      for (int i = 0; i < models.size(); i++) {
        if (!take[i]) continue;
        n++;
        for (int j = 0; j < d; j++) centre[j] += models.get(i).scaler().offset()[j];
      }
      for (int j = 0; j < d; j++) centre[j] /= Math.max(1, n);
      return centre;
    }

    /** The largest |shift| = |scale (centre - offset)| of a model over the features. */
    static double maxShift(LinearModel m, double[] centre) {
      double[] off = m.scaler().offset(), inv = m.scaler().invScale();
      double max = 0;
      for (int j = 0; j < centre.length; j++) {
        max = Math.max(max, Math.abs(inv[j] * (centre[j] - off[j])));
      }
      return max;
    }

    /** Weights of a group (stacked rows x features). */
    static long weights(List<LinearModel> models, boolean[] take) {
      long w = 0;
      for (int i = 0; i < models.size(); i++) if (take[i]) w += models.get(i).weights().length;
      return w;
    }

    /** The group of the models take marks (all linear or all quadratic). */
    static Stacked of(List<LinearModel> models, boolean[] take, boolean float32) {
      int d = models.isEmpty() ? 0 : models.get(0).dim(), rows = 0, stacked = 0;
      boolean quadratic = false;
      for (int i = 0; i < models.size(); i++) {
        if (!take[i]) continue;
        stacked++;
        quadratic = models.get(i).quadratic();
      }
      double[] centre = centre(models, take);
      int[] index = new int[stacked], column = new int[stacked];
      for (int i = 0, s = 0; i < models.size(); i++) {
        if (!take[i]) continue;
        index[s] = i;
        column[s++] = rows;
        rows += models.get(i).classes();
      }
      int p = quadratic ? 2 * d : d;
      double[] w = new double[rows * p];
      double[] bias = new double[rows];
      for (int s = 0; s < stacked; s++) {
        LinearModel m = models.get(index[s]);
        double[] off = m.scaler().offset(), inv = m.scaler().invScale(), mw = m.weights();
        for (int c = 0; c < m.classes(); c++) {
          int r = column[s] + c;
          double b = m.bias()[c];
          for (int j = 0; j < d; j++) {
            // v = inv z + shift, shift = inv (centre - offset)
            double shift = inv[j] * (centre[j] - off[j]);
            double a = mw[c * p + j];
            if (!quadratic) {
              w[r * p + j] = a * inv[j];
              b += a * shift;
            } else {
              double q = mw[c * p + d + j];
              w[r * p + j] = (a + 2 * q * shift) * inv[j];
              w[r * p + d + j] = q * inv[j] * inv[j];
              b += (a + q * shift) * shift;
            }
          }
          bias[r] = b;
        }
      }
      if (!float32 || quadratic) {
        return new Stacked(d, quadratic, rows, centre, w, null, bias, index, column);
      }
      float[] w32 = new float[rows * d];
      for (int s = 0; s < stacked; s++) {
        classCentred(w, column[s], models.get(index[s]).classes(), d, w32);
      }
      return new Stacked(d, false, rows, centre, null, w32, bias, index, column);
    }

    /** Columns of the GEMM's feature rows: z, or [z, z^2]. */
    int features() {
      return quadratic ? 2 * dim : dim;
    }

    /** scores (n x rows) of a block for every stacked model: one GEMM. */
    void scores(RowBlock b, Buffers buf, double[] scores) {
      int n = b.n, d = dim, p = features();
      if (weights32 != null) {
        float[] x = buf.feats32(n * d);
        for (int r = 0; r < n; r++) {
          for (int j = 0; j < d; j++) x[r * d + j] = (float) (b.x[b.xOffset + r * d + j] - centre[j]);
        }
        float[] s = buf.scores32(n * rows);
        linprobe.math.Blas.scores(x, 0, n, d, weights32, rows, s);
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < rows; c++) scores[r * rows + c] = s[r * rows + c] + bias[c];
        }
        return;
      }
      double[] x = buf.feats(n * p);
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < d; j++) {
          double z = b.x[b.xOffset + r * d + j] - centre[j];
          x[r * p + j] = z;
          if (quadratic) x[r * p + d + j] = z * z;
        }
      }
      linprobe.math.Blas.scores(x, n, p, weights, rows, scores);
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < rows; c++) scores[r * rows + c] += bias[c];
      }
    }
  }
}
