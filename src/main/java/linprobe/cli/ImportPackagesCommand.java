package linprobe.cli;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import linprobe.LinprobeException;
import linprobe.packages.Csv;
import linprobe.packages.PackageDataset;
import linprobe.packages.PackageDataset.SectionCount;
import linprobe.packages.PackageIndex;
import linprobe.spark.OutputDir;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "import-packages", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = Main.VersionInfo.class,
    description = {"Build a labelled text dataset from Debian's package index (the output of "
        + "apt-cache dumpavail, or a Packages file, optionally gzipped): one row per package of "
        + "a topical section, its one-line description as text and its section as label, split "
        + "into train and test by source package. Writes train.csv and test.csv (columns id = "
        + "package name, label, text) and sections.csv (every section's counts) into --out. "
        + "data-samples/make_packages.sh runs it; the rules are in data-samples/README.md."})
public final class ImportPackagesCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "The package index: apt-cache dumpavail output, or - for standard input.")
  String input;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(names = "--sections", split = ",", paramLabel = "LIST",
      description = "Sections to take (default: every topical section with at least "
          + "--min-packages usable packages).")
  List<String> sections;

  @Option(names = "--min-packages", paramLabel = "N",
      description = "Usable packages a section needs to be taken (default: 300).")
  int minPackages = 300;

  @Option(names = "--train-per-section", paramLabel = "N",
      description = "Training rows per section, at most (default: 200; 0: all the rest).")
  int trainPerSection = 200;

  @Option(names = "--test-per-section", paramLabel = "N",
      description = "Test rows per section (default: 100).")
  int testPerSection = 100;

  @Option(names = "--overwrite", description = "Replace --out if it is a finished output.")
  boolean overwrite;

  @Option(names = "--verbose", description = "Stack traces on errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    var options = new PackageDataset.Options(
        sections == null ? null : sections.stream().map(s -> s.strip().toLowerCase(Locale.ROOT))
            .filter(s -> !s.isEmpty()).distinct().toList(),
        minPackages, trainPerSection, testPerSection);
    String what = input.equals("-") ? "standard input" : input;
    PackageIndex.Parsed parsed;
    try (BufferedReader in = open(input)) {
      parsed = PackageIndex.parse(in, what);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new LinprobeException(what + " is not UTF-8 text: pass the output of apt-cache "
          + "dumpavail or a Packages file");
    } catch (java.io.EOFException e) { // a gzipped file cut short
      throw new LinprobeException(what + " is truncated: its gzip stream ends before its end "
          + "(a partial download?); check --input");
    }
    if (parsed.entries().isEmpty()) {
      throw new LinprobeException(what + " has no package stanzas with Package, Section and "
          + "Description: pass the output of apt-cache dumpavail (after apt-get update)");
    }
    PackageDataset.Result r = PackageDataset.build(parsed.entries(), options);

    Configuration conf = new Configuration();
    conf.set("fs.file.impl", RawLocalFileSystem.class.getName()); // no .crc files beside the CSVs
    conf.setBoolean("fs.file.impl.disable.cache", true);
    OutputDir dir = OutputDir.check(out, overwrite, conf,
        input.equals("-") ? java.util.Map.of()
            : java.util.Map.of("--input", linprobe.spark.FileSystems.local(input)));
    try {
      dir.writeText("train.csv", Csv.rows(r.train()));
      dir.writeText("test.csv", Csv.rows(r.test()));
      dir.writeText("sections.csv", sectionsCsv(r.sections()));
      dir.commit();
    } catch (Exception | Error e) {
      dir.abort();
      throw e;
    }
    System.err.printf(Locale.ROOT, "linprobe: %d stanzas, %d packages (%d duplicate stanzas; "
        + "skipped %d without Package, %d without Section, %d without Description)%n",
        parsed.stanzas(), parsed.entries().size(), parsed.duplicates(), parsed.noPackage(),
        parsed.noSection(), parsed.noDescription());
    System.err.printf(Locale.ROOT, "linprobe: dropped %d transitional or dummy packages, %d "
        + "synopses found in two sections, %d repeated synopses%n", r.packagingNotes(),
        r.ambiguousTexts(), r.repeatedTexts());
    System.err.println("linprobe: " + r.selected().size() + " sections (train/test): "
        + r.sections().stream().filter(SectionCount::selected)
            .map(c -> c.section() + " " + c.train() + "/" + c.test())
            .collect(Collectors.joining(", ")));
    System.err.println(String.format(java.util.Locale.ROOT, "linprobe: wrote %,d train and %,d "
        + "test rows to %s", r.train().size(), r.test().size(), dir.target()));
    return Main.EXIT_OK;
  }

  static String sectionsCsv(List<SectionCount> counts) {
    StringBuilder b = new StringBuilder(
        Csv.line("section", "packages", "topical", "usable", "selected", "train", "test"));
    for (SectionCount c : counts) {
      b.append(Csv.line(c.section(), Integer.toString(c.packages()), Boolean.toString(c.topical()),
          Integer.toString(c.eligible()), Boolean.toString(c.selected()),
          Integer.toString(c.train()), Integer.toString(c.test())));
    }
    return b.toString();
  }

  static BufferedReader open(String path) throws IOException {
    InputStream in;
    if (path.equals("-")) {
      in = new BufferedInputStream(System.in, 1 << 16);
    } else {
      try {
        in = new BufferedInputStream(new FileInputStream(path), 1 << 16);
      } catch (IOException e) {
        throw new LinprobeException("cannot open " + path + ": " + e.getMessage()
            + " (check --input)");
      }
    }
    in.mark(2);
    int b1 = in.read(), b2 = in.read();
    in.reset();
    if (b1 == 0x1f && b2 == 0x8b) in = new GZIPInputStream(in, 1 << 16);
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    return new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
  }
}
