package linprobe.plan;

/**
 * Deterministic 64-bit hashing for row identities and per-seed sampling keys. The key of a row
 * depends only on (seed, row identity), never on file layout, partitioning or parallelism.
 */
public final class RowKeys {
  private RowKeys() {}

  /** SplitMix64's finaliser: a strong bijective mix of 64 bits. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The sampling key of a row for a seed. */
  public static long key(long seed, long rowId) {
    return mix(rowId ^ mix(seed + 0x9e3779b97f4a7c15L));
  }

  /** Identity of a row from its content (class index and the exact float bits of its features). */
  public static long contentId(int label, float[] x) {
    long h = mix(label + 0x632be59bd9b4e019L);
    for (float v : x) h = mix(h ^ (Float.floatToIntBits(v) & 0xffffffffL)) + 0x9e3779b97f4a7c15L;
    return h;
  }

  /** Identity of the copy-th copy (copy >= 1) of a row whose content identity is id. */
  public static long copyId(long id, int copy) {
    return mix(id ^ mix(copy * 0xd6e8feb86659fd93L));
  }

  /**
   * A digest of one row (label, exact feature bits, id value or null) for the run's data
   * fingerprint; a table's digest is the sum over its rows, independent of their order.
   */
  public static long digest(Object label, float[] x, Object id) {
    long h = mix(idOf(label) + 0x3c6ef372fe94f82bL);
    for (float v : x) h = mix(h ^ (Float.floatToIntBits(v) & 0xffffffffL)) + 0x9e3779b97f4a7c15L;
    return mix(h ^ (id == null ? 0 : idOf(id)));
  }

  /** Identity of a row from a user-supplied id value (a number or a string). */
  public static long idOf(Object id) {
    if (id instanceof Number num) return mix(num.longValue() ^ 0x2545f4914f6cdd1dL);
    String s = String.valueOf(id);
    long h = 0x84222325cbf29ce4L;
    for (int i = 0; i < s.length(); i++) h = mix(h ^ s.charAt(i));
    return h;
  }

  /** Unsigned comparison of (key, pos) pairs: the total order in which rows are ranked. */
  public static int compare(long keyA, long posA, long keyB, long posB) {
    int c = Long.compareUnsigned(keyA, keyB);
    return c != 0 ? c : Long.compare(posA, posB);
  }
}
