package linprobe.spark;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntPredicate;
import linprobe.math.ScaledRows;
import linprobe.plan.Subset;

/**
 * The chunks in which every sum over a subset's rows adds one canonical partition's rows, in the
 * order it adds them: per fold g of the subset's folds (one "fold" of every row when folds is
 * 0), its rows in row order, gathered from consecutive blocks until there are at least
 * {@link #MIN_ROWS} of them; such a chunk is emitted after the block that fills it, and what is
 * left when the partition ends is emitted then. A step is what one block (or the partition's
 * end) emits: one chunk per fold, empty (n = 0) for a fold that emits nothing there.
 *
 * <p>A large subset's chunk is its rows of one block in one fold, as a block's GEMMs want. A
 * small subset has a few rows in each block: gathered, they are not added one GEMM per row (one
 * row at a time costs 11 x as much per row as 40 together at 10 classes x 768 features in
 * float32, 4 x in double). Each fold is gathered on its own, so leaving folds out (a fit's
 * held-out fold, a validation's other folds) never changes the others' chunks. The rule depends
 * only on the rows of each block, so every path that sums a subset (inside a task, over the
 * cluster) adds the same chunks in the same order.
 *
 * <p>Steps are valid until the next call: their rows live in this iterator's buffers.
 */
final class FoldChunks implements Iterator<ScaledRows[]> {
  /** A fold's rows are gathered across blocks until there are at least this many. */
  static final int MIN_ROWS = 64;

  /** The most rows a chunk holds: fewer than MIN_ROWS carried, and a whole block's. */
  static final int MAX_ROWS = MIN_ROWS - 1 + EmbeddingSource.BLOCK_ROWS;

  private final Iterator<RowBlock> blocks;
  private final Subset subset;
  private final int folds;
  private final int width;
  private final int dim;
  private final IntPredicate wanted;
  /** The step's rows: per fold, its carried rows then the block's, in fold order. */
  private final double[] x;
  private final float[] xf;
  private final int[] labels;
  /** Rows carried to the next block: fold g's at row g x (MIN_ROWS - 1). */
  private final double[] carryX;
  private final float[] carryXf;
  private final int[] carryLabels;
  private final int[] carried;
  private final ScaledRows[] step;
  private final ScaledRows empty;
  private final Buffers buffers;
  private boolean ready;
  private boolean ended;

  /**
   * @param wanted the folds to gather (the others are neither scaled nor emitted)
   * @param float32 scale the rows to float32 rather than to double
   */
  FoldChunks(Iterator<RowBlock> blocks, Subset subset, int folds, int dim, IntPredicate wanted,
      boolean float32) {
    this(blocks, subset, folds, dim, wanted, Buffers.of(Math.max(1, folds), dim, float32));
  }

  private FoldChunks(Iterator<RowBlock> blocks, Subset subset, int folds, int dim,
      IntPredicate wanted, Buffers b) {
    this.blocks = blocks;
    this.subset = subset;
    this.folds = folds;
    this.width = Math.max(1, folds);
    this.dim = dim;
    this.wanted = wanted;
    this.buffers = b;
    x = b.x;
    xf = b.xf;
    labels = b.labels;
    carryX = b.carryX;
    carryXf = b.carryXf;
    carryLabels = b.carryLabels;
    carried = new int[width];
    step = new ScaledRows[width];
    empty = new ScaledRows(x, xf, 0, labels, 0, 0);
  }

  /** A step's and the carried rows' buffers, for width folds, in one precision. */
  private record Buffers(double[] x, float[] xf, int[] labels, double[] carryX, float[] carryXf,
      int[] carryLabels) {
    static Buffers of(int width, int dim, boolean float32) {
      int carryRows = width * (MIN_ROWS - 1);
      int stepRows = carryRows + EmbeddingSource.BLOCK_ROWS;
      return new Buffers(float32 ? null : new double[stepRows * dim],
          float32 ? new float[stepRows * dim] : null, new int[stepRows],
          float32 ? null : new double[carryRows * dim],
          float32 ? new float[carryRows * dim] : null, new int[carryRows]);
    }
  }

  /**
   * The same over other blocks (of another subset, in other folds), with this one's buffers
   * when they fit (the same number of folds and precision), else new ones: a task laying out
   * subset after subset allocates them once. This one must not be used after.
   */
  FoldChunks over(Iterator<RowBlock> blocks, Subset subset, int folds, IntPredicate wanted,
      boolean float32) {
    return Math.max(1, folds) == width && float32 == (xf != null)
        ? new FoldChunks(blocks, subset, folds, dim, wanted, buffers)
        : new FoldChunks(blocks, subset, folds, dim, wanted, float32);
  }

