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
   */
  public static List<Scores> score(Embeddings test, List<LinearModel> models) {
    double[][] sums = evaluate(test, models);
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
   * Test error counts and summed log-loss of every model. The linear models (nb, lr) are
   * stacked: their scalers are folded into the weights, relative to a common centre so that no
   * large offset cancels, and each block is scored for a group of them by one GEMM. Quadratic
   * models (nb-perclass) are scored one GEMM each, in their own scaled space, where their
   * 1/variance weights stay well conditioned. The groups and quadratic models are scored in
   * passes over the cached test blocks of at most {@link #PASS_BYTES} of weights each (one pass
   * for a small grid; a few at a thousand classes), so that neither the broadcast nor the
   * executors hold every model's weights at once; a model's sums never depend on the passes.
   *
   * @return per model: [MISCLASSIFIED] misclassified rows, [CROSS_ENTROPY] summed
   *     cross-entropy, [TOP5_MISSES] rows whose true class is not among the 5 highest scores,
   *     [CORRECT + c] correctly classified rows of class c
   */
  public static double[][] evaluate(Embeddings test, List<LinearModel> models) {
    return evaluate(test, models, PASS_BYTES);
  }

  static double[][] evaluate(Embeddings test, List<LinearModel> models, long passBytes) {
    double[][] out = new double[models.size()][];
    for (List<Object> p : passes(models, passBytes)) {
      ArrayList<Stacked> stacked = new ArrayList<>();
      List<Integer> quadratic = new ArrayList<>();
      for (Object u : p) {
        if (u instanceof boolean[] take) stacked.add(Stacked.of(models, take));
        else quadratic.add((Integer) u);
      }
      double[][] sums = evaluate(test, models, stacked, quadratic);
      for (int i = 0; i < sums.length; i++) if (sums[i] != null) out[i] = sums[i];
    }
    return out;
  }

  /** Passes over the test blocks {@link #evaluate} makes for these models. */
  public static int passes(List<LinearModel> models) {
    return passes(models, PASS_BYTES).size();
  }

  /**
   * The passes: whole stacked groups (a boolean[] of the models they stack) and quadratic models
   * (an Integer index), in order, up to passBytes of weights each.
   */
  static List<List<Object>> passes(List<LinearModel> models, long passBytes) {
    List<List<Object>> passes = new ArrayList<>();
    List<Object> pass = new ArrayList<>();
    long bytes = 0;
    List<Object> units = new ArrayList<>(Stacked.grouping(models));
    for (int i = 0; i < models.size(); i++) if (models.get(i).quadratic()) units.add(i);
    for (Object u : units) {
      long b = 8L * (u instanceof boolean[] take ? Stacked.weights(models, take)
          : models.get((Integer) u).weights().length);
      if (!pass.isEmpty() && bytes + b > passBytes) {
        passes.add(pass);
        pass = new ArrayList<>();
        bytes = 0;
      }
      pass.add(u);
      bytes += b;
    }
    if (!pass.isEmpty()) passes.add(pass);
    return passes;
  }

  /** One pass over the test blocks: the stacked groups and quadratic models given. */
  private static double[][] evaluate(Embeddings test, List<LinearModel> models,
      ArrayList<Stacked> stacked, List<Integer> quadratic) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(test.blocks().context());
    int nm = models.size();
    // the pass's models, by index: each stacked one's class count, each quadratic model itself
    int[] k = new int[nm];
    for (Stacked st : stacked) {
      for (int i = 0; i < nm; i++) if (st.column()[i] >= 0) k[i] = models.get(i).classes();
    }
    ArrayList<LinearModel> own = new ArrayList<>();
    for (int i = 0; i < nm; i++) own.add(null);
    for (int i : quadratic) {
      own.set(i, models.get(i));
      k[i] = models.get(i).classes();
    }
    Broadcast<ArrayList<Stacked>> bStacked = jsc.broadcast(stacked);
    Broadcast<ArrayList<LinearModel>> bModels = jsc.broadcast(own);
    try {
      return OrderedAggregate.byPartition(test.blocks(), () -> new ScoreSums(k), (it, zero) -> {
        double[][] acc = zero.sums;
        List<LinearModel> ms = bModels.value();
        List<Stacked> groups = bStacked.value();
        int maxP = 0, maxK = 0;
        for (Stacked st : groups) {
          maxP = Math.max(maxP, st.dim());
          maxK = Math.max(maxK, st.rows());
        }
        for (LinearModel m : ms) {
          if (m == null) continue;
          maxP = Math.max(maxP, m.featureCount());
          maxK = Math.max(maxK, m.classes());
        }
        int n0 = EmbeddingSource.BLOCK_ROWS;
        double[] feats = new double[n0 * maxP];
        double[] scores = new double[n0 * maxK];
        while (it.hasNext()) {
          RowBlock b = it.next();
          for (Stacked st : groups) {
            st.scores(b, feats, scores);
            for (int i = 0; i < nm; i++) {
              if (st.column()[i] >= 0) {
                score(b, scores, st.rows(), st.column()[i], k[i], acc[i]);
              }
            }
          }
          for (int i = 0; i < nm; i++) {
            LinearModel m = ms.get(i);
            if (m == null) continue;
            m.features(b.x, 0, b.n, feats);
            m.scores(feats, b.n, scores);
            score(b, scores, m.classes(), 0, m.classes(), acc[i]);
          }
        }
        return zero;
      }).sums;
    } finally {
      bModels.destroy();
      bStacked.destroy();
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
   * Every linear model's weights in raw coordinates relative to a centre, stacked by rows.
   *
   * @param weights rows x dim
   * @param column first score column of model i, -1 if not stacked
   */
  record Stacked(int dim, int rows, double[] centre, double[] weights, double[] bias,
      int[] column) implements java.io.Serializable {
    /** Score columns per GEMM: bounds the score buffer for many models of many classes. */
    static final int MAX_ROWS = 4096;

    /** The linear models in groups of at most MAX_ROWS stacked classes (one GEMM each). */
    static ArrayList<Stacked> groups(List<LinearModel> models) {
      ArrayList<Stacked> out = new ArrayList<>();
      for (boolean[] take : grouping(models)) out.add(of(models, take));
      return out;
    }

    /** Which models each group stacks: consecutive linear models, up to MAX_ROWS classes. */
    static List<boolean[]> grouping(List<LinearModel> models) {
      List<boolean[]> out = new ArrayList<>();
      boolean[] take = new boolean[models.size()];
      int rows = 0;
      for (int i = 0; i < models.size(); i++) {
        LinearModel m = models.get(i);
        if (m.quadratic()) continue;
        if (rows > 0 && rows + m.classes() > MAX_ROWS) {
          out.add(take);
          take = new boolean[models.size()];
          rows = 0;
        }
        take[i] = true;
        rows += m.classes();
      }
      if (rows > 0) out.add(take);
      return out;
    }

    /** Weights of a group (stacked rows x dim). */
    static long weights(List<LinearModel> models, boolean[] take) {
      long w = 0;
      for (int i = 0; i < models.size(); i++) if (take[i]) w += models.get(i).weights().length;
      return w;
    }

    static Stacked of(List<LinearModel> models, boolean[] take) {
      int d = models.isEmpty() ? 0 : models.get(0).dim(), rows = 0, stackedModels = 0;
      int[] column = new int[models.size()];
      double[] centre = new double[d];
      for (int i = 0; i < models.size(); i++) {
        LinearModel m = models.get(i);
        column[i] = take[i] ? rows : -1;
        if (!take[i]) continue;
        rows += m.classes();
        stackedModels++;
        for (int j = 0; j < d; j++) centre[j] += m.scaler().offset()[j];
      }
      for (int j = 0; j < d; j++) centre[j] /= Math.max(1, stackedModels);
      double[] w = new double[rows * d];
      double[] bias = new double[rows];
      for (int i = 0; i < models.size(); i++) {
        LinearModel m = models.get(i);
        if (!take[i]) continue;
        double[] off = m.scaler().offset(), inv = m.scaler().invScale();
        for (int c = 0; c < m.classes(); c++) {
          int r = column[i] + c;
          double b = m.bias()[c];
          for (int j = 0; j < d; j++) {
            double wj = m.weights()[c * d + j] * inv[j];
            w[r * d + j] = wj;
            b -= wj * (off[j] - centre[j]);
          }
          bias[r] = b;
        }
      }
      return new Stacked(d, rows, centre, w, bias, column);
    }

    /** scores (n x rows) of a block for every stacked model: one GEMM. */
    void scores(RowBlock b, double[] x, double[] scores) {
      for (int r = 0; r < b.n; r++) {
        for (int j = 0; j < dim; j++) x[r * dim + j] = b.x[r * dim + j] - centre[j];
      }
      linprobe.math.Blas.scores(x, b.n, dim, weights, rows, scores);
      for (int r = 0; r < b.n; r++) {
        for (int c = 0; c < rows; c++) scores[r * rows + c] += bias[c];
      }
    }
  }
}
