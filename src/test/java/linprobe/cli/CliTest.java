package linprobe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import linprobe.spark.SparkTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, one-line errors, nothing half-written. */
class CliTest extends SparkTestBase {
  @TempDir Path tmp;

  public record Run(int code, String out, String err) {}

  @BeforeAll
  static void session() {
    spark();
  }

  public static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream oldOut = System.out, oldErr = System.err;
    System.setOut(o);
    System.setErr(e);
    try {
      int code = Main.execute(args, o, e);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  String train() {
    return dataSamples("digits", "train");
  }

  String test() {
    return dataSamples("digits", "test");
  }

  void assertInvalid(Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  @Test
  void helpListsSubcommandsAndOptions() {
    Run r = run("--help");
    assertEquals(0, r.code());
    for (String s : new String[] {"curve", "demo", "import-idx"}) assertTrue(r.out().contains(s));
    Run c = run("curve", "--help");
    assertEquals(0, c.code());
    for (String s : new String[] {"--train", "--test", "--out", "--features-col", "--label-col",
        "--models", "--shots", "--seeds", "--seed-list", "--scaling", "--lr-c", "--lr-max-iter",
        "--lr-tol", "--nb-epsilon", "--epsilon", "--overwrite"}) {
      assertTrue(c.out().contains(s), s);
    }
  }

  @Test
  void everySubcommandPrintsTheVersionItsHelpOffers() {
    String version = run("--version").out().trim();
    assertTrue(version.startsWith("linprobe "), version);
    for (String sub : new String[] {"curve", "demo", "simulate", "generate", "import-idx",
        "import-packages", "embed"}) {
      assertTrue(run(sub, "--help").out().contains("--version"), sub);
      Run r = run(sub, "-V");
      assertEquals(0, r.code(), sub);
      assertEquals(version, r.out().trim(), sub);
    }
  }

  @Test
  void aFileSystemThatDoesNotAnswerExitsOneARetryMayHelp() throws Exception {
    // nothing listens on port 1: HDFS's client is refused, as by a name node that is down
    String down = "hdfs://127.0.0.1:1/linprobe";
    Run out = run("curve", "--train", train(), "--test", test(), "--out", down + "/out",
        "--quiet");
    Run in = run("curve", "--train", down + "/train", "--test", test(), "--out",
        tmp.resolve("o").toString(), "--quiet");
    for (Run r : new Run[] {out, in}) {
      assertEquals(1, r.code(), r.err());
      assertTrue(r.err().contains("its file system did not answer: retry once it is up"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    assertTrue(out.err().startsWith("linprobe: failed: cannot use output " + down + "/out: "),
        out.err());
    assertTrue(in.err().contains("cannot access train path " + down + "/train: ")
        && in.err().contains("or check --train)"), in.err());
    assertFalse(Files.exists(tmp.resolve("o")), "nothing written");
    // the same path from a --config file: the message says where it came from
    Path config = tmp.resolve("down.properties");
    Files.writeString(config, "out=" + down + "/fromConfig\n");
    Run configured = run("curve", "--train", train(), "--test", test(), "--config",
        config.toString(), "--quiet");
    assertEquals(1, configured.code(), configured.err());
    assertTrue(configured.err().contains("its file system did not answer")
        && configured.err().contains("(the value comes from config file " + config),
        configured.err());
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    assertInvalid(run(), "subcommand is required");
    assertInvalid(run("nope"), "unknown command 'nope': use one of curve, demo, simulate, "
        + "generate, import-idx, import-packages, embed, help");
    assertInvalid(run("curve", "--train", train(), "--test", test(), "--out",
        tmp.resolve("c").toString(), "--lr-c", "abc"), "--lr-c value 'abc' is neither a number "
        + "nor auto");
    String out = tmp.resolve("o").toString();
    assertInvalid(run("curve", "--train", train(), "--test", test()), "missing --out");
    assertInvalid(run("curve", "--train", train(), "--test", test(), "--out", out, "--bogus"),
        "unknown option: '--bogus'; see 'linprobe curve --help'");
    // picocli's errors too: one line, the problem, a guess where there is one, and where to look
    Run typo = run("crve", "--train", train());
    assertInvalid(typo, "linprobe: error: unknown command 'crve' (did you mean 'curve'?): use one"
        + " of curve, demo, simulate, generate, import-idx, import-packages, embed, help; see"
        + " 'linprobe --help'");
    Run flag = run("curve", "--train", train(), "--test", test(), "--out", out, "--sed");
    assertInvalid(flag, "linprobe: error: unknown option: '--sed' (did you mean '--seeds'?)");
    // the nearest name, not picocli's first with the same two letters (--lr-c, --scaling)
    assertInvalid(run("curve", "--lr-gem", "float32"), "unknown option: '--lr-gem' (did"
        + " you mean '--lr-gemm'?)"); // its value is not called an option
    assertInvalid(run("curve", "--aa", "1", "--bb"), "unknown options: '--aa', '--bb'; see");
    // options without a subcommand: put it first
    assertInvalid(run("--train", train(), "--test", test()), "a subcommand comes first, then its "
        + "options: 'linprobe curve --train ...' (subcommands: curve, demo,");
    assertInvalid(run("--text-col", "t"), "'linprobe embed --text-col ...'");
    assertInvalid(run("curve", "--score-gem=double"), "(did you mean '--score-gemm'?)");
    assertInvalid(run("curve", "--validation-fracton", "0.2"), "'--validation-fraction'?");
    assertFalse(run("curve", "--zzzzzz").err().contains("did you mean"), "no guess for nonsense");
    assertEquals("--seeds", Main.nearest("--sed", List.of("--seed-list", "--seeds", "--scaling")));
    assertEquals(null, Main.nearest("--x", List.of("-h", "-V")), "a tie is no guess");
    assertEquals(3, Main.editDistance("kitten", "sitting"));
    Run value = run("curve", "--train", train(), "--test", test(), "--out", out, "--seeds",
        "two");
    assertInvalid(value, "linprobe: error: invalid value for option '--seeds': 'two' is not an"
        + " int; see 'linprobe curve --help'");
    for (Run r : new Run[] {typo, flag, value, run("nope"), run()}) {
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    assertInvalid(run("curve", "--train", train(), "--test", test(), "--out", out, "--models",
        "nb,svm"), "unknown model 'svm'");
    assertInvalid(run("curve", "--train", train(), "--test", test(), "--out", out, "--seeds", "0"),
        "--seeds must be at least 1");
    assertInvalid(run("curve", "--train", train(), "--test", test(), "--out", out, "--lr-c", "0"),
        "--lr-c must be a positive number");
    assertInvalid(run("curve", "--train", train(), "--test", test(), "--out", out, "--shots",
        "-1,2"), "must be positive");
    assertInvalid(run("curve", "--train", train(), "--test", test(), "--out", out, "--scaling",
        "log"), "unknown scaling 'log'");
    assertFalse(Files.exists(tmp.resolve("o")), "no output directory on invalid input");
  }

  @Test
  void badInputIsOneClearLineAndNoOutput() {
    String out = tmp.resolve("o").toString();
    assertInvalid(run("curve", "--train", tmp.resolve("missing").toString(), "--test", test(),
        "--out", out), "does not exist");
    assertInvalid(run("curve", "--train", train(), "--test", test(), "--out", out,
        "--features-col", "emb"), "has no column 'emb' (columns: id, label, embedding)");
    assertInvalid(run("curve", "--train", train(), "--test", test(), "--out", out,
        "--features-col", "label"), "use array<float>, array<double> or a Spark ML vector");
    assertInvalid(run("curve", "--train", train(), "--test", dataSamples("fashion", "test"),
        "--out", out), "dimension 64 but test embeddings have 784");
    assertFalse(Files.exists(tmp.resolve("o")), "no output directory on bad input");
  }

  @Test
  void curveRunsPrintsTheTableAndRefusesToOverwrite() throws Exception {
    String out = tmp.resolve("run").toString();
    String[] args = {"curve", "--train", train(), "--test", test(), "--out", out, "--shots",
        "1,5,all", "--seeds", "2", "--models", "nb,lr", "--quiet"};
    Run r = run(args);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("| shots | n_train | nb error | lr error |"), r.out());
    // a warning is printed even with --quiet; this machine's BLAS decides whether there is one
    java.util.Optional<String> blas = linprobe.math.Blas.warning(true);
    if (blas.isPresent()) {
      assertTrue(r.err().contains("linprobe: warning: " + blas.get()), r.err());
    } else {
      assertFalse(r.err().contains("BLAS in this JVM"), r.err());
    }
    assertTrue(Files.exists(tmp.resolve("run/_SUCCESS")));
    String before = Files.readString(tmp.resolve("run/fits.csv"));
    assertInvalid(run(args), "already exists and is not empty");
    String[] resume = java.util.Arrays.copyOf(args, args.length + 1);
    resume[args.length] = "--resume";
    // the same run again with --resume (a retry of a try that had finished): nothing to do,
    // exit 0, the same tables printed from the output
    Run retry = run(resume);
    assertEquals(0, retry.code(), retry.err());
    assertEquals(r.out(), retry.out());
    assertEquals(before, Files.readString(tmp.resolve("run/fits.csv")));
    resume[java.util.Arrays.asList(resume).indexOf("1,5,all")] = "1,2,all";
    assertInvalid(run(resume), "output " + out + " is already complete, from other inputs, data "
        + "or settings (--shots [1, 2, all] (was [1, 5, all])): nothing to resume; choose another "
        + "--out, or pass --overwrite to run it again");
    assertEquals(before, Files.readString(tmp.resolve("run/fits.csv")));
  }
}