  /**
   * The chunks a fit adds (every fold but heldOut; every row when folds is 0) or a validation
   * scores (fold heldOut only, with heldOutOnly), one at a time, empty ones left out.
   */
  static Iterator<ScaledRows> of(Iterator<RowBlock> blocks, Subset subset, int folds,
      int heldOut, boolean heldOutOnly, int dim, boolean float32) {
    FoldChunks steps = new FoldChunks(blocks, subset, folds, dim,
        g -> wanted(g, folds, heldOut, heldOutOnly), float32);
    return new Iterator<>() {
      ScaledRows[] current;
      int g;

      @Override
      public boolean hasNext() {
        while (true) {
          if (current != null) {
            while (g < current.length && current[g].n() == 0) g++;
            if (g < current.length) return true;
          }
          if (!steps.hasNext()) return false;
          current = steps.next();
          g = 0;
        }
      }

      @Override
      public ScaledRows next() {
        if (!hasNext()) throw new NoSuchElementException();
        return current[g++];
      }
    };
  }

  /**
   * Whether fold g's chunks are among those a fit adds (every fold but heldOut; every row when
   * folds is 0) or a validation scores (fold heldOut only, with heldOutOnly).
   */
  static boolean wanted(int g, int folds, int heldOut, boolean heldOutOnly) {
    return folds == 0 || (heldOutOnly ? g == heldOut : g != heldOut);
  }

  @Override
  public boolean hasNext() {
    while (!ready) {
      if (blocks.hasNext()) {
        ready = gather(blocks.next());
      } else if (!ended) {
        ended = true;
        ready = flush();
      } else {
        return false;
      }
    }
    return true;
  }

  @Override
  public ScaledRows[] next() {
    if (!hasNext()) throw new NoSuchElementException();
    ready = false;
    return step;
  }

  /** Adds a block's rows to each fold's; whether a fold has emitted a chunk. */
  private boolean gather(RowBlock b) {
    if (b.n > EmbeddingSource.BLOCK_ROWS) {
      throw new IllegalStateException("a block of " + b.n + " rows: at most "
          + EmbeddingSource.BLOCK_ROWS + " expected");
    }
    boolean any = false;
    int at = 0;
    for (int g = 0; g < width; g++) {
      step[g] = empty;
      if (!wanted.test(g)) continue;
      int start = at, c = carried[g];
      copy(carryX, carryXf, carryLabels, g * (MIN_ROWS - 1), x, xf, labels, start, c, dim);
      int n = c + b.scaled(subset.id(), folds, g, subset.scaler(), x, xf, labels, start + c).n();
      at += n;
      if (n >= MIN_ROWS) {
        step[g] = new ScaledRows(x, xf, start * dim, labels, start, n);
        carried[g] = 0;
        any = true;
      } else {
        copy(x, xf, labels, start, carryX, carryXf, carryLabels, g * (MIN_ROWS - 1), n, dim);
        carried[g] = n;
      }
    }
    return any;
  }

  /** Emits what each fold has left at the partition's end; whether there was any. */
  private boolean flush() {
    boolean any = false;
    for (int g = 0; g < width; g++) {
      int n = carried[g], at = g * (MIN_ROWS - 1);
      step[g] = n == 0 ? empty : new ScaledRows(carryX, carryXf, at * dim, carryLabels, at, n);
      carried[g] = 0;
      any |= n > 0;
    }
    return any;
  }

  /**
   * A chunk's rows copied into other buffers (x for double rows, xf for float32 ones; the
   * other may be null) from row position at on.
   */
  static ScaledRows copy(ScaledRows c, double[] x, float[] xf, int[] labels, int at, int dim) {
    if (c.xOff() != c.lOff() * dim) throw new IllegalArgumentException("not a FoldChunks chunk");
    return copy(c.x(), c.xf(), c.labels(), c.lOff(), x, xf, labels, at, c.n(), dim);
  }

  /**
   * Copies n rows (features and labels) from row from of one pair of buffers (sx or sxf, the
   * other null) to row to of another of the same precision; returns the copy.
   */
  private static ScaledRows copy(double[] sx, float[] sxf, int[] sl, int from, double[] dx,
      float[] dxf, int[] dl, int to, int n, int dim) {
    if (n > 0) {
      if (sx != null) System.arraycopy(sx, from * dim, dx, to * dim, n * dim);
      else System.arraycopy(sxf, from * dim, dxf, to * dim, n * dim);
      System.arraycopy(sl, from, dl, to, n);
    }
    return new ScaledRows(sx != null ? dx : null, sx != null ? null : dxf, to * dim, dl, to, n);
  }
}
