package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import linprobe.plan.RowKeys;

/**
 * The bounded top-k of subset sampling (SubsetPlan.LowestKeys) against brute force: sort every
 * (key, pos) pair by unsigned key, then pos, and keep the first k.
 */
class LowestKeysTest {
  /** (key, pos), ordered by unsigned key then signed pos; written here, not RowKeys.compare. */
  static final Comparator<long[]> ORDER = (a, b) -> {
    int c = Long.compare(a[0] + Long.MIN_VALUE, b[0] + Long.MIN_VALUE); // unsigned
    return c != 0 ? c : Long.compare(a[1], b[1]);
  };

  /**
   * n distinct pairs: keys over the whole 64-bit range (negative ones sort above positive ones
   * unsigned), with repeated keys told apart by pos.
   */
  static List<long[]> pairs(Random rnd, int n) {
    List<long[]> out = new ArrayList<>();
    long[] fewKeys = {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L, rnd.nextLong()};
    for (int i = 0; i < n; i++) {
      long key = rnd.nextInt(4) == 0 ? fewKeys[rnd.nextInt(fewKeys.length)] : rnd.nextLong();
      out.add(new long[] {key, i * 7L - 3 * n}); // distinct positions, some negative
    }
    java.util.Collections.shuffle(out, rnd);
    return out;
  }

  static long[][] expected(List<long[]> all, int k) {
    return all.stream().sorted(ORDER).limit(k).toArray(long[][]::new);
  }

  static long[][] actual(SubsetPlan.LowestKeys lk) {
    SubsetPlan.LowestKeys s = lk.sorted();
    long[][] out = new long[s.size][];
    for (int i = 0; i < s.size; i++) out[i] = new long[] {s.keys[i], s.pos[i]};
    return out;
  }

