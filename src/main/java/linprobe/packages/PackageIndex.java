package linprobe.packages;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import linprobe.LinprobeException;

/**
 * Reads a Debian package index: the output of {@code apt-cache dumpavail}, or a Packages file
 * (deb822 stanzas separated by blank lines; "Field: value" lines; lines that start with a space
 * or a tab continue the field above, as the long description and the Tag list do).
 *
 * <p>Of each stanza it keeps Package, Source (its first word; the package itself when absent),
 * Version, Section (an archive-area prefix such as {@code contrib/} or {@code non-free/} is split
 * off, so {@code non-free/science} is section science in area non-free) and the first line of
 * Description, the synopsis, with runs of white space made one space. Field names are matched
 * without regard to case. A stanza without Package, Section or a non-empty synopsis is counted
 * and skipped. The same package in several stanzas (several versions or suites) is kept once:
 * the newest version by dpkg's ordering, ties going to the smallest (section, area, synopsis,
 * source), so the result does not depend on the order of the stanzas.
 */
public final class PackageIndex {
  private PackageIndex() {}

  /** One binary package. {@code area} is "main" when the section has no area prefix. */
  public record Entry(String name, String source, String version, String area, String section,
      String text) {}

  /** The packages (sorted by name) and what was skipped. */
  public record Parsed(List<Entry> entries, int stanzas, int noPackage, int noSection,
      int noDescription, int duplicates) {
    public int skipped() {
      return noPackage + noSection + noDescription;
    }
  }

  /** Newer version first, then the smallest section, area, synopsis and source. */
  static final Comparator<Entry> PREFERRED = ((Comparator<Entry>) (a, b) ->
      DebianVersion.compare(b.version(), a.version()))
      .thenComparing(Entry::section).thenComparing(Entry::area).thenComparing(Entry::text)
      .thenComparing(Entry::source);

  /**
   * Parses the whole index.
   *
   * @param what the input's name, for error messages
   */
  public static Parsed parse(BufferedReader in, String what) throws IOException {
    Map<String, Entry> byName = new HashMap<>();
    int stanzas = 0, noPackage = 0, noSection = 0, noDescription = 0, duplicates = 0;
    Map<String, String> fields = new HashMap<>();
    String lastField = null;
    int lineNo = 0;
    for (String line = in.readLine(); ; line = in.readLine()) {
      lineNo++;
      boolean end = line == null;
      if (end || line.isBlank()) {
        if (!fields.isEmpty()) {
          stanzas++;
          String name = fields.get("package");
          String section = fields.get("section");
          String text = fields.get("description");
          if (name == null || name.isEmpty()) {
            noPackage++;
          } else if (section == null || section.isEmpty() || section.endsWith("/")) {
            noSection++;
          } else if (text == null || text.isEmpty()) {
            noDescription++;
          } else {
            Entry e = entry(name, fields, section, text);
            Entry old = byName.get(name);
            if (old != null) duplicates++;
            if (old == null || PREFERRED.compare(e, old) < 0) byName.put(name, e);
          }
          fields.clear();
          lastField = null;
        }
        if (end) break;
        continue;
      }
      char c0 = line.charAt(0);
      if (c0 == ' ' || c0 == '\t') {
        if (lastField == null) {
          throw new LinprobeException(what + " line " + lineNo + " continues a field but no "
              + "field starts its stanza: pass the output of apt-cache dumpavail or a Packages "
              + "file");
        }
        continue; // only the first line of any field is used
      }
      if (c0 == '#') continue; // deb822 comment
      int colon = line.indexOf(':');
      if (colon <= 0 || line.substring(0, colon).strip().contains(" ")) {
        throw new LinprobeException(what + " line " + lineNo + " is not a 'Field: value' line ("
            + abbreviate(line) + "): pass the output of apt-cache dumpavail or a Packages file");
      }
      lastField = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      fields.putIfAbsent(lastField, line.substring(colon + 1).strip().replaceAll("\\s+", " "));
    }
    List<Entry> entries = new ArrayList<>(new TreeMap<>(byName).values());
    return new Parsed(entries, stanzas, noPackage, noSection, noDescription, duplicates);
  }

  private static Entry entry(String name, Map<String, String> f, String sectionField,
      String text) {
    String source = f.getOrDefault("source", "");
    int sp = source.indexOf(' ');
    if (sp >= 0) source = source.substring(0, sp); // "name (version)"
    if (source.isEmpty()) source = name;
    String s = sectionField.toLowerCase(Locale.ROOT);
    int slash = s.lastIndexOf('/');
    String area = slash >= 0 ? s.substring(0, slash) : "main";
    String section = slash >= 0 ? s.substring(slash + 1) : s;
    return new Entry(name, source, f.getOrDefault("version", ""), area, section, text);
  }

  private static String abbreviate(String line) {
    return line.length() <= 40 ? line : line.substring(0, 40) + "...";
  }
}
