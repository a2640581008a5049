package linprobe.packages;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import linprobe.LinprobeException;
import linprobe.packages.PackageIndex.Entry;

/**
 * A topic-classification dataset from Debian's package index: one row per binary package, its
 * synopsis (the one-line description, without the package name) as text and its archive section
 * as label. The rules, in order:
 *
 * <ol>
 *   <li><b>Topical sections only.</b> {@link #TOPICAL} lists the sections that say what the
 *       software is about (science, games, sound, ...). Left out: sections that say what form a
 *       package takes (libs, libdevel, oldlibs, debug, doc, introspection, metapackages, tasks),
 *       which language or toolkit it is written for (python, perl, rust, golang, javascript, java,
 *       haskell, ruby, gnu-r, php, ocaml, lisp, cli-mono, gnustep, zope, x11, gnome, kde, xfce),
 *       its human language (localization), and the catch-alls (utils, misc). {@code --sections}
 *       names the sections instead.
 *   <li><b>No packaging notes.</b> Synopses that announce a transitional or dummy package say
 *       nothing about a topic: dropped.
 *   <li><b>One label per text.</b> A synopsis (compared without case) found in two sections is
 *       dropped from both; a synopsis repeated within a section is kept once, for the package
 *       whose name sorts first.
 *   <li><b>Sections with enough packages.</b> A section is selected when at least
 *       {@code minPackages} packages remain in it.
 *   <li><b>Split by source package.</b> Within each selected section, packages are ordered by
 *       the SHA-256 of their source package's name (then by name); test takes the first
 *       {@code testPerSection}, train the next {@code trainPerSection} (0: all the rest). All
 *       binary packages of one source fall on the same side (0ad and 0ad-data describe the same
 *       game): where a source straddles a boundary, its packages past the boundary are left out.
 * </ol>
 *
 * The result depends only on the set of packages, never on the order of the input.
 */
public final class PackageDataset {
  private PackageDataset() {}

  /** Debian sections that name a topic (see the class comment). */
  public static final Set<String> TOPICAL = Set.of("admin", "comm", "database", "devel", "editors",
      "education", "electronics", "embedded", "fonts", "games", "graphics", "hamradio", "httpd",
      "interpreters", "kernel", "mail", "math", "net", "news", "otherosfs", "science", "shells",
      "sound", "tex", "text", "vcs", "video", "web");

  static final Pattern PACKAGING_NOTE =
      Pattern.compile("(?i)\\btransitional\\b|\\bdummy (?:transitional )?package\\b");

  /** A row of the dataset: id (the package name), label (its section), text (its synopsis). */
  public record Row(String id, String label, String text) {}

  /** Per section: packages in the index, whether topical, eligible after the rules, taken. */
  public record SectionCount(String section, int packages, boolean topical, int eligible,
      boolean selected, int train, int test) {}

  /** Train and test rows (sorted by label, then id), every section's counts, what was dropped. */
  public record Result(List<Row> train, List<Row> test, List<SectionCount> sections,
      int packagingNotes, int ambiguousTexts, int repeatedTexts) {
    public List<String> selected() {
      return sections.stream().filter(SectionCount::selected).map(SectionCount::section)
          .sorted().toList();
    }
  }

  /**
   * How to build it.
   *
   * @param sections the sections to take, or null for every topical section with enough packages
   */
  public record Options(List<String> sections, int minPackages, int trainPerSection,
      int testPerSection) {
    public Options {
      if (testPerSection < 1) {
        throw new LinprobeException("--test-per-section must be at least 1, not "
            + testPerSection);
      }
      if (trainPerSection < 0) {
        throw new LinprobeException("--train-per-section must be 0 (all) or more, not "
            + trainPerSection);
      }
      if (minPackages <= testPerSection) {
        throw new LinprobeException("--min-packages (" + minPackages + ") must be larger than "
            + "--test-per-section (" + testPerSection + ") so that every section has training "
            + "rows");
      }
    }

    public static Options defaults() {
      return new Options(null, 300, 200, 100);
    }
  }

