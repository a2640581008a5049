package linprobe.spark;

import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Progress on stderr: stages, one line per fit, and an estimate of the time left. The estimate
 * weighs each fit by its work (training rows for logistic regression; naive Bayes is closed form
 * and free), so quick fits do not make it optimistic.
 */
public class Progress {
  private final PrintStream out;
  private final boolean quiet;
  private int total;
  private int done;
  private double totalWork;
  private double doneWork;
  private long started;
  private final long created = System.currentTimeMillis();
  private final Set<String> warned = new LinkedHashSet<>();

  public Progress(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
  }

  public static Progress silent() {
    return new Progress(System.err, true);
  }

  public void stage(String what) {
    if (!quiet) {
      out.println(String.format(Locale.ROOT, "linprobe: %6.1fs %s",
          (System.currentTimeMillis() - created) / 1000.0, what));
    }
  }

  /**
   * A warning: printed even with --quiet, which hides progress, not problems; once, however
   * many runs share this Progress (simulate's curve runs all meet the same BLAS).
   */
  public void warn(String what) {
    if (warned.add(what)) out.println("linprobe: warning: " + what);
  }

  /** A line that is no warning but must be seen, --quiet or not ("already complete"). */
  public void say(String what) {
    out.println("linprobe: " + what);
  }

  /** The warnings said so far, in order: the outputs keep them too (summary.json, report). */
  public java.util.List<String> warnings() {
    return java.util.List.copyOf(warned);
  }

  /** @param work total work of all fits (e.g. training rows of the logistic regressions) */
  public void start(int fits, double work) {
    total = fits;
    totalWork = work;
    done = 0;
    doneWork = 0;
    started = System.currentTimeMillis();
  }



  private int chains;
  private int chainsDone;
  private double chainWork;
  private double chainWorkDone;
  private long chainsStarted;

  /** The in-task fits start: chains tasks, each a seed's chain of small fits, of this work. */
  public synchronized void chainsStart(int chains, double work) {
    this.chains = chains;
    this.chainWork = work;
    chainsDone = 0;
    chainWorkDone = 0;
    chainsStarted = System.currentTimeMillis();
  }

  /**
   * A chain task ended (told from Spark's listener thread): "in-task fits: 3 of 10 chains done,
   * about 20s left", the estimate from the chains' work.
   */
  public synchronized void chainEnded(double work) {
    chainsDone++;
    chainWorkDone += work;
    if (quiet) return;
    String left = chainsDone >= chains ? ""
        : left(System.currentTimeMillis() - chainsStarted, chainWork, chainWorkDone);
    out.println(String.format(Locale.ROOT, "linprobe: %6.1fs in-task fits: %d of %d chains done%s",
        (System.currentTimeMillis() - created) / 1000.0, chainsDone, chains, left));
  }

  /** Starts the time-left estimate afresh for work still to come (fit counts are kept). */
  public void estimateFrom(double work) {
    totalWork = work;
    doneWork = 0;
    started = System.currentTimeMillis();
  }

  /** @param work this fit's share of the work given to start or estimateFrom */
  public void fitted(linprobe.plan.FitResult f, double work) {
    linprobe.plan.SubsetId id = f.subset().id();
    long seed = id instanceof linprobe.plan.SubsetId.Sampled s ? s.seed() : -1;
    fitted(f.model(), seed, linprobe.curve.Fit.shotsLabel(id.shots()), f.subset().rows(),
        f.iterations(), f.converged(), f.fitMs(), work);
  }

  private void fitted(String model, long seed, String shots, long n, int iterations,
      boolean converged, long ms, double work) {
    done++;
    doneWork += work;
    if (quiet) return;
    String left = left(System.currentTimeMillis() - started, totalWork, doneWork);
    out.println(String.format(Locale.ROOT, "linprobe: [%d/%d] %-11s seed=%s shots=%s n=%d%s %.1fs%s",
        done, total, model, seed < 0 ? "-" : Long.toString(seed), shots, n,
        model.equals("lr") ? " iter=" + iterations + (converged ? "" : " (not converged)") : "",
        ms / 1000.0, left));
  }

  /** The per-fit line once the test set has scored it: model, seed, shots, iterations, error. */
  public void scored(linprobe.curve.Fit f) {
    if (quiet) return;
    out.println(String.format(Locale.ROOT,
        "linprobe: scored %-11s seed=%s shots=%s n=%d iter=%d error=%.4f logloss=%.4f fit %.1fs",
        f.model(), f.seed() < 0 ? "-" : Long.toString(f.seed()),
        linprobe.curve.Fit.shotsLabel(f.shots()), f.nTrain(), f.iterations(), f.error(),
        f.logloss(), f.fitMs() / 1000.0));
  }

  /**
   * Rows done of a row-by-row stage (embedding texts): the count, the rate since
   * {@code startedMs} and the time left at that rate.
   */
  public void rows(String verb, long done, long total, long startedMs) {
    if (quiet) return;
    long elapsed = Math.max(1, System.currentTimeMillis() - startedMs);
    double perSecond = done * 1000.0 / elapsed;
    String left = done >= total ? "" : left(elapsed, total, done);
    out.println(String.format(Locale.ROOT, "linprobe: %6.1fs %s %,d/%,d rows (%.0f%%), %s rows/s%s",
        (System.currentTimeMillis() - created) / 1000.0, verb, done, total,
        total == 0 ? 100.0 : 100.0 * done / total, rate(perSecond), left));
  }

  /** ", about 20s left": the time the rest of the work takes at the pace so far; "" unknown. */
  static String left(long elapsedMs, double total, double done) {
    return done <= 0 || total <= 0 ? ""
        : ", about " + duration((long) (elapsedMs * (total - done) / done)) + " left";
  }

  /** A count with its noun, singular or plural: "1 row", "3,000 rows" (nouns that take an s). */
  public static String count(long n, String noun) {
    return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
  }

  /** A rate as people read it: 412, 37.5, 0.8. */
  public static String rate(double perSecond) {
    return String.format(Locale.ROOT, perSecond >= 100 ? "%,.0f" : "%.1f", perSecond);
  }

  static String duration(long ms) {
    long s = Math.round(ms / 1000.0);
    return s < 60 ? s + "s" : (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
  }
}
