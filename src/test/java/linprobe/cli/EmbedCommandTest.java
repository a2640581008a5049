package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import linprobe.spark.SparkTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * linprobe embed's bad inputs through the CLI's entry point: exit 2, one line naming the
 * problem and the fix, no stack trace, nothing written (no output, no staging, no lock).
 */
class EmbedCommandTest extends SparkTestBase {
  @TempDir static Path tmp;
  static Path csv;
  static Path gaps;

  @BeforeAll
  static void fixtures() throws IOException {
    spark();
    csv = tmp.resolve("in.csv");
    Files.writeString(csv, "id,section,text\n1,games,Chess for two players\n"
        + "2,sound,Audio mixer\n3,science,Plot data in 2D and 3D\n");
    gaps = tmp.resolve("gaps.jsonl");
    Files.writeString(gaps, "{\"id\": 1, \"text\": \"A sentence\"}\n{\"id\": 2, \"text\": null}\n"
        + "{\"id\": 3, \"text\": \"\"}\n{\"id\": 4}\n{\"id\": 5, \"text\": \"  \"}\n"
        + "{\"id\": 6, \"text\": \"Another one\"}\n");
  }

  static CliTest.Run embed(String... args) {
    List<String> a = new ArrayList<>(List.of("embed", "--out", tmp.resolve("out").toString()));
    a.addAll(List.of(args));
    return CliTest.run(a.toArray(new String[0]));
  }

