package linprobe.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import linprobe.LinprobeException;
import linprobe.plan.CSelection;
import linprobe.plan.FitRecord;
import linprobe.plan.FitResult;
import linprobe.plan.Subset;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;
import linprobe.plan.RowKeys;

/**
 * Finished logistic-regression fits of a run, recorded one file per fit as they finish (from the
 * driver, or from the Spark task that fitted it) in a hidden directory beside the output
 * directory, so that {@code --resume} after a crash refits only what is missing. A fingerprint of
 * the inputs and settings guards against resuming a different run. Deleted when the run commits.
 * Naive Bayes is closed form and is simply recomputed.
 */
public final class FitStore implements FitRecord {
  private static final long serialVersionUID = 1L;

  private final String dir;
  private final String fingerprint;
  private final SerializableConfiguration conf;

  private FitStore(String dir, String fingerprint, Configuration conf) {
    this.dir = dir;
    this.fingerprint = fingerprint;
    this.conf = new SerializableConfiguration(conf);
  }

  /** The store's place for an output directory: .NAME.linprobe-fits beside it. */
  public static Path location(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".linprobe-fits");
  }

  /**
   * Opens the store for a run. Without resume an existing store is an error (or, with
   * overwrite, discarded); with resume its fingerprint must match.
   */
  public static FitStore open(Path target, String fingerprint, boolean resume, boolean overwrite,
      Configuration conf) {
    Path loc = location(target);
    try {
      FileSystem fs = loc.getFileSystem(conf);
      Path fp = new Path(loc, "fingerprint");
      if (fs.exists(loc) && !resume) {
        if (!overwrite) {
          throw new LinprobeException("an unfinished run into " + target + " left its fits in "
              + loc + ": pass --resume to continue it, or --overwrite to start over");
        }
        fs.delete(loc, true);
      }
      String old = read(fs, fp);
      if (old != null && !old.equals(fingerprint)) {
        String restart = (overwrite ? "drop --resume (keeping --overwrite)"
            : "use --overwrite instead of --resume") + " to start over";
        String difference = difference(old, fingerprint);
        if (difference.startsWith("recorded by ")) { // its fits are not this build's numbers
          throw new LinprobeException("--resume: the unfinished run into " + target + " was "
              + difference + ", whose fits this one does not use; " + restart);
        }
        throw new LinprobeException("--resume: the unfinished run into " + target
            + " had other inputs, data or settings (" + difference + "); rerun it with the "
            + "same ones, or " + restart);
      }
      // created with the first recorded fit: a run that fails before fitting leaves nothing
      return new FitStore(loc.toString(), fingerprint, conf);
    } catch (IOException e) {
      throw FileSystems.accessError("cannot use " + loc + " to record fits", e, "--out");
    }
  }

  /** A store's fingerprint file, or null when there is none. */
  private static String read(FileSystem fs, Path fp) throws IOException {
    if (!fs.exists(fp)) return null;
    try (var in = fs.open(fp)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * What differs between two fingerprints (CurveJob's "what: value" lines): the first three
   * changes, as "--seeds 3 (was 2)" or "other train rows"; or the record's format or version.
   */
  static String difference(String before, String now) {
    List<String> was = before.lines().toList(), is = now.lines().toList();
    if (was.isEmpty() || !was.get(0).equals(is.get(0))) {
      return "recorded by another linprobe version";
    }
    Map<String, String> old = new LinkedHashMap<>(), cur = new LinkedHashMap<>();
    for (String l : was.subList(1, was.size())) old.put(what(l), valueOf(l));
    for (String l : is.subList(1, is.size())) cur.put(what(l), valueOf(l));
    Set<String> keys = new LinkedHashSet<>(cur.keySet());
    keys.addAll(old.keySet());
    if (!java.util.Objects.equals(old.get("linprobe version"), cur.get("linprobe version"))) {
      return "recorded by linprobe " + old.get("linprobe version");
    }
    // a changed --shots changes the grid resolved from it too: named once, as the user's flag
    if (!java.util.Objects.equals(old.get("--shots"), cur.get("--shots"))) keys.remove("shots");
    List<String> changes = new ArrayList<>();
    for (String k : keys) {
      String a = old.get(k), b = cur.get(k);
      if (java.util.Objects.equals(a, b)) continue;
      if (k.endsWith(" rows")) changes.add("other " + k);
      else changes.add(k + " " + shown(b) + " (was " + shown(a) + ")");
    }
    if (changes.isEmpty()) return "recorded by another linprobe version";
    return String.join(", ", changes.subList(0, Math.min(3, changes.size())))
        + (changes.size() > 3 ? " and " + (changes.size() - 3) + " more" : "");
  }

  /** A setting's value as the message shows it: "null" (not given) is the default. */
  private static String shown(String value) {
    return value == null ? "unset" : value.equals("null") ? "default" : value;
  }

  private static String what(String line) {
    int at = line.indexOf(": ");
    return at < 0 ? line : line.substring(0, at);
  }

  private static String valueOf(String line) {
    int at = line.indexOf(": ");
    return at < 0 ? "" : line.substring(at + 2);
  }

  /** The fingerprint as 64 bits, at the head of every fit file: a fit is used only by its run. */
  private long runId() {
    long h = 0x6a09e667f3bcc909L;
    for (int i = 0; i < fingerprint.length(); i++) h = RowKeys.mix(h ^ fingerprint.charAt(i));
    return h;
  }

  static String name(Subset subset) {
    return "lr-" + subset.id().key() + ".bin";
  }

  /** Records a finished fit; written to a temporary name and renamed, so a file is complete. */
  @Override
  public void record(FitResult o) {
    try {
      Path p = new Path(dir, name(o.subset()));
      Path tmp = new Path(dir, "_tmp-" + name(o.subset()) + "-" + java.util.UUID.randomUUID());
      FileSystem fs = p.getFileSystem(conf.value());
      Path fp = new Path(dir, "fingerprint");
      if (!fs.exists(fp)) { // two tasks' first fits may get here together
        fs.mkdirs(new Path(dir));
        Path fpTmp = new Path(dir, "_tmp-fingerprint-" + java.util.UUID.randomUUID());
        try (var out = fs.create(fpTmp, false)) {
          out.write(fingerprint.getBytes(StandardCharsets.UTF_8));
        }
        publish(fs, fpTmp, fp);
      }
      try (DataOutputStream out = fs.create(tmp, false)) {
        out.writeLong(runId());
        out.writeInt(o.iterations());
        out.writeBoolean(o.converged());
        out.writeLong(o.fitMs());
        double[] x = o.solution();
        out.writeInt(x.length);
        for (double v : x) out.writeDouble(v);
        out.writeDouble(o.c());
        out.writeUTF(o.cSource() == null ? "" : o.cSource());
        CSelection.Trace t = o.selection();
        out.writeInt(t == null ? -1 : t.evaluated().length);
        if (t != null) {
          for (int i = 0; i < t.evaluated().length; i++) {
            out.writeInt(t.evaluated()[i]);
            out.writeDouble(t.scores()[i]);
          }
          out.writeInt(t.chosen());
        }
      }
      publish(fs, tmp, p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Moves a written file to its name. Each writer writes its own file first: on HDFS a second
   * create of one name deletes the file another writer is still writing (its close then fails).
   * Where the name exists (the other writer's fingerprint, the same fit from a retried task)
   * HDFS's rename fails and the written file is dropped; a local rename replaces it.
   */
  private static void publish(FileSystem fs, Path written, Path name) throws IOException {
    if (!fs.rename(written, name)) {
      if (!fs.exists(name)) throw new IOException("cannot move " + written + " to " + name);
      fs.delete(written, false);
    }
  }

  @Override
  public FitResult find(Subset subset, int classes) {
    try {
      Path p = new Path(dir, name(subset));
      FileSystem fs = p.getFileSystem(conf.value());
      if (!fs.exists(p)) return null;
      try (DataInputStream in = fs.open(p)) {
        if (in.readLong() != runId()) {
          throw new LinprobeException("the record of fits in " + dir + " holds a fit of another "
              + "run (other inputs, data or settings): pass --overwrite to start over");
        }
        int iterations = in.readInt();
        boolean converged = in.readBoolean();
        long ms = in.readLong();
        double[] x = new double[in.readInt()];
        for (int i = 0; i < x.length; i++) x[i] = in.readDouble();
        double c = in.readDouble();
        String source = in.readUTF();
        int evaluated = in.readInt();
        CSelection.Trace trace = null;
        if (evaluated >= 0) {
          int[] at = new int[evaluated];
          double[] scores = new double[evaluated];
          for (int i = 0; i < evaluated; i++) {
            at[i] = in.readInt();
            scores[i] = in.readDouble();
          }
          trace = new CSelection.Trace(at, scores, in.readInt());
        }
        return FitResult.logistic(subset, classes, x, iterations, converged, ms)
            .withC(c, source.isEmpty() ? null : source, trace);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** How many fits are recorded. */
  public int count() {
    return recorded().size();
  }

  /** Whether a subset's fit is among the recorded ones (names from {@link #recorded}). */
  public static boolean isRecorded(java.util.Set<String> recorded, Subset subset) {
    return recorded.contains(name(subset));
  }

  /** The file names of the recorded fits, one listing of the store. */
  public java.util.Set<String> recorded() {
    try {
      Path p = new Path(dir);
      FileSystem fs = p.getFileSystem(conf.value());
      if (!fs.exists(p)) return java.util.Set.of();
      java.util.Set<String> names = new java.util.HashSet<>();
      for (var st : fs.listStatus(p)) {
        if (st.getPath().getName().startsWith("lr-")) names.add(st.getPath().getName());
      }
      return names;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Deletes the store beside a finished output when it is that run's (its fingerprint is this
   * one): a driver killed between the commit and the store's deletion leaves it behind.
   */
  public static void deleteLeftover(Path target, String fingerprint, Configuration conf) {
    Path loc = location(target);
    try {
      FileSystem fs = loc.getFileSystem(conf);
      if (fingerprint.equals(read(fs, new Path(loc, "fingerprint")))) fs.delete(loc, true);
    } catch (IOException ignored) {
      // best effort, as delete()
    }
  }

  /** Removes the store once the run's output is committed. */
  public void delete() {
    try {
      Path p = new Path(dir);
      p.getFileSystem(conf.value()).delete(p, true);
    } catch (IOException ignored) {
      // a leftover store only matters to --resume of the same --out
    }
  }
}
