package linprobe.spark;

import java.io.PrintStream;
import java.util.Locale;

/** Progress on stderr: stages, one line per fit, and an estimate of the time left. */
public class Progress {
  private final PrintStream out;
  private final boolean quiet;
  private int total;
  private int done;
  private long started;

  public Progress(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
  }

  public static Progress silent() {
    return new Progress(System.err, true);
  }

  public void stage(String what) {
    if (!quiet) out.println("linprobe: " + what);
  }

  public void start(int fits) {
    total = fits;
    done = 0;
    started = System.currentTimeMillis();
  }

  public void fitted(String model, long seed, String shots, long n, int iterations,
      boolean converged, long ms, String note) {
    done++;
    if (quiet) return;
    long elapsed = System.currentTimeMillis() - started;
    long left = done == 0 ? 0 : elapsed * (total - done) / done;
    out.println(String.format(Locale.ROOT,
        "linprobe: [%d/%d] %-11s seed=%s shots=%s n=%d%s %.1fs%s, about %s left", done, total,
        model, seed < 0 ? "-" : Long.toString(seed), shots, n,
        model.equals("lr") ? " iter=" + iterations + (converged ? "" : " (not converged)") : "",
        ms / 1000.0, note, duration(left)));
  }

  static String duration(long ms) {
    long s = Math.round(ms / 1000.0);
    return s < 60 ? s + "s" : (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
  }
}