  static void assertRefused(CliTest.Run r, String expected) throws IOException {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("linprobe: error")).count(),
        r.err());
    assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    try (Stream<Path> s = Files.list(tmp)) {
      List<String> left = s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".out")).toList();
      assertEquals(List.of(), left, "no staging directory or lock left behind");
    }
  }

  @Test
  void missingTextColumnNamesTheColumnsThatExist() throws IOException {
    assertRefused(embed("--input", csv.toString(), "--text-col", "description"),
        "input " + csv + " has no column 'description' (columns: id, section, text): name the "
            + "right one with --text-col");
    assertRefused(embed("--input", csv.toString(), "--label-col", "category"),
        "has no column 'category' (columns: id, section, text): name the right one with "
            + "--label-col");
    assertRefused(embed("--input", csv.toString(), "--id-col", "key"),
        "has no column 'key' (columns: id, section, text): name the right one with --id-col");
    // JSON keeps its numbers' type (a CSV's columns are all text, as written)
    Path json = tmp.resolve("typed.json");
    Files.writeString(json, "{\"id\": 1, \"text\": \"Chess for two\"}\n");
    assertRefused(embed("--input", json.toString(), "--text-col", "id"),
        "text column 'id' in " + json + " has type bigint: name a column of strings with "
            + "--text-col");
  }

  @Test
  void nullAndEmptyTextsAreCountedAndRefused() throws IOException {
    assertRefused(embed("--input", gaps.toString()),
        "input has 4 of 6 rows with no text in 'text' (2 null, 2 empty or blank): fill them "
            + "in, or pass --drop-invalid to skip them");
    Path none = tmp.resolve("none.jsonl");
    Files.writeString(none, "{\"id\": 1, \"text\": null}\n{\"id\": 2, \"text\": \" \"}\n");
    assertRefused(embed("--input", none.toString(), "--drop-invalid"),
        "has no row with a text in 'text': check --text-col");
  }

  @Test
  void unknownModelListsTheKnownOnes() throws IOException {
    assertRefused(embed("--input", csv.toString(), "--model", "bert-base-uncased"),
        "unknown --model 'bert-base-uncased': known models are all-minilm-l6-v2-q");
  }

  @Test
  void badPathsFormatsAndSettings() throws IOException {
    assertRefused(embed("--input", tmp.resolve("missing.csv").toString()),
        "input " + tmp.resolve("missing.csv") + " does not exist: check --input");
    Path txt = tmp.resolve("in.txt");
    Files.copy(csv, txt, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertRefused(embed("--input", txt.toString()),
        "cannot tell the format of " + txt + " from its name: pass --format parquet, csv or "
            + "json");
    assertRefused(embed("--input", csv.toString(), "--format", "xlsx"),
        "unknown --format 'xlsx': use parquet, csv or json");
    assertRefused(embed("--input", csv.toString(), "--format", "parquet"),
        "cannot read input " + csv + " as Parquet: ");
    // the other way round: a Parquet table read as CSV or JSON lines would be its bytes
    Path parquet = Path.of("data-samples/digits/train.parquet").toAbsolutePath();
    for (String[] f : new String[][] {{"csv", "CSV"}, {"json", "JSON lines"}}) {
      assertRefused(embed("--input", parquet.toString(), "--format", f[0]),
          "input " + parquet + " is Parquet, not " + f[1] + " (part-");
      assertRefused(embed("--input", parquet.toString(), "--format", f[0]),
          ".parquet begins with PAR1): pass --format parquet, or leave --format out");
    }
    // a stray file in a directory of JSON lines: Spark names no file, linprobe names it
    Path lines = Files.createDirectories(tmp.resolve("lines"));
    Files.writeString(lines.resolve("a.json"), "{\"id\":1,\"text\":\"hello\"}\n");
    Files.writeString(lines.resolve("notes.txt"), "checked by hand\n");
    // a part without an extension, as Hadoop and Hive name them, is not called a stray
    Files.writeString(lines.resolve("part-r-00000"), "{\"id\":2,\"text\":\"world\"}\n");
    assertRefused(embed("--input", lines.toString(), "--format", "json"), "cannot read input "
        + lines + " as JSON lines: ");
    assertRefused(embed("--input", lines.toString(), "--format", "json"), "(check --input, or "
        + "name its format with --format; it also holds notes.txt, not JSON lines by its name: "
        + "move it out)");
    assertRefused(embed("--input", csv.toString(), "--batch", "0"),
        "--batch must be 1 to 100000, got 0");
    assertRefused(embed("--input", csv.toString(), "--batch", "2147483647"),
        "--batch must be 1 to 100000, got 2147483647");
    Path empty = tmp.resolve("empty.csv");
    Files.writeString(empty, "id,text\n");
    assertRefused(embed("--input", empty.toString()), "input " + empty + " has no rows");
    Path nothing = tmp.resolve("nothing.csv");
    Files.writeString(nothing, "");
    assertRefused(embed("--input", nothing.toString()), "input " + nothing + " is empty: not "
        + "even a header; point --input at a table with a text column");
    assertRefused(embed("--input", csv.toString(), "--partitions", "-1"),
        "--partitions must be 0 (the default: four per core) or more, got -1");
  }

  @Test
  void anExistingOutputIsKeptUnlessOverwrite() throws IOException {
    Path out = tmp.resolve("kept");
    Files.createDirectories(out);
    Files.writeString(out.resolve("mine.txt"), "user data");
    CliTest.Run r = CliTest.run("embed", "--input", csv.toString(), "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    // a directory of the user's files: --overwrite is not offered, as it would be refused too
    assertTrue(r.err().contains("already exists and is not empty: choose another --out (it is "
        + "not a finished output, so --overwrite would not replace it either)"), r.err());
    assertEquals("user data", Files.readString(out.resolve("mine.txt")));
    // --overwrite replaces a finished output only, never a directory of the user's files
    r = CliTest.run("embed", "--input", csv.toString(), "--out", out.toString(), "--overwrite",
        "--quiet");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("is not a finished output"), r.err());
    assertEquals("user data", Files.readString(out.resolve("mine.txt")));
    Files.delete(out.resolve("mine.txt"));
    assertEquals(0, CliTest.run("embed", "--input", csv.toString(), "--out", out.toString(),
        "--quiet").code());
    Files.writeString(out.resolve("added.txt"), "in a finished output");
    r = CliTest.run("embed", "--input", csv.toString(), "--out", out.toString(), "--overwrite",
        "--quiet");
    assertEquals(0, r.code(), r.err());
    assertFalse(Files.exists(out.resolve("added.txt")));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
  }

  @Test
  void helpDescribesTheCommand() {
    CliTest.Run r = CliTest.run("embed", "--help");
    assertEquals(0, r.code());
    for (String s : new String[] {"--input", "--text-col", "--out", "--label-col", "--id-col",
        "--model", "--batch", "--format", "--partitions", "--drop-invalid", "--overwrite",
        "all-minilm-l6-v2-q"}) {
      assertTrue(r.out().contains(s), s);
    }
    assertTrue(CliTest.run("--help").out().contains("embed"));
  }
}