  static void assertSame(long[][] expected, long[][] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": size");
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], what + ": element " + i);
    }
  }

  static SubsetPlan.LowestKeys collect(List<long[]> ps, int capacity) {
    SubsetPlan.LowestKeys lk = new SubsetPlan.LowestKeys(capacity);
    for (long[] p : ps) lk.offer(p[0], p[1]);
    return lk;
  }

  @Test
  void offerKeepsTheKSmallest() {
    Random rnd = new Random(1);
    for (int trial = 0; trial < 200; trial++) {
      int n = rnd.nextInt(300);
      int k = rnd.nextInt(80); // often > 16: the arrays grow
      List<long[]> ps = pairs(rnd, n);
      assertSame(expected(ps, k), actual(collect(ps, k)), "n=" + n + " k=" + k);
    }
  }

  @Test
  void unsignedKeyOrderThenPosition() {
    SubsetPlan.LowestKeys lk = new SubsetPlan.LowestKeys(4);
    lk.offer(-1L, 0); // the largest unsigned key
    lk.offer(Long.MIN_VALUE, 0);
    lk.offer(Long.MAX_VALUE, 0);
    lk.offer(5, 9);
    lk.offer(5, 2);
    lk.offer(0, 100);
    assertSame(new long[][] {{0, 100}, {5, 2}, {5, 9}, {Long.MAX_VALUE, 0}}, actual(lk), "order");
  }

  @Test
  void mergeOfAnySplitEqualsOneCollection() {
    Random rnd = new Random(2);
    for (int trial = 0; trial < 200; trial++) {
      int n = rnd.nextInt(400);
      int k = rnd.nextInt(60);
      List<long[]> ps = pairs(rnd, n);
      // cut into random contiguous parts (some empty), each collected on its own, merged in a
      // random tree shape: left fold, right fold, or pairwise
      int parts = 1 + rnd.nextInt(8);
      List<SubsetPlan.LowestKeys> partial = new ArrayList<>();
      int[] cuts = new int[parts + 1];
      for (int i = 1; i < parts; i++) cuts[i] = rnd.nextInt(n + 1);
      cuts[parts] = n;
      Arrays.sort(cuts);
      for (int i = 0; i < parts; i++) partial.add(collect(ps.subList(cuts[i], cuts[i + 1]), k));
      SubsetPlan.LowestKeys merged;
      switch (trial % 3) {
        case 0 -> {
          merged = partial.get(0);
          for (int i = 1; i < parts; i++) merged = merged.merge(partial.get(i));
        }
        case 1 -> {
          merged = partial.get(parts - 1);
          for (int i = parts - 2; i >= 0; i--) merged = partial.get(i).merge(merged);
        }
        default -> {
          List<SubsetPlan.LowestKeys> level = partial;
          while (level.size() > 1) {
            List<SubsetPlan.LowestKeys> next = new ArrayList<>();
            for (int i = 0; i + 1 < level.size(); i += 2) {
              next.add(level.get(i).merge(level.get(i + 1)));
            }
            if (level.size() % 2 == 1) next.add(level.get(level.size() - 1));
            level = next;
          }
          merged = level.get(0);
        }
      }
      assertSame(expected(ps, k), actual(merged),
          "n=" + n + " k=" + k + " parts=" + parts + " shape=" + trial % 3);
    }
  }

  @Test
  void capacityZeroKeepsNothing() {
    List<long[]> ps = pairs(new Random(3), 50);
    SubsetPlan.LowestKeys lk = collect(ps, 0);
    assertEquals(0, lk.sorted().size);
    lk.merge(collect(ps, 10));
    assertEquals(0, lk.sorted().size, "merging into capacity 0 keeps nothing");
  }

  @Test
  void capacityAboveNKeepsEverythingSorted() {
    List<long[]> ps = pairs(new Random(4), 100);
    SubsetPlan.LowestKeys lk = collect(ps, 1000);
    long[][] all = expected(ps, ps.size());
    assertEquals(100, all.length);
    assertSame(all, actual(lk), "capacity > n");
    // merged from two halves, still everything
    SubsetPlan.LowestKeys a = collect(ps.subList(0, 37), 1000);
    a.merge(collect(ps.subList(37, 100), 1000));
    assertSame(all, actual(a), "capacity > n, merged");
    // unbounded, as the first seed ranking every row: appended, merged, sorted once
    SubsetPlan.LowestKeys u = collect(ps.subList(0, 50), Integer.MAX_VALUE);
    u.merge(collect(ps.subList(50, 100), Integer.MAX_VALUE));
    assertSame(all, actual(u), "unbounded, merged");
  }

  @Test
  void fillingExactlyToCapacityThenReplacing() {
    Random rnd = new Random(7);
    for (int k = 1; k <= 40; k++) {
      List<long[]> ps = pairs(rnd, 3 * k);
      // exactly k offers (the set becomes a heap on the last), then k more that may replace
      SubsetPlan.LowestKeys lk = collect(ps.subList(0, k), k);
      assertSame(expected(ps.subList(0, k), k), actual(lk), "full, k=" + k);
      for (long[] p : ps.subList(k, 3 * k)) lk.offer(p[0], p[1]);
      assertSame(expected(ps, k), actual(lk), "after replacing, k=" + k);
    }
  }

  @Test
  void sortedIsACopy() {
    List<long[]> ps = pairs(new Random(5), 60);
    SubsetPlan.LowestKeys lk = collect(ps, 20);
    long[][] first = actual(lk);
    // the heap keeps working after sorted(): offering more still gives the k smallest overall
    List<long[]> more = pairs(new Random(6), 60);
    for (long[] p : more) lk.offer(p[0], p[1] + 1_000_003); // positions distinct from ps'
    List<long[]> both = new ArrayList<>(ps);
    for (long[] p : more) both.add(new long[] {p[0], p[1] + 1_000_003});
    assertSame(expected(ps, 20), first, "before");
    assertSame(expected(both, 20), actual(lk), "after more offers");
  }
}
