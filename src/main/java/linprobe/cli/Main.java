package linprobe.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import linprobe.LinprobeException;
import linprobe.TransientFailure;
import linprobe.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * linprobe's command line. Exit codes: 0 success, 2 usage or invalid input, 1 anything else; on
 * failure the last line says what to do.
 */
@Command(name = "linprobe", mixinStandardHelpOptions = true, versionProvider = Main.VersionInfo.class,
    description = {"Gaussian naive Bayes vs logistic regression learning curves on Parquet "
        + "embeddings, on Spark: which linear probe is better, and from how many labels on."},
    subcommands = {CurveCommand.class, DemoCommand.class, SimulateCommand.class,
        GenerateCommand.class, ImportIdxCommand.class, ImportPackagesCommand.class,
        EmbedCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_INVALID = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: curve, demo, simulate, generate, import-idx, "
            + "import-packages or embed");
  }

  /** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
  public static final int EXIT_INTERRUPTED = 130;

  /** Exit code of a run stopped by SIGTERM (128 + 15), as Airflow and kill stop it. */
  public static final int EXIT_TERMINATED = 143;

  /**
   * The exit code of the signal that stops the run (0: none): the failure the run then meets is
   * its consequence, not news.
   */
  private static volatile int stoppedBy;

  /**
   * Whether the run that failed asked for --verbose (typed, or from --config or
   * spark.linprobe.verbose): what Spark prints as it stops is then not silenced.
   */
  private static volatile boolean failedVerbose;

  public static void main(String[] args) throws org.apache.spark.SparkUserAppException {
    boolean curve = args.length > 0 && args[0].equals("curve");
    boolean hosted = hostedDriver(System.getProperties(),
        System.getenv("DATABRICKS_RUNTIME_VERSION"));
    onSignal("INT", EXIT_INTERRUPTED, "interrupted", curve, System.err);
    // a platform's driver process (YARN's, Databricks') keeps its own SIGTERM handling
    if (!hosted) onSignal("TERM", EXIT_TERMINATED, "stopped (SIGTERM)", curve, System.err);
    int code = execute(args, System.out, System.err);
    if (code != EXIT_OK && !hosted && !failedVerbose) {
      // the failure has had its line: Spark's shutdown hook, stopping under the failed job's
      // other tasks, can print a stack trace (a Future rejected by a pool shutting down)
      silence();
    }
    exit(code, hosted);
  }

  /** Nothing more on stdout or stderr, from linprobe, Spark or its logging. */
  private static void silence() {
    org.apache.logging.log4j.core.config.Configurator.setAllLevels(
        org.apache.logging.log4j.LogManager.ROOT_LOGGER_NAME, org.apache.logging.log4j.Level.OFF);
    System.err.flush();
    System.out.flush();
    System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
  }

  /**
   * Whether main runs inside a platform's driver process rather than a JVM of its own: Spark's
   * YARN ApplicationMaster in cluster deploy mode (which sets the run's Spark settings as system
   * properties before it calls main) or a Databricks JAR task.
   */
  static boolean hostedDriver(java.util.Properties p, String databricksRuntime) {
    return databricksRuntime != null
        || ("cluster".equals(p.getProperty("spark.submit.deployMode"))
            && p.getProperty("spark.master", "").startsWith("yarn"));
  }

  /**
   * Ends the process with code. A hosted driver's main must return instead: YARN's
   * ApplicationMaster counts a return as success and an exit from inside main as a failure
   * (exit code 16, and YARN runs the application again); a failure is thrown as Spark's
   * SparkUserAppException, which it reports with this code.
   */
  static void exit(int code, boolean hosted) throws org.apache.spark.SparkUserAppException {
    if (!hosted) System.exit(code);
    if (code != EXIT_OK) throw userAppException(code);
  }

  /**
   * Spark's SparkUserAppException with this exit code, made through whichever constructor the
   * running Spark has: (int exitCode) in Spark 4.0, as on Databricks Runtime 17.3, and (int
   * exitCode, Throwable cause) from Spark 4.1 on (this jar is compiled against 4.2). A direct
   * call would fail on 4.0 with NoSuchMethodError instead of the run's exit code.
   */
  static org.apache.spark.SparkUserAppException userAppException(int code) {
    for (var c : org.apache.spark.SparkUserAppException.class.getConstructors()) {
      Class<?>[] types = c.getParameterTypes();
      if (types.length == 0 || types[0] != int.class) continue;
      boolean rest = true; // any other parameter must take null
      for (int i = 1; i < types.length; i++) rest &= !types[i].isPrimitive();
      if (!rest) continue;
      Object[] args = new Object[types.length]; // any cause null
      args[0] = code;
      try {
        return (org.apache.spark.SparkUserAppException) c.newInstance(args);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot make Spark's SparkUserAppException(" + code + ")",
            e);
      }
    }
    throw new IllegalStateException("this Spark's SparkUserAppException has no constructor "
        + "taking an exit code");
  }

  /**
   * Ctrl-C (SIGINT) and SIGTERM (kill, Airflow stopping a task): one line saying what happened
   * and how to continue, instead of Spark's stack traces as it stops under a running job, and
   * the exit code 128 + the signal's number. The unfinished output's staging directory is
   * removed and its lock released before the line is printed; a curve run's finished logistic
   * regressions stay recorded for --resume.
   *
   * @param what the line's word for it: "interrupted", "stopped (SIGTERM)"
   */
  static void onSignal(String name, int code, String what, boolean resumable,
      java.io.PrintStream err) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
        stoppedBy = code;
        org.apache.logging.log4j.core.config.Configurator.setAllLevels(
            org.apache.logging.log4j.LogManager.ROOT_LOGGER_NAME,
            org.apache.logging.log4j.Level.OFF); // Spark's, as the job under way fails
        // the unfinished output first: a write still under way must not commit it after this
        // line has said it was not written (a commit already moving waits for its end)
        boolean written = linprobe.spark.OutputDir.abortOpen();
        err.println(written ? "linprobe: " + what + " after the output was complete: the "
            + "results are in place" : "linprobe: " + what + ": nothing was written to the output"
            + (resumable ? "; rerun the same command with --resume to continue where it stopped"
                : ""));
        err.flush();
        silence();
        System.exit(code);
      });
    } catch (IllegalArgumentException noSignals) {
      // a platform without this signal: the JVM's default handling stays
    }
  }

  /** Runs the CLI and returns its exit code (tests call this instead of main). */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    if (java.util.Arrays.asList(args).contains("--verbose")) {
      // the quiet log4j2 configuration hides failed tasks' traces; --verbose shows them
      for (String logger : new String[] {"org.apache.spark.executor.Executor",
          "org.apache.spark.scheduler.TaskSetManager"}) {
        org.apache.logging.log4j.core.config.Configurator.setLevel(logger,
            org.apache.logging.log4j.Level.WARN);
      }
    }
    CommandLine cl = new CommandLine(new Main());
    try {
      // curve's options only: the other commands take their flags and built-in defaults
      if (args.length > 0 && args[0].equals("curve")) {
        cl.getSubcommands().get("curve").setDefaultValueProvider(LayeredDefaults.from(args));
      }
    } catch (LinprobeException e) {
      err.println("linprobe: error: " + e.getMessage());
      return EXIT_INVALID;
    }
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      if (stoppedBy != 0) return stoppedBy;
      boolean verbose = isVerbose(parsed);
      failedVerbose = verbose;
      if (verbose) ex.printStackTrace(err);
      if (ex instanceof LinprobeException) {
        err.println("linprobe: error: " + ex.getMessage());
        return EXIT_INVALID;
      }
      TransientFailure outside = LinprobeException.inChain(ex, TransientFailure.class);
      if (outside != null) {
        err.println("linprobe: failed: " + outside.getMessage());
        return EXIT_FAILED;
      }
      err.println("linprobe: failed: " + describe(ex));
      err.println(unfinished(parsed.hasSubcommand()
          && parsed.subcommand().commandSpec().name().equals("curve"), verbose));
      return EXIT_FAILED;
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      // linprobe's own message, not picocli's wrapping of it ("while processing argument ...")
      LinprobeException own = LinprobeException.inChain(ex, LinprobeException.class);
      String message = own != null ? own.getMessage() : ex.getMessage();
      if (ex.getCommandLine().getDefaultValueProvider() instanceof LayeredDefaults d) {
        // a bad value in --config or spark.linprobe.*: name that place, not a flag never typed
        message = d.blame(message, name -> java.util.Arrays.stream(args)
            .anyMatch(x -> x.equals(name) || x.startsWith(name + "=")));
      }
      if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
        message = unmatched(u);
      }
      // one line, worded as linprobe's own messages (picocli's start with a capital)
      message = message.strip().replaceAll("\\s*\\R\\s*", "; ");
      message = Character.toLowerCase(message.charAt(0)) + message.substring(1);
      err.println("linprobe: error: " + message + "; see '"
          + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
      return EXIT_INVALID;
    });
    return cl.execute(args);
  }

  /**
   * What was typed that no command or option has, in linprobe's words: an unknown command
   * (with a guess), options before any subcommand (put it first), or unknown options, named
   * without the values after them (picocli lists '--sed', '3'), with a guess.
   */
  static String unmatched(CommandLine.UnmatchedArgumentException u) {
    String first = u.getUnmatched().get(0);
    String typed = first.replaceAll("=.*", "");
    CommandLine.Model.CommandSpec spec = u.getCommandLine().getCommandSpec();
    List<String> names = new ArrayList<>(spec.subcommands().keySet());
    spec.options().forEach(o -> names.addAll(List.of(o.names())));
    String near = nearest(typed, names);
    String guess = near == null ? "" : " (did you mean '" + near + "'?)";
    var subcommands = u.getCommandLine().getSubcommands();
    boolean top = u.getCommandLine().getParent() == null;
    if (top && !first.startsWith("-")) {
      return "unknown command '" + first + "'" + guess + ": use one of "
          + String.join(", ", subcommands.keySet());
    }
    if (top) { // linprobe --train ...: the subcommand goes first
      String owner = subcommands.entrySet().stream()
          .filter(c -> c.getValue().getCommandSpec().findOption(typed) != null)
          .map(java.util.Map.Entry::getKey).findFirst().orElse("curve");
      return "a subcommand comes first, then its options: 'linprobe " + owner + " " + typed
          + " ...' (subcommands: " + String.join(", ", subcommands.keySet()) + ")";
    }
    List<String> unknown = u.getUnmatched().stream().filter(x -> x.startsWith("-"))
        .map(x -> "'" + x + "'").toList();
    if (unknown.isEmpty()) return u.getMessage() + guess;
    return (unknown.size() == 1 ? "unknown option: " : "unknown options: ")
        + String.join(", ", unknown) + guess;
  }

  /**
   * The name closest to what was typed (edit distance), when close enough to be a typo: at most
   * 2 edits or a third of its length, and nearer than the runner-up; else null.
   */
  static String nearest(String typed, List<String> names) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE, second = Integer.MAX_VALUE;
    for (String name : new java.util.LinkedHashSet<>(names)) {
      int d = editDistance(typed, name);
      if (d < bestDistance) {
        second = bestDistance;
        bestDistance = d;
        best = name;
      } else if (d < second) {
        second = d;
      }
    }
    return best != null && bestDistance > 0 && bestDistance <= Math.max(2, typed.length() / 3)
        && bestDistance < second ? best : null;
  }

  /** Levenshtein's distance: the fewest insertions, deletions and substitutions from a to b. */
  static int editDistance(String a, String b) {
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) row[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int above = row[j];
        row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1),
            diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length()];
  }

  /**
   * The last line of a run that failed (exit 1): what to do. A curve run's finished logistic
   * regressions are recorded (also when SIGTERM stops it, as Airflow does): --resume keeps them.
   */
  static String unfinished(boolean curve, boolean verbose) {
    return "linprobe: the run did not finish and wrote no output; " + (curve
        ? "any logistic regression it finished is recorded: rerun the same command with "
            + "--resume to keep them (" + (verbose ? "the stack trace is above)"
                : "--verbose shows the stack trace)")
        : verbose ? "see the stack trace above" : "rerun with --verbose for the stack trace");
  }

  private static boolean isVerbose(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult p = parsed;
    while (p != null) {
      // typed, or from curve's --config file or spark.linprobe.verbose
      var option = p.commandSpec().findOption("--verbose");
      if (p.hasMatchedOption("--verbose")
          || (option != null && Boolean.TRUE.equals(option.getValue()))) {
        return true;
      }
      p = p.subcommand();
    }
    return false;
  }

  private static String describe(Throwable ex) {
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = root.getMessage() == null ? "" : root.getMessage();
    int nl = m.indexOf('\n');
    if (nl >= 0) m = m.substring(0, nl);
    return root.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
  }

  static final class VersionInfo implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"linprobe " + Version.get()};
    }
  }
}
