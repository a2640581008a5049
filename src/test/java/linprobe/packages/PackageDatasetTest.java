package linprobe.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import linprobe.LinprobeException;
import linprobe.packages.PackageDataset.Options;
import linprobe.packages.PackageDataset.Result;
import linprobe.packages.PackageDataset.Row;
import linprobe.packages.PackageDataset.SectionCount;
import linprobe.packages.PackageIndex.Entry;
import org.junit.jupiter.api.Test;

/** The selection, filtering and split rules on generated indexes. */
class PackageDatasetTest {
  /** n packages of a section, from sources of `perSource` binaries each, distinct synopses. */
  static List<Entry> section(String section, int n, int perSource) {
    List<Entry> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String src = section + "-src" + (i / perSource);
      l.add(new Entry(section + "-pkg" + i, src, "1.0", "main", section,
          "tool number " + i + " for " + section));
    }
    return l;
  }

  static Options opts(int min, int train, int test) {
    return new Options(null, min, train, test);
  }

  static Map<String, SectionCount> counts(Result r) {
    return r.sections().stream().collect(Collectors.toMap(SectionCount::section, c -> c));
  }

  @Test
  void takesTopicalSectionsWithEnoughPackages() {
    List<Entry> all = new ArrayList<>();
    all.addAll(section("science", 40, 1));
    all.addAll(section("games", 30, 1));
    all.addAll(section("math", 29, 1)); // one short
    all.addAll(section("libs", 100, 1)); // not topical
    all.addAll(section("python", 100, 1)); // a language, not a topic
    Result r = PackageDataset.build(all, opts(30, 15, 10));
    assertEquals(List.of("games", "science"), r.selected());
    Map<String, SectionCount> c = counts(r);
    assertFalse(c.get("math").selected());
    assertEquals(29, c.get("math").eligible());
    assertFalse(c.get("libs").topical());
    assertEquals(100, c.get("libs").packages());
    assertEquals(0, c.get("libs").eligible());
    assertEquals(Set.of("games", "science"),
        r.train().stream().map(Row::label).collect(Collectors.toSet()));
  }

  @Test
  void namedSectionsReplaceTheTopicalList() {
    List<Entry> all = new ArrayList<>(section("science", 40, 1));
    all.addAll(section("python", 40, 1));
    Result r = PackageDataset.build(all, new Options(List.of("python", "science"), 30, 15, 10));
    assertEquals(List.of("python", "science"), r.selected());
    var e = assertThrows(LinprobeException.class, () -> PackageDataset.build(all,
        new Options(List.of("python", "games"), 30, 15, 10)));
    assertTrue(e.getMessage().contains("section 'games' has 0 usable packages"), e.getMessage());
  }

  @Test
  void fewerThanTwoSectionsIsAnError() {
    var e = assertThrows(LinprobeException.class,
        () -> PackageDataset.build(section("science", 40, 1), opts(30, 15, 10)));
    assertTrue(e.getMessage().contains("1 section(s) have at least --min-packages 30"),
        e.getMessage());
    assertThrows(LinprobeException.class, () -> opts(10, 15, 10), "min must exceed test");
  }

  @Test
  void dropsPackagingNotesAmbiguousAndRepeatedSynopses() {
    List<Entry> all = new ArrayList<>(section("science", 30, 1));
    all.addAll(section("games", 30, 1));
    all.add(new Entry("old-tool", "old", "1", "main", "science", "transitional package for tool"));
    all.add(new Entry("dummy", "d", "1", "main", "games", "Dummy package for the old name"));
    all.add(new Entry("a-edit", "a", "1", "main", "science", "Simple Editor"));
    all.add(new Entry("b-edit", "b", "1", "main", "games", "simple editor")); // in two sections
    all.add(new Entry("c-plot", "c", "1", "main", "science", "plotting tool"));
    all.add(new Entry("d-plot", "d", "1", "main", "science", "Plotting tool")); // repeated
    Result r = PackageDataset.build(all, opts(30, 0, 10));
    assertEquals(2, r.packagingNotes());
    assertEquals(2, r.ambiguousTexts());
    assertEquals(1, r.repeatedTexts());
    Set<String> ids = new HashSet<>();
    r.train().forEach(x -> ids.add(x.id()));
    r.test().forEach(x -> ids.add(x.id()));
    assertFalse(ids.contains("old-tool") || ids.contains("dummy"));
    assertFalse(ids.contains("a-edit") || ids.contains("b-edit"));
    assertTrue(ids.contains("c-plot"), "the first name of a repeated synopsis is kept");
    assertFalse(ids.contains("d-plot"));
    assertEquals(31, counts(r).get("science").eligible());
    assertEquals(61, ids.size(), "train 0 takes all the rest");
  }

  @Test
  void splitIsStratifiedSizedAndKeepsEachSourceOnOneSide() {
    List<Entry> all = new ArrayList<>(section("science", 300, 3));
    all.addAll(section("games", 250, 4));
    Result r = PackageDataset.build(all, opts(200, 120, 50));
    for (String s : List.of("science", "games")) {
      assertEquals(50, r.test().stream().filter(x -> x.label().equals(s)).count(), s);
      assertEquals(120, r.train().stream().filter(x -> x.label().equals(s)).count(), s);
    }
    Map<String, String> sourceOf = all.stream().collect(Collectors.toMap(Entry::name,
        Entry::source));
    Set<String> trainSources = r.train().stream().map(x -> sourceOf.get(x.id()))
        .collect(Collectors.toSet());
    Set<String> testSources = r.test().stream().map(x -> sourceOf.get(x.id()))
        .collect(Collectors.toSet());
    trainSources.retainAll(testSources);
    assertEquals(Set.of(), trainSources, "no source on both sides");
    assertEquals(r.train().stream().sorted(java.util.Comparator.comparing(Row::label)
        .thenComparing(Row::id)).toList(), r.train(), "rows sorted by label, then id");
  }

  @Test
  void testTakesTheSourcesWithTheSmallestHash() {
    List<Entry> all = new ArrayList<>(section("science", 60, 1));
    all.addAll(section("games", 60, 1));
    Result r = PackageDataset.build(all, opts(40, 20, 10));
    List<String> bySourceHash = all.stream().filter(e -> e.section().equals("science"))
        .sorted(java.util.Comparator.comparing((Entry e) -> PackageDataset.hash(e.source()),
            Long::compareUnsigned))
        .map(Entry::name).toList();
    assertEquals(new HashSet<>(bySourceHash.subList(0, 10)), r.test().stream()
        .filter(x -> x.label().equals("science")).map(Row::id).collect(Collectors.toSet()));
    assertEquals(new HashSet<>(bySourceHash.subList(10, 30)), r.train().stream()
        .filter(x -> x.label().equals("science")).map(Row::id).collect(Collectors.toSet()));
  }

  @Test
  void splitDoesNotDependOnInputOrderOrOtherSections() {
    List<Entry> all = new ArrayList<>(section("science", 300, 3));
    all.addAll(section("games", 250, 4));
    Result r = PackageDataset.build(all, opts(200, 120, 50));
    for (int seed = 0; seed < 3; seed++) {
      List<Entry> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, new Random(seed));
      Result s = PackageDataset.build(shuffled, opts(200, 120, 50));
      assertEquals(r.train(), s.train());
      assertEquals(r.test(), s.test());
      assertEquals(r.sections(), s.sections());
    }
    List<Entry> more = new ArrayList<>(all);
    more.addAll(section("sound", 300, 1));
    Result m = PackageDataset.build(more, opts(200, 120, 50));
    assertEquals(r.test().stream().filter(x -> x.label().equals("science")).toList(),
        m.test().stream().filter(x -> x.label().equals("science")).toList(),
        "a section's rows depend only on its own packages");
  }

  @Test
  void hashIsSha256Prefix() {
    // SHA-256("abc") = ba7816bf8f01cfea 414140de...
    assertEquals(0xba7816bf8f01cfeaL, PackageDataset.hash("abc"));
  }
}
