package linprobe.spark;

import java.util.List;
import linprobe.LinprobeException;
import linprobe.math.Mergeable;
import linprobe.math.ValidationRows;
import linprobe.plan.RowKeys;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The validation rows of {@code --select validation}: held out of the training table
 * ({@code --validation-fraction}) or read from their own table ({@code --validation}), and
 * gathered on the driver in canonical order.
 *
 * <p>Held out of train: in every class c, the round(F n_c) rows (at least one when n_c &gt;= 2)
 * of lowest key {@link RowKeys#key}({@link #SEED}, row identity), ties broken by canonical
 * position: a bounded top-k per class, as subsets are ranked, so the choice depends only on the
 * rows, never on files, partitioning or the run's seeds. They leave the training pool before
 * anything else sees it: no seed ranks them, no subset (nor "all") contains them, naive Bayes'
 * statistics do not count them.
 */
public final class HeldOut {
  private HeldOut() {}

  /** The seed of the validation keys: fixed, so every run holds out the same rows. */
  public static final long SEED = 0x76616c6964L; // "valid"

  /** The training pool without the held-out rows, and the held-out rows. */
  public record Split(Embeddings pool, ValidationRows validation) {}

  /**
   * Rows held out per class: round(F n_c), at least 1 when n_c &gt;= 2.
   *
   * @throws LinprobeException when a class would keep no training row
   */
  public static long[] counts(long[] perClass, double fraction, List<Object> labels) {
    long[] out = new long[perClass.length];
    for (int c = 0; c < perClass.length; c++) {
      long n = perClass[c];
      long v = Math.round(fraction * n);
      if (n >= 2) v = Math.max(1, v);
      if (n - v < 1) {
        throw new LinprobeException("class '" + labels.get(c) + "' has "
            + Progress.count(n, "training row") + ": holding out --validation-fraction " + fraction + " of it ("
            + v + ") leaves none to train on; lower --validation-fraction, or give a "
            + "--validation table");
      }
      out[c] = v;
    }
    if (java.util.Arrays.stream(out).sum() == 0) {
      throw new LinprobeException("--validation-fraction " + fraction + " holds out no row (every "
          + "class has one training row): give a --validation table");
    }
    return out;
  }

  /**
   * The warning for classes of one training row, which {@link #counts} keeps for training and
   * holds none out of, or empty: "class 'x' has one training row, kept for training: C is chosen
   * without validation rows of it (a --validation table can give some)".
   */
  public static java.util.Optional<String> noneHeldOut(long[] heldOut, List<Object> labels) {
    List<String> none = new java.util.ArrayList<>();
    for (int c = 0; c < heldOut.length; c++) {
      if (heldOut[c] == 0) none.add("'" + labels.get(c) + "'");
    }
    if (none.isEmpty()) return java.util.Optional.empty();
    boolean one = none.size() == 1;
    return java.util.Optional.of("class" + (one ? " " : "es ") + String.join(", ", none)
        + (one ? " has" : " have") + " one training row, kept for training: C is chosen without "
        + "validation rows of " + (one ? "it" : "them") + " (a --validation table can give some)");
  }

  /**
   * Splits the training table: one job finds each class's threshold key, one gathers the
   * held-out rows on the driver; the pool is the rest (computed from the cached blocks when
   * used).
   *
   * @param heldOut rows held out per class, from {@link #counts}
   */
  public static Split split(Embeddings train, long[] heldOut) {
    int k = train.classes();
    long[] capacity = heldOut.clone();
    Lowest lowest = OrderedAggregate.of(train.blocks(), () -> new Lowest(capacity),
        Lowest::add);
    Threshold threshold = lowest.threshold();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(train.blocks().context());
    Broadcast<Threshold> bThreshold = jsc.broadcast(threshold);
    List<RowBlock> held = train.blocks()
        .map(b -> b.keep(r -> bThreshold.value().heldOut(b, r)))
        .filter(b -> b.n > 0).collect();
    ValidationRows validation = rows(held, train.dim(), k);
    JavaRDD<RowBlock> pool = train.blocks()
        .map(b -> b.keep(r -> !bThreshold.value().heldOut(b, r)))
        .filter(b -> b.n > 0);
    long[] counts = train.classCounts().clone();
    long[] got = validation.perClass();
    for (int c = 0; c < k; c++) {
      if (got[c] != heldOut[c]) {
        throw new IllegalStateException("held out " + got[c] + " rows of class " + c
            + ", expected " + heldOut[c]);
      }
      counts[c] -= heldOut[c];
    }
    Embeddings p = new Embeddings(train.path(), pool, train.dim(), train.rows()
        - validation.rows(), counts, train.partitions(), train.droppedInvalid());
    return new Split(p, validation);
  }

  /** A validation table's rows gathered on the driver in canonical order (one job). */
  public static ValidationRows of(Embeddings table, int classes) {
    return rows(table.blocks().filter(b -> b.n > 0).collect(), table.dim(), classes);
  }

  private static ValidationRows rows(List<RowBlock> blocks, int dim, int classes) {
    ValidationRows out = new ValidationRows(dim, classes);
    for (RowBlock b : blocks) out.add(b.x, b.xOffset, b.label, b.rowId, b.n);
    return out;
  }

  /** Per class, the lowest validation keys: the threshold pass's mergeable partial. */
  static final class Lowest implements Mergeable<Lowest> {
    private static final long serialVersionUID = 1L;
    final SubsetPlan.LowestKeys[] perClass;

    Lowest(long[] capacity) {
      perClass = new SubsetPlan.LowestKeys[capacity.length];
      for (int c = 0; c < capacity.length; c++) {
        perClass[c] = new SubsetPlan.LowestKeys((int) capacity[c]);
      }
    }

    Lowest add(RowBlock b) {
      for (int r = 0; r < b.n; r++) {
        perClass[b.label[r]].offer(RowKeys.key(SEED, b.rowId[r]), b.firstPos + r);
      }
      return this;
    }

    @Override
    public Lowest merge(Lowest o) {
      for (int c = 0; c < perClass.length; c++) perClass[c].merge(o.perClass[c]);
      return this;
    }

    /** The largest (key, pos) kept per class: a row is held out when it is at most that. */
    Threshold threshold() {
      int k = perClass.length;
      long[] key = new long[k];
      long[] pos = new long[k];
      boolean[] any = new boolean[k];
      for (int c = 0; c < k; c++) {
        SubsetPlan.LowestKeys s = perClass[c].sorted();
        if (s.size == 0) continue;
        any[c] = true;
        key[c] = s.keys[s.size - 1];
        pos[c] = s.pos[s.size - 1];
      }
      return new Threshold(key, pos, any);
    }
  }

  /** Per class the (key, pos) of the last held-out row; none for a class holding out nothing. */
  record Threshold(long[] key, long[] pos, boolean[] any) implements java.io.Serializable {
    boolean heldOut(RowBlock b, int r) {
      int c = b.label[r];
      return any[c]
          && RowKeys.compare(RowKeys.key(SEED, b.rowId[r]), b.firstPos + r, key[c], pos[c]) <= 0;
    }
  }
}