  public static Result build(List<Entry> entries, Options o) {
    Map<String, Integer> packages = new TreeMap<>();
    for (Entry e : entries) packages.merge(e.section(), 1, Integer::sum);
    Set<String> wanted = o.sections() == null ? TOPICAL : new HashSet<>(o.sections());

    List<Entry> kept = new ArrayList<>();
    int notes = 0;
    for (Entry e : entries) {
      if (!wanted.contains(e.section())) continue;
      if (PACKAGING_NOTE.matcher(e.text()).find()) {
        notes++;
      } else {
        kept.add(e);
      }
    }
    Map<String, Set<String>> sectionsOfText = new HashMap<>();
    for (Entry e : kept) {
      sectionsOfText.computeIfAbsent(key(e.text()), k -> new HashSet<>()).add(e.section());
    }
    int ambiguous = 0, repeated = 0;
    Map<String, List<Entry>> bySection = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    kept.sort(Comparator.comparing(Entry::name));
    for (Entry e : kept) {
      String k = key(e.text());
      if (sectionsOfText.get(k).size() > 1) {
        ambiguous++;
      } else if (!seen.add(k)) {
        repeated++;
      } else {
        bySection.computeIfAbsent(e.section(), s -> new ArrayList<>()).add(e);
      }
    }

    Set<String> selected = new TreeSet<>();
    if (o.sections() != null) {
      for (String s : o.sections()) {
        int n = bySection.getOrDefault(s, List.of()).size();
        if (n < o.minPackages()) {
          throw new LinprobeException("section '" + s + "' has " + n + " usable packages, fewer "
              + "than --min-packages " + o.minPackages() + ": leave it out of --sections or "
              + "lower --min-packages");
        }
        selected.add(s);
      }
    } else {
      bySection.forEach((s, l) -> {
        if (l.size() >= o.minPackages()) selected.add(s);
      });
    }
    if (o.sections() != null && selected.size() < 2) {
      throw new LinprobeException("--sections names " + selected.size() + " section; a "
          + "classification needs two or more: name another");
    }
    if (selected.size() < 2) {
      throw new LinprobeException(selected.size() + " section(s) have at least --min-packages "
          + o.minPackages() + " usable packages; a classification needs two or more: lower "
          + "--min-packages, or run apt-get update first (apt-cache dumpavail lists only the "
          + "packages apt knows)");
    }

    List<Row> train = new ArrayList<>(), test = new ArrayList<>();
    Map<String, int[]> taken = new LinkedHashMap<>();
    int cap = o.trainPerSection() == 0 ? Integer.MAX_VALUE : o.trainPerSection();
    for (String s : selected) {
      List<List<Entry>> groups = groupsBySource(bySection.get(s));
      List<Row> te = new ArrayList<>(), tr = new ArrayList<>();
      int next = take(groups, 0, o.testPerSection(), s, te);
      take(groups, next, cap, s, tr);
      test.addAll(te);
      train.addAll(tr);
      taken.put(s, new int[] {tr.size(), te.size()});
    }
    Comparator<Row> order = Comparator.comparing(Row::label).thenComparing(Row::id);
    train.sort(order);
    test.sort(order);

    List<SectionCount> counts = new ArrayList<>();
    for (var p : packages.entrySet()) {
      String s = p.getKey();
      int[] n = taken.getOrDefault(s, new int[2]);
      counts.add(new SectionCount(s, p.getValue(), TOPICAL.contains(s),
          bySection.getOrDefault(s, List.of()).size(), selected.contains(s), n[0], n[1]));
    }
    counts.sort(Comparator.comparing(SectionCount::selected).reversed()
        .thenComparing(Comparator.comparingInt(SectionCount::eligible).reversed())
        .thenComparing(Comparator.comparingInt(SectionCount::packages).reversed())
        .thenComparing(SectionCount::section));
    return new Result(List.copyOf(train), List.copyOf(test), List.copyOf(counts), notes,
        ambiguous, repeated);
  }

  /**
   * Adds packages from groups[from..] to out until it holds {@code want} of this section (the
   * group at the boundary only in part); returns the index of the first group not touched.
   */
  private static int take(List<List<Entry>> groups, int from, int want, String section,
      List<Row> out) {
    int n = 0, g = from;
    for (; g < groups.size() && n < want; g++) {
      for (Entry e : groups.get(g)) {
        if (n == want) break;
        out.add(new Row(e.name(), section, e.text()));
        n++;
      }
    }
    return g;
  }

  /** A section's packages grouped by source, groups ordered by the source's hash. */
  static List<List<Entry>> groupsBySource(List<Entry> section) {
    Map<String, List<Entry>> bySource = new TreeMap<>();
    for (Entry e : section) bySource.computeIfAbsent(e.source(), k -> new ArrayList<>()).add(e);
    List<String> sources = new ArrayList<>(bySource.keySet());
    sources.sort(Comparator.comparing(PackageDataset::hash, Long::compareUnsigned)
        .thenComparing(Comparator.naturalOrder()));
    List<List<Entry>> groups = new ArrayList<>();
    for (String src : sources) {
      List<Entry> l = bySource.get(src);
      l.sort(Comparator.comparing(Entry::name));
      groups.add(l);
    }
    return groups;
  }

  /** The first 8 bytes of SHA-256(UTF-8 name), big-endian, as an unsigned 64-bit number. */
  public static long hash(String name) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) h = (h << 8) | (d[i] & 0xff);
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String key(String text) {
    return text.toLowerCase(Locale.ROOT);
  }
}
