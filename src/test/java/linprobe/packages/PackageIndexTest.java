package linprobe.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import linprobe.LinprobeException;
import linprobe.packages.PackageIndex.Entry;
import linprobe.packages.PackageIndex.Parsed;
import org.junit.jupiter.api.Test;

/** The parser on a fixture cut from apt-cache dumpavail, with the awkward cases added. */
class PackageIndexTest {
  static final Path FIXTURE = Path.of("src/test/resources/packages/dumpavail-sample.txt");

  static Parsed parse(String text) throws IOException {
    return PackageIndex.parse(new BufferedReader(new StringReader(text)), "test input");
  }

  static Parsed fixture() throws IOException {
    return parse(Files.readString(FIXTURE, StandardCharsets.UTF_8));
  }

  static Entry named(Parsed p, String name) {
    return p.entries().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void readsEveryStanzaAndCountsWhatItSkips() throws IOException {
    Parsed p = fixture();
    assertEquals(14, p.stanzas());
    assertEquals(List.of("0ad", "0ad-data", "crlf-package", "frotz", "game-data-packager",
        "gromacs", "hello", "nvidia-cuda-toolkit"),
        p.entries().stream().map(Entry::name).toList());
    assertEquals(1, p.noPackage());
    assertEquals(1, p.noSection(), "nosection");
    assertEquals(2, p.noDescription(), "nodescription, and a Description with no synopsis");
    assertEquals(2, p.duplicates(), "hello three times");
  }

  @Test
  void synopsisIsTheFirstDescriptionLineOnly() throws IOException {
    Parsed p = fixture();
    Entry g = named(p, "gromacs");
    assertEquals("Molecular dynamics simulator, with building and analysis tools", g.text(),
        "continuation lines dropped, runs of spaces made one");
    Entry ad = named(p, "0ad");
    assertEquals("Real-time strategy game of ancient warfare", ad.text());
    assertEquals("games", ad.section(), "the Tag field's continuation lines do not end it");
    assertEquals("0ad", ad.source(), "no Source field: the package is its own source");
    assertEquals("0ad-data", named(p, "0ad-data").source(), "Source's version left out");
    assertEquals("mail filter, with CRLF line ends", named(p, "crlf-package").text());
  }

  @Test
  void areaPrefixesAreSplitOffTheSection() throws IOException {
    Parsed p = fixture();
    Entry cuda = named(p, "nvidia-cuda-toolkit");
    assertEquals("science", cuda.section());
    assertEquals("non-free", cuda.area());
    Entry gdp = named(p, "game-data-packager");
    assertEquals("games", gdp.section());
    assertEquals("contrib", gdp.area());
    assertEquals("main", named(p, "gromacs").area());
    assertEquals("games", named(p, "frotz").section(), "field names in any case");
  }

  @Test
  void duplicatesKeepTheNewestVersionWhateverTheirOrder() throws IOException {
    String text = Files.readString(FIXTURE, StandardCharsets.UTF_8);
    Entry hello = named(parse(text), "hello");
    assertEquals("1:2.9-1", hello.version(), "the epoch makes it the newest");
    assertEquals("misc", hello.section());
    List<String> stanzas = new ArrayList<>(List.of(text.split("\n\n")));
    for (int seed = 0; seed < 5; seed++) {
      Collections.shuffle(stanzas, new Random(seed));
      Parsed q = parse(String.join("\n\n", stanzas));
      assertEquals(fixture().entries(), q.entries(), "stanza order " + seed);
    }
  }

  @Test
  void equalVersionsKeepTheSmallestSectionThenText() throws IOException {
    String a = "Package: p\nVersion: 1\nSection: sound\nDescription: b\n\n";
    String b = "Package: p\nVersion: 1\nSection: games\nDescription: z\n\n";
    String c = "Package: p\nVersion: 1\nSection: games\nDescription: a\n\n";
    assertEquals(new Entry("p", "p", "1", "main", "games", "a"), parse(a + b + c).entries().get(0));
    assertEquals(new Entry("p", "p", "1", "main", "games", "a"), parse(c + a + b).entries().get(0));
  }

  @Test
  void notAnIndexIsOneClearError() {
    var e = assertThrows(LinprobeException.class, () -> parse("id,label,text\n1,a,b\n"));
    assertTrue(e.getMessage().contains("test input line 1 is not a 'Field: value' line"),
        e.getMessage());
    var c = assertThrows(LinprobeException.class, () -> parse(" continued\nPackage: x\n"));
    assertTrue(c.getMessage().contains("line 1 continues a field"), c.getMessage());
    var d = assertThrows(LinprobeException.class,
        () -> parse("Package: x\nSection: y\n\n<html> <head>: z\n"));
    assertTrue(d.getMessage().contains("line 4"), d.getMessage());
  }

  @Test
  void emptyInputHasNoEntries() throws IOException {
    Parsed p = parse("\n\n");
    assertEquals(0, p.stanzas());
    assertTrue(p.entries().isEmpty());
  }
}
