package linprobe.packages;

/**
 * Debian version ordering ([epoch:]upstream[-revision]), as dpkg compares versions
 * (deb-version(5)): epochs numerically, then upstream and revision by dpkg's verrevcmp, where
 * runs of non-digits compare character by character with '~' before everything (even the end),
 * then letters, then other characters, and runs of digits compare as numbers.
 */
public final class DebianVersion {
  private DebianVersion() {}

  /** Negative, zero or positive as version a is older than, equal to or newer than b. */
  public static int compare(String a, String b) {
    String[] pa = split(a), pb = split(b);
    int c = compareNumbers(pa[0], pb[0]);
    if (c != 0) return c;
    c = verrevcmp(pa[1], pb[1]);
    return c != 0 ? c : verrevcmp(pa[2], pb[2]);
  }

  /** {epoch, upstream, revision}: epoch "0" and revision "" when absent. */
  static String[] split(String v) {
    String s = v == null ? "" : v.strip();
    String epoch = "0";
    int colon = s.indexOf(':');
    if (colon > 0 && s.substring(0, colon).chars().allMatch(Character::isDigit)) {
      epoch = s.substring(0, colon);
      s = s.substring(colon + 1);
    }
    int dash = s.lastIndexOf('-');
    return dash >= 0 ? new String[] {epoch, s.substring(0, dash), s.substring(dash + 1)}
        : new String[] {epoch, s, ""};
  }

  private static int compareNumbers(String a, String b) {
    String x = a.replaceFirst("^0+(?=.)", ""), y = b.replaceFirst("^0+(?=.)", "");
    return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
  }

  private static boolean digit(int c) {
    return c >= '0' && c <= '9';
  }

  private static int order(int c) {
    if (digit(c)) return 0;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return c;
    if (c == '~') return -1;
    return c != 0 ? c + 256 : 0;
  }

  private static int at(String s, int i) {
    return i < s.length() ? s.charAt(i) : 0;
  }

  /** dpkg's verrevcmp (lib/dpkg/version.c), character for character. */
  static int verrevcmp(String a, String b) {
    int i = 0, j = 0;
    while (at(a, i) != 0 || at(b, j) != 0) {
      int firstDiff = 0;
      while ((at(a, i) != 0 && !digit(at(a, i))) || (at(b, j) != 0 && !digit(at(b, j)))) {
        int ac = order(at(a, i)), bc = order(at(b, j));
        if (ac != bc) return ac - bc;
        i++;
        j++;
      }
      while (at(a, i) == '0') i++;
      while (at(b, j) == '0') j++;
      while (digit(at(a, i)) && digit(at(b, j))) {
        if (firstDiff == 0) firstDiff = at(a, i) - at(b, j);
        i++;
        j++;
      }
      if (digit(at(a, i))) return 1;
      if (digit(at(b, j))) return -1;
      if (firstDiff != 0) return firstDiff;
    }
    return 0;
  }
}
