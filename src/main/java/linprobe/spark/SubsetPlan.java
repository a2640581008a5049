package linprobe.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import linprobe.math.Mergeable;
import linprobe.plan.SubsetId;
import linprobe.plan.RowKeys;

/**
 * Nested, stratified training subsets for every seed. Within each class, rows are ranked by
 * their sampling key {@link RowKeys#key}(seed, row identity), ties broken by canonical position;
 * the subset for k shots is the k lowest ranks of every class, so subsets are nested in k.
 *
 * <p>A row's bucket for a seed is the index of the smallest finite shots value that includes it,
 * or {@link #allBucket()} when only "all" does. Only the {@code maxShots} lowest keys of each
 * (seed, class) matter, so ranking is a bounded top-k, never a sort of the training set (but for
 * the first seed when "all" chooses C on folds stratified by every row's rank).
 */
public final class SubsetPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] shots;
  private final long[] seeds;
  /** lowest[s][c] = the maxShots smallest (key, pos) of class c for seed s, as key/pos pairs. */
  private final long[][][] lowestKey;
  private final long[][][] lowestPos;

  private SubsetPlan(int[] shots, long[] seeds, long[][][] lowestKey, long[][][] lowestPos) {
    this.shots = shots;
    this.seeds = seeds;
    this.lowestKey = lowestKey;
    this.lowestPos = lowestPos;
  }

  /** Finite shots values, ascending. */
  public int[] shots() {
    return shots.clone();
  }

  public long[] seeds() {
    return seeds.clone();
  }

  public int maxShots() {
    return shots.length == 0 ? 0 : shots[shots.length - 1];
  }

  public byte allBucket() {
    return (byte) shots.length;
  }

  /**
   * The training subsets in output order: per seed, every shots value ascending; then "all"
   * when asked for.
   */
  public List<SubsetId> subsets(boolean includeAll) {
    List<SubsetId> out = new ArrayList<>();
    for (int s = 0; s < seeds.length; s++) {
      for (int b = 0; b < shots.length; b++) {
        out.add(new SubsetId.Sampled(s, seeds[s], b, shots[b]));
      }
    }
    if (includeAll) out.add(new SubsetId.All());
    return out;
  }

  /** Builds the plan from a ranking of every (seed index, class). */
  public static SubsetPlan from(int[] shots, long[] seeds, Ranking ranking) {
    LowestKeys[][] merged = ranking.lowest;
    int s = seeds.length, k = s == 0 ? 0 : merged[0].length;
    long[][][] keys = new long[s][k][];
    long[][][] pos = new long[s][k][];
    for (int i = 0; i < s; i++) {
      for (int c = 0; c < k; c++) {
        LowestKeys lk = merged[i][c].sorted(); // arrays of exactly its size
        keys[i][c] = lk.keys;
        pos[i][c] = lk.pos;
      }
    }
    return new SubsetPlan(shots.clone(), seeds.clone(), keys, pos);
  }

  /** The bucket of a row of class c with canonical position pos, for seed index s. */
  public byte bucket(int s, int c, long rowId, long pos) {
    return bucketOf(rank(s, c, rowId, pos));
  }

  private byte bucketOf(int rank) {
    if (rank < 0) return allBucket();
    for (int b = 0; b < shots.length; b++) if (rank < shots[b]) return (byte) b;
    return allBucket();
  }

  /**
   * The rank of a row within its class for seed index s, or -1 beyond the rows ranked: the
   * largest shots, or every row for the first seed when the plan ranked them all.
   */
  int rank(int s, int c, long rowId, long pos) {
    long key = RowKeys.key(seeds[s], rowId);
    long[] ks = lowestKey[s][c], ps = lowestPos[s][c];
    int lo = 0, hi = ks.length - 1, rank = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int cmp = RowKeys.compare(ks[mid], ps[mid], key, pos);
      if (cmp < 0) lo = mid + 1;
      else if (cmp > 0) hi = mid - 1;
      else {
        rank = mid;
        break;
      }
    }
    return rank;
  }

  /**
   * The block with every row's bucket for every seed, and its rank within its class mod 60 (-1
   * beyond the rows ranked): the cross-validation folds of a subset come from it
   * ({@link linprobe.plan.SubsetId#fold}; 60 is a multiple of every fold count from 2 to 5).
   */
  public RowBlock ranked(RowBlock block) {
    byte[][] buckets = new byte[seeds.length][block.n];
    byte[][] rank60 = new byte[seeds.length][block.n];
    for (int s = 0; s < seeds.length; s++) {
      for (int r = 0; r < block.n; r++) {
        int rank = rank(s, block.label[r], block.rowId[r], block.firstPos + r);
        buckets[s][r] = bucketOf(rank);
        rank60[s][r] = (byte) (rank < 0 ? -1 : rank % 60);
      }
    }
    return block.withBuckets(buckets, rank60);
  }

  /** The lowest keys of every (seed index, class): the ranking pass's mergeable partial. */
  public static final class Ranking implements Mergeable<Ranking> {
    private static final long serialVersionUID = 1L;
    private final long[] seeds;
    final LowestKeys[][] lowest;

    public Ranking(long[] seeds, int classes, int capacity) {
      this(seeds, classes, capacity, false);
    }

    /**
     * With everyRowOfFirstSeed, the first seed ranks every row of its class, not only the
     * capacity lowest: "all"'s folds are then stratified by that rank.
     */
    public Ranking(long[] seeds, int classes, int capacity, boolean everyRowOfFirstSeed) {
      this.seeds = seeds;
      this.lowest = new LowestKeys[seeds.length][classes];
      for (int s = 0; s < seeds.length; s++) {
        int cap = s == 0 && everyRowOfFirstSeed ? Integer.MAX_VALUE : capacity;
        for (int c = 0; c < classes; c++) lowest[s][c] = new LowestKeys(cap);
      }
    }

    /** Offers every row of a block, for every seed. */
    public Ranking add(RowBlock b) {
      for (int s = 0; s < seeds.length; s++) {
        for (int r = 0; r < b.n; r++) {
          lowest[s][b.label[r]].offer(RowKeys.key(seeds[s], b.rowId[r]), b.firstPos + r);
        }
      }
      return this;
    }

    @Override
    public Ranking merge(Ranking o) {
      for (int s = 0; s < lowest.length; s++) {
        for (int c = 0; c < lowest[s].length; c++) lowest[s][c].merge(o.lowest[s][c]);
      }
      return this;
    }
  }

  /**
   * The capacity-bounded set of the smallest (key, pos) pairs seen, mergeable, sorted ascending
   * at the end. Pairs are appended until the set is full; only then does it become a max-heap
   * (built once), whose top a smaller pair replaces. An unbounded set (the first seed ranking
   * every row) is never a heap: its rows are appended and sorted once.
   */
  public static final class LowestKeys implements Serializable {
    private static final long serialVersionUID = 1L;
    final int capacity;
    long[] keys;
    long[] pos;
    int size;

    public LowestKeys(int capacity) {
      this.capacity = capacity;
      this.keys = new long[Math.min(capacity, 16)];
      this.pos = new long[keys.length];
    }

    public void offer(long key, long p) {
      if (size < capacity) {
        if (size == keys.length) {
          int n = (int) Math.min(capacity, size * 2L);
          keys = Arrays.copyOf(keys, n);
          pos = Arrays.copyOf(pos, n);
        }
        keys[size] = key;
        pos[size] = p;
        if (++size == capacity) heapify(size);
      } else if (capacity > 0 && RowKeys.compare(key, p, keys[0], pos[0]) < 0) {
        keys[0] = key;
        pos[0] = p;
        siftDown(0, size);
      }
    }

    public LowestKeys merge(LowestKeys other) {
      for (int i = 0; i < other.size; i++) offer(other.keys[i], other.pos[i]);
      return this;
    }

    /**
     * A copy sorted ascending, its arrays exactly its size (a heapsort of the copy: no boxing,
     * no extra arrays).
     */
    LowestKeys sorted() {
      LowestKeys out = new LowestKeys(capacity);
      out.keys = Arrays.copyOf(keys, size);
      out.pos = Arrays.copyOf(pos, size);
      out.size = size;
      out.heapify(size);
      for (int end = size - 1; end > 0; end--) {
        out.swap(0, end);
        out.siftDown(0, end);
      }
      return out;
    }

    private boolean greater(int a, int b) {
      return RowKeys.compare(keys[a], pos[a], keys[b], pos[b]) > 0;
    }

    private void swap(int a, int b) {
      long k = keys[a], p = pos[a];
      keys[a] = keys[b];
      pos[a] = pos[b];
      keys[b] = k;
      pos[b] = p;
    }

    /** Makes the first n pairs a max-heap. */
    private void heapify(int n) {
      for (int i = n / 2 - 1; i >= 0; i--) siftDown(i, n);
    }

    /** Sifts pair i down the max-heap of the first n pairs. */
    private void siftDown(int i, int n) {
      while (true) {
        int l = 2 * i + 1, r = l + 1, top = i;
        if (l < n && greater(l, top)) top = l;
        if (r < n && greater(r, top)) top = r;
        if (top == i) return;
        swap(i, top);
        i = top;
      }
    }
  }
}
