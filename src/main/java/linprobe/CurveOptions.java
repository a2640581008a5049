package linprobe;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import linprobe.math.Scaler;

/**
 * Everything a learning-curve run needs, as one immutable value: built and validated once by
 * {@link Builder#build()}, read through accessors.
 *
 * <pre>{@code
 * CurveOptions o = CurveOptions.builder()
 *     .train("dbfs:/emb/train").test("dbfs:/emb/test")
 *     .shots("1,2,5,10,all").seeds(5)
 *     .build();                                // throws LinprobeException naming the fix
 * CurveOptions lr = o.toBuilder().models("lr").lrC(0.5).build();
 * }</pre>
 *
 * <p>Every setting is declared once, in {@link Setting}: its name (the {@code curve} flag
 * without dashes, also the key of {@code --config} files and of {@code spark.linprobe.*}), its
 * group, its doc (the CLI's help), its default (the paper's protocol; they live only there) and
 * its check. {@link #describe()} lists all of them, grouped, and feeds {@code summary.json}'s
 * "config"; {@link #fitSettings()} (all but the output group, {@code local-fit-mb} and
 * {@code score-gemm}) feeds the {@code --resume} fingerprint. The groups, with describe()'s keys
 * (the flag names with underscores):
 * <ul>
 *   <li>{@code input}: train, test, validation, validation_fraction, features_col, label_col,
 *       id_col, drop_invalid;
 *   <li>{@code grid}, what is fitted: models, shots (null: the default 1-2-5 grid), seeds, and
 *       scaling (fitted on each training subset of the grid);
 *   <li>{@code lr}: lr_c, select, lr_c_range, lr_c_patience, select_metric, lr_c_fallback,
 *       lr_max_iter, lr_tol, lr_cv_tol, lr_warm_start;
 *   <li>{@code nb}: nb_epsilon;
 *   <li>{@code execution}, how the work is laid out: partitions (0: derived from the row count),
 *       local_fit_mb (-1: derived from executor memory; does not change the numbers),
 *       score_gemm (the precision of scoring; changes the scores, never a fit);
 *   <li>{@code output}, what is written and reported, never the fits: out, epsilon, overwrite,
 *       resume, quiet, title (null: derived from the input tables' names).
 * </ul>
 *
 * <p>The builder's setters are named as the CLI flags in camelCase and each returns the
 * builder, so they chain from Java, Scala and Python (py4j).
 */
public final class CurveOptions implements Serializable {
  private static final long serialVersionUID = 2L;

  /** L-BFGS history length: a fixed part of the solver, not a setting. */
  public static final int LBFGS_MEMORY = 10;
  /** Most seeds a run takes (--seeds, --seed-list): an absurd count is a typo, not a grid. */
  public static final int MAX_SEEDS = 10_000;
  /** Most canonical partitions, given (--partitions) or derived from the row count. */
  public static final int MAX_PARTITIONS = 100_000;

  /** The groups of {@link #describe()}, in its order. */
  public enum Group {
    INPUT, GRID, LR, NB, EXECUTION, OUTPUT;

    /** The group's key in describe() and summary.json. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The declaration table: one row per setting. The default is written as in a {@code --config}
   * file and goes through the same check as a value given to the builder.
   */
  public enum Setting {
    TRAIN("train", Group.INPUT, null,
        "Training embeddings: Parquet file or directory, any Hadoop path (required).",
        v -> required(v)),
    TEST("test", Group.INPUT, null,
        "Test embeddings, same columns and dimension (required).", v -> required(v)),
    VALIDATION("validation", Group.INPUT, null,
        "With --select validation: a validation table like --train (same columns, dimension and "
            + "classes) on which C is chosen; its rows never enter a training subset.",
        v -> v == null ? null : v.toString()),
    VALIDATION_FRACTION("validation-fraction", Group.INPUT, null,
        "With --select validation: hold out this fraction F (0 < F < 1) of every class of --train "
            + "as the validation rows, round(F n_c) per class chosen by row identity, before any "
            + "subset is drawn (all included).",
        CurveOptions::checkFraction),
    FEATURES_COL("features-col", Group.INPUT, "embedding",
        "Embedding column: array<float>, array<double> or ML vector.",
        v -> column(v, "features-col")),
    LABEL_COL("label-col", Group.INPUT, "label",
        "Label column: numeric or string; classes in sorted order.", v -> column(v, "label-col")),
    ID_COL("id-col", Group.INPUT, null,
        "Optional row id column for subset sampling; default: a hash of the row.",
        v -> v == null ? null : column(v, "id-col")),
    DROP_INVALID("drop-invalid", Group.INPUT, "false",
        "Skip rows with null, NaN or infinite features (counted in summary.json).",
        v -> bool(v, "drop-invalid")),

    MODELS("models", Group.GRID, "nb,lr",
        "nb (shared-variance Gaussian NB, the paper's), nb-perclass (per-class variance, "
            + "scikit-learn/MLlib style), lr (multinomial logistic regression).",
        CurveOptions::checkModels, v -> ((List<?>) v).stream().map(m -> ((Model) m).id).toList()),
    SHOTS("shots", Group.GRID, null,
        "Shots per class, stratified and nested within a seed, e.g. 1,2,5,10,all (default: "
            + "1,2,5,10,20,50,... up to the smallest class, then all).",
        CurveOptions::checkShots, v -> v == null ? null : ((Shots) v).labels()),
    SEEDS("seeds", Group.GRID, "5", "Seeds 0..N-1.",
        CurveOptions::checkSeeds, v -> Arrays.stream((long[]) v).boxed().toList(), "seedList"),
    SCALING("scaling", Group.GRID, "minmax",
        "minmax, standard or none, fitted on each training subset only.",
        CurveOptions::checkScaling, v -> ((Scaler.Kind) v).cliName()),

    LR_C("lr-c", Group.LR, "auto",
        "Inverse L2 strength, scikit-learn's C: a number (the paper's protocol: 1), or auto to "
            + "choose it in every training subset by stratified k-fold cross-validation inside "
            + "the subset (k = min(5, shots); 1-shot subsets use --lr-c-fallback).",
        CurveOptions::checkC, v -> Double.isNaN((Double) v) ? "auto" : v),
    SELECT("select", Group.LR, "cv",
        "How --lr-c auto chooses C: cv (stratified k-fold inside each training subset, the honest "
            + "few-shot protocol) or validation (each subset fitted on all its rows at every C "
            + "searched and scored on held-out rows, CLIP's protocol: needs --validation or "
            + "--validation-fraction).",
        v -> check(String.valueOf(v).trim().toLowerCase(Locale.ROOT),
            x -> x.equals("cv") || x.equals("validation"),
            x -> "--select must be cv or validation, got '" + x + "'")),
    LR_C_RANGE("lr-c-range", Group.LR, "1e-4..1e4",
        "The C grid searched when --lr-c is auto, LO..HI, 8 points per decade from LO (the "
            + "last at or below HI), walked as --lr-c-patience says.",
        CurveOptions::checkRange, v -> plain(((double[]) v)[0]) + ".." + plain(((double[]) v)[1])),
    LR_C_PATIENCE("lr-c-patience", Group.LR, "1",
        "When --lr-c is auto, how far the search walks past the best C so far: the first subset "
            + "of each seed walks up from LO a decade at a time, then refines around the best "
            + "(CLIP's halving); each later one (and all, after the first seed's largest) from "
            + "the C chosen for the previous subset one grid step at a time each way, no "
            + "refinement needed; each walk stops this many of its "
            + "steps past the best. 0: every decade of the range for every subset, then the "
            + "refinement (CLIP's sweep), which every subset gets with --select-metric error "
            + "(error's plateaus and valleys would stop a walk).",
        v -> check(integer(v, "lr-c-patience"), x -> x >= 0,
            x -> "--lr-c-patience must be 0 or more steps, got " + x)),
    SELECT_METRIC("select-metric", Group.LR, "logloss",
        "The held-out score C is chosen by (cross-validation's, or the validation rows' with "
            + "--select validation): logloss (cross-entropy) or error; ties in error go to the "
            + "lower held-out log-loss (error ties over whole decades of C), then any tie to the "
            + "smaller C (the stronger regularization).",
        v -> check(String.valueOf(v).trim().toLowerCase(Locale.ROOT),
            x -> x.equals("logloss") || x.equals("error"),
            x -> "--select-metric must be logloss or error, got '" + x + "'")),
    LR_C_FALLBACK("lr-c-fallback", Group.LR, "1.0",
        "C for subsets too small to cross-validate (1 shot per class, or an all whose rows "
            + "fall in one fold) when --lr-c is auto.",
        v -> check(dbl(v, "lr-c-fallback"), x -> x > 0 && !Double.isInfinite(x),
            x -> "--lr-c-fallback must be a positive number, got " + x)),
    LR_MAX_ITER("lr-max-iter", Group.LR, "1000", "L-BFGS iteration limit.",
        v -> check(integer(v, "lr-max-iter"), x -> x >= 1,
            x -> "--lr-max-iter must be at least 1")),
    LR_TOL("lr-tol", Group.LR, "1e-6",
        "L-BFGS relative tolerance on the objective and gradient (Breeze's; as tight as MLlib's).",
        v -> check(dbl(v, "lr-tol"), x -> x > 0 && x < Double.POSITIVE_INFINITY,
            x -> "--lr-tol must be a positive number, got " + x)),
    LR_CV_TOL("lr-cv-tol", Group.LR, "1e-4",
        "L-BFGS tolerance of the fold fits that choose C (--lr-c auto --select cv; the value of "
            + "scikit-learn's default tol): held-out log-loss needs about 4 digits; held-out "
            + "error flips on rows near a class boundary, so by error the choice can move a few "
            + "grid steps from the exact fits' (1e-8 gives that); the refit with the chosen C "
            + "runs to --lr-tol.",
        v -> check(dbl(v, "lr-cv-tol"), x -> x > 0 && x < Double.POSITIVE_INFINITY,
            x -> "--lr-cv-tol must be a positive number, got " + x)),
    LR_GEMM("lr-gemm", Group.LR, "auto",
        "Precision of the logistic regressions' matrix products: float32 (OpenBLAS's sgemm, "
            + "scores widened to double for the softmax and loss, gradients added into double "
            + "sums), double, or auto: float32 for models of at least 1,000 weights "
            + "(classes x features), where an evaluation runs 1.4 to 1.9 times faster (AVX2 "
            + "and AVX-512 machines), double below. The fold fits that choose C follow it.",
        v -> precision(v, "lr-gemm")),
    LR_WARM_START("lr-warm-start", Group.LR, "false",
        "Start each size's logistic regression from the next-smaller size's solution of the same "
            + "seed (mapped into the new subset's scaling) instead of from zero.",
        v -> bool(v, "lr-warm-start")),

    NB_EPSILON("nb-epsilon", Group.NB, "1e-9",
        "Absolute variance smoothing of nb: added to every variance, so a feature constant in a "
            + "subset (every feature at 1 shot) has one.",
        v -> check(dbl(v, "nb-epsilon"), x -> x > 0 && x < Double.POSITIVE_INFINITY,
            x -> "--nb-epsilon must be a positive number (a feature constant in a subset has "
                + "variance 0, which nb divides by), got " + x)),

    PARTITIONS("partitions", Group.EXECUTION, "0",
        "Canonical partitions of the data; 0 derives them: one per 20,000 training rows and one "
            + "per 5,000 test rows. Results are bit-identical for a given value whatever the "
            + "input files or cores; other values agree to rounding (in a walk, "
            + "log-loss to about 5 digits).",
        v -> check(integer(v, "partitions"), x -> x >= 0 && x <= MAX_PARTITIONS,
            x -> "--partitions must be 0 (derived) to " + MAX_PARTITIONS + ", got " + x)),
    LOCAL_FIT_MB("local-fit-mb", Group.EXECUTION, "-1",
        "Largest training subset (MiB of float32 features) fitted inside one Spark task; larger "
            + "ones use distributed L-BFGS. -1 derives it: a sixth of one task's share of "
            + "executor memory, as a fit holds its rows in float32 and a scaled double copy; at "
            + "most 8192, the double copy being one Java array.",
        v -> check(integer(v, "local-fit-mb"), x -> x >= -1,
            x -> "--local-fit-mb must be >= 0 (or -1 to derive it)")),
    SCORE_GEMM("score-gemm", Group.EXECUTION, "auto",
        "Precision of the matrix products that score the linear models (nb, lr) on the test "
            + "set: float32 (OpenBLAS's sgemm on centred rows and on the weights less their "
            + "mean over classes; scores widened to double for the softmax, errors and "
            + "log-loss), double, or auto: float32 for models of at least 100,000 weights "
            + "(classes x features), double below. nb-perclass is scored in double.",
        v -> precision(v, "score-gemm")),

    OUT("out", Group.OUTPUT, null,
        "Output directory; refused if it exists and is not empty (see --overwrite). Required by "
            + "the CLI; in the Java API null (the default) writes nothing.",
        v -> v == null ? null : v.toString()),
    EPSILON("epsilon", Group.OUTPUT, "0.01",
        "Tolerance for shots-to-within-epsilon of the asymptotic error.",
        v -> check(dbl(v, "epsilon"), x -> x >= 0 && x < Double.POSITIVE_INFINITY,
            x -> "--epsilon must be a number >= 0, got " + x)),
    OVERWRITE("overwrite", Group.OUTPUT, "false", "Replace --out if it is a finished output.",
        v -> bool(v, "overwrite")),
    RESUME("resume", Group.OUTPUT, "false",
        "Continue an interrupted run into the same --out with the same inputs and settings: "
            + "fits recorded before the interruption are not refitted.",
        v -> bool(v, "resume")),
    QUIET("quiet", Group.OUTPUT, "false", "No progress lines on stderr.", v -> bool(v, "quiet")),
    TITLE("title", Group.OUTPUT, null,
        "Title of report.html and the pictures; default: the train and test tables' names, "
            + "each with its folder, joined by \" vs \".",
        CurveOptions::checkTitle);

    private final String key;
    private final Group group;
    private final String defaultText;
    private final String doc;
    private final Function<Object, Object> check;
    private final Function<Object, Object> json;
    private final List<String> setters;

    Setting(String key, Group group, String defaultText, String doc,
        Function<Object, Object> check) {
      this(key, group, defaultText, doc, check, Function.identity());
    }

    Setting(String key, Group group, String defaultText, String doc,
        Function<Object, Object> check, Function<Object, Object> json, String... moreSetters) {
      this.key = key;
      this.group = group;
      this.defaultText = defaultText;
      this.doc = doc;
      this.check = check;
      this.json = json;
      List<String> s = new ArrayList<>(List.of(camel(key)));
      s.addAll(List.of(moreSetters));
      this.setters = List.copyOf(s);
    }

    /** The name: the {@code curve} flag without dashes, a --config and spark.linprobe.* key. */
    public String key() {
      return key;
    }

    /** The key in describe() and summary.json: the name with underscores. */
    public String describeKey() {
      return key.replace('-', '_');
    }

    public Group group() {
      return group;
    }

    /** One or two sentences, the CLI's help. */
    public String doc() {
      return doc;
    }

    /** The built-in default as written in a --config file; null when there is none. */
    public String defaultText() {
      return defaultText;
    }

    /** Whether the setting can change a fit, so that it belongs in the resume fingerprint. */
    public boolean affectsFits() {
      // local-fit-mb only decides where a fit runs: in a task or distributed, bit for bit equal
      // score-gemm changes the scores, never a fit; the scores are recomputed on resume
      return group != Group.OUTPUT && this != LOCAL_FIT_MB && this != SCORE_GEMM;
    }

    /** The doc with the default, as {@code curve --help} shows it. */
    public String help() {
      boolean flag = "false".equals(defaultText);
      return defaultText == null || flag ? doc
          : doc.substring(0, doc.length() - 1) + " (default: " + defaultText + ").";
    }

    /** The builder methods that set it. */
    List<String> setters() {
      return setters;
    }

    Object validate(Object raw) {
      return check.apply(raw);
    }

    Object describe(Object value) {
      return json.apply(value);
    }
  }

  /** The probes linprobe fits. */
  public enum Model {
    NB("nb"), NB_PERCLASS("nb-perclass"), LR("lr");

    public final String id;

    Model(String id) {
      this.id = id;
    }

    public static List<Model> parseList(String s) {
      List<Model> out = new ArrayList<>();
      for (String part : s.split(",")) {
        String p = part.trim().toLowerCase(Locale.ROOT);
        Model m = null;
        for (Model x : values()) if (x.id.equals(p)) m = x;
        if (m == null) {
          throw new LinprobeException("unknown model '" + part.trim()
              + "' in --models: use nb, nb-perclass and/or lr, comma-separated");
        }
        if (!out.contains(m)) out.add(m);
      }
      if (out.isEmpty()) throw new LinprobeException("--models is empty: use e.g. nb,lr");
      return out;
    }

    public boolean isNaiveBayes() {
      return this != LR;
    }
  }

  /** Values by setting, each checked and in its canonical type. */
  private final EnumMap<Setting, Object> values;

  private CurveOptions(EnumMap<Setting, Object> values) {
    this.values = values;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to derive others from them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.raw.putAll(values);
    return b;
  }

  private Object get(Setting s) {
    return values.get(s);
  }

  public String train() {
    return (String) get(Setting.TRAIN);
  }

  public String test() {
    return (String) get(Setting.TEST);
  }

  /** The output directory, or null (Java API) to write nothing. */
  public String out() {
    return (String) get(Setting.OUT);
  }

  public String featuresCol() {
    return (String) get(Setting.FEATURES_COL);
  }

  public String labelCol() {
    return (String) get(Setting.LABEL_COL);
  }

  /** The row id column, or null to rank rows by a hash of the row. */
  public String idCol() {
    return (String) get(Setting.ID_COL);
  }

  /** The models, each once, in the order given. */
  @SuppressWarnings("unchecked")
  public List<Model> models() {
    return (List<Model>) get(Setting.MODELS);
  }

  /** Finite shots values, ascending (a copy); null for the default 1-2-5 grid. */
  public int[] shots() {
    Shots s = (Shots) get(Setting.SHOTS);
    return s == null ? null : s.finite().clone();
  }

  /** Whether "all" is in the grid (always with the default grid). */
  public boolean includeAll() {
    Shots s = (Shots) get(Setting.SHOTS);
    return s == null || s.all();
  }

  /** The seeds, a copy. */
  public long[] seeds() {
    return ((long[]) get(Setting.SEEDS)).clone();
  }

  public Scaler.Kind scaling() {
    return (Scaler.Kind) get(Setting.SCALING);
  }

  /**
   * Whether describe()'s key names a setting that says how C is chosen from data, which a fixed
   * C leaves unused: --select and what {@link #selection()} reads. (A method, not a static set:
   * a static field made from Setting would run inside Setting's own initialisation.)
   */
  public static boolean choosesC(String key) {
    for (Setting s : new Setting[] {Setting.SELECT, Setting.LR_C_RANGE, Setting.LR_C_PATIENCE,
        Setting.SELECT_METRIC, Setting.LR_C_FALLBACK, Setting.LR_CV_TOL}) {
      if (s.describeKey().equals(key)) return true;
    }
    return false;
  }

  /** The fixed C, NaN when it is chosen from data (--lr-c auto; see {@link #selection()}). */
  public double lrC() {
    return (Double) get(Setting.LR_C);
  }

  /** How C is chosen from data, or null when --lr-c is a number. */
  public linprobe.plan.CSelection selection() {
    if (!Double.isNaN(lrC())) return null;
    double[] range = (double[]) get(Setting.LR_C_RANGE);
    return new linprobe.plan.CSelection(range[0], range[1],
        linprobe.plan.CSelection.STEPS_PER_DECADE,
        get(Setting.SELECT_METRIC).equals("error"), (Double) get(Setting.LR_C_FALLBACK), 5,
        (Integer) get(Setting.LR_C_PATIENCE), validationSelect(), (Double) get(Setting.LR_CV_TOL));
  }

  /** "cv" or "validation": how --lr-c auto chooses C. */
  public String select() {
    return (String) get(Setting.SELECT);
  }

  /** Whether C is chosen on held-out validation rows (--select validation). */
  public boolean validationSelect() {
    return select().equals("validation");
  }

  /** The validation table (--validation), or null. */
  public String validation() {
    return (String) get(Setting.VALIDATION);
  }

  /** The fraction of every class held out of train as validation rows, NaN when not set. */
  public double validationFraction() {
    Double f = (Double) get(Setting.VALIDATION_FRACTION);
    return f == null ? Double.NaN : f;
  }

  public int lrMaxIter() {
    return (Integer) get(Setting.LR_MAX_ITER);
  }

  public double lrTol() {
    return (Double) get(Setting.LR_TOL);
  }

  /** --lr-gemm: auto, float32 or double. */
  public String lrGemm() {
    return (String) get(Setting.LR_GEMM);
  }

  /** Whether logistic regressions of classes x dim run their GEMMs in float32 (--lr-gemm). */
  public boolean lrFloat32(int classes, int dim) {
    return float32(lrGemm(), linprobe.math.LogisticRegression.float32ByDefault(classes, dim));
  }

  /** --score-gemm: auto, float32 or double. */
  public String scoreGemm() {
    return (String) get(Setting.SCORE_GEMM);
  }

  /** Whether models of classes x dim are scored on the test set in float32 (--score-gemm). */
  public boolean scoreFloat32(int classes, int dim) {
    return float32(scoreGemm(),
        linprobe.math.LogisticRegression.scoreFloat32ByDefault(classes, dim));
  }

  private static boolean float32(String precision, boolean auto) {
    return switch (precision) {
      case "float32" -> true;
      case "double" -> false;
      default -> auto;
    };
  }

  /**
   * Warm-start each shots size from the next-smaller size's solution of the same seed. Off by
   * default: on digits it saved no L-BFGS iterations (tested; jobs/bench reports it).
   */
  public boolean lrWarmStart() {
    return (Boolean) get(Setting.LR_WARM_START);
  }

  /** Largest subset (MiB of float32 features) fitted inside one Spark task; -1 derives it. */
  public int localFitMb() {
    return (Integer) get(Setting.LOCAL_FIT_MB);
  }

  public double nbEpsilon() {
    return (Double) get(Setting.NB_EPSILON);
  }

  public double epsilon() {
    return (Double) get(Setting.EPSILON);
  }

  /** Canonical partitions; 0 derives them from the row count (never from the cluster). */
  public int partitions() {
    return (Integer) get(Setting.PARTITIONS);
  }

  public boolean dropInvalid() {
    return (Boolean) get(Setting.DROP_INVALID);
  }

  public boolean overwrite() {
    return (Boolean) get(Setting.OVERWRITE);
  }

  /** Continue an interrupted run into the same out, refitting only the missing fits. */
  public boolean resume() {
    return (Boolean) get(Setting.RESUME);
  }

  public boolean quiet() {
    return (Boolean) get(Setting.QUIET);
  }

  /** The report's title as given, or null to derive it from the input tables' names. */
  public String title() {
    return (String) get(Setting.TITLE);
  }

  /**
   * Every setting, grouped: {group: {key: value}} in declaration order, values as JSON has
   * them (strings, numbers, booleans, lists, null). summary.json's "config" is this.
   */
  public Map<String, Object> describe() {
    return describe(s -> true);
  }

  /**
   * describe() restricted to the settings that can change a fit: all but the output group,
   * local_fit_mb and score_gemm. The resume fingerprint is made of this and facts of the input
   * tables.
   */
  public Map<String, Object> fitSettings() {
    return describe(Setting::affectsFits);
  }

  /**
   * The settings that change a run's outputs but no fit (score_gemm, epsilon, title): with
   * fitSettings() and the input tables' facts they say whether a finished output is this run's.
   */
  public Map<String, Object> outputSettings() {
    return describe(s -> s == Setting.SCORE_GEMM || s == Setting.EPSILON
        || s == Setting.TITLE);
  }

  private Map<String, Object> describe(Predicate<Setting> which) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Setting s : Setting.values()) {
      if (!which.test(s)) continue;
      @SuppressWarnings("unchecked")
      Map<String, Object> group = (Map<String, Object>) out.computeIfAbsent(s.group().key(),
          g -> new LinkedHashMap<String, Object>());
      group.put(s.describeKey(), s.describe(get(s)));
    }
    return out;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CurveOptions o && describe().equals(o.describe());
  }

  @Override
  public int hashCode() {
    return describe().hashCode();
  }

  @Override
  public String toString() {
    return "CurveOptions" + describe();
  }

  /** The default grid: 1, 2, 5, 10, 20, 50, ... up to the smallest class. */
  public static int[] defaultShots(long smallestClass) {
    List<Integer> out = new ArrayList<>();
    int[] steps = {1, 2, 5};
    for (long decade = 1; decade <= smallestClass; decade *= 10) {
      for (int st : steps) if (st * decade <= smallestClass) out.add((int) (st * decade));
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Collects settings; {@link #build()} checks them all at once. Setters never throw: a bad
   * value is reported by build(), with the message the CLI gives for the flag.
   */
  public static final class Builder {
    private final EnumMap<Setting, Object> raw = new EnumMap<>(Setting.class);

    private Builder() {
      for (Setting s : Setting.values()) raw.put(s, s.defaultText());
    }

    private Builder set(Setting s, Object value) {
      raw.put(s, value);
      return this;
    }

    /** Training embeddings: Parquet file or directory, any Hadoop path (required). */
    public Builder train(String path) {
      return set(Setting.TRAIN, path);
    }

    /** Test embeddings, same columns and dimension (required). */
    public Builder test(String path) {
      return set(Setting.TEST, path);
    }

    /** Validation table for --select validation; null (the default) for none. */
    public Builder validation(String path) {
      return set(Setting.VALIDATION, path);
    }

    /**
     * Fraction of every class held out of train for --select validation (0 &lt; F &lt; 1); NaN
     * (the default) for none.
     */
    public Builder validationFraction(double fraction) {
      return set(Setting.VALIDATION_FRACTION, fraction);
    }

    /** Output directory; null (the default) writes nothing. */
    public Builder out(String dir) {
      return set(Setting.OUT, dir);
    }

    public Builder featuresCol(String column) {
      return set(Setting.FEATURES_COL, column);
    }

    public Builder labelCol(String column) {
      return set(Setting.LABEL_COL, column);
    }

    /** Row id column for subset sampling; null (the default) ranks rows by a hash of the row. */
    public Builder idCol(String column) {
      return set(Setting.ID_COL, column);
    }

    /** Comma-separated: nb, nb-perclass, lr. */
    public Builder models(String list) {
      return set(Setting.MODELS, list);
    }

    public Builder models(List<Model> models) {
      return set(Setting.MODELS, models == null ? null : new ArrayList<>(models));
    }

    /** Shots per class, e.g. "1,2,5,10,all"; null for the default 1-2-5 grid up to "all". */
    public Builder shots(String list) {
      return set(Setting.SHOTS, list);
    }

    /** Seeds 0..n-1. */
    public Builder seeds(int n) {
      return set(Setting.SEEDS, n);
    }

    /** Explicit seeds, each once. */
    public Builder seedList(long... seeds) {
      return set(Setting.SEEDS, seeds == null ? null : seeds.clone());
    }

    /** Explicit seeds, comma-separated: "3,7,11". */
    public Builder seedList(String list) {
      return set(Setting.SEEDS, new SeedList(list));
    }

    /** minmax, standard or none. */
    public Builder scaling(String kind) {
      return set(Setting.SCALING, kind);
    }

    public Builder scaling(Scaler.Kind kind) {
      return set(Setting.SCALING, kind);
    }

    public Builder lrC(double c) {
      return set(Setting.LR_C, c);
    }

    /** A number, or "auto" to choose C in every training subset. */
    public Builder lrC(String c) {
      return set(Setting.LR_C, c);
    }

    /** "cv" or "validation": how --lr-c auto chooses C. */
    public Builder select(String protocol) {
      return set(Setting.SELECT, protocol);
    }

    /** "LO..HI", e.g. "1e-4..1e4". */
    public Builder lrCRange(String range) {
      return set(Setting.LR_C_RANGE, range);
    }

    /** A walk's steps past the best C before it stops (see --lr-c-patience); 0 for every decade. */
    public Builder lrCPatience(int steps) {
      return set(Setting.LR_C_PATIENCE, steps);
    }

    public Builder selectMetric(String metric) {
      return set(Setting.SELECT_METRIC, metric);
    }

    public Builder lrCFallback(double c) {
      return set(Setting.LR_C_FALLBACK, c);
    }

    public Builder lrMaxIter(int n) {
      return set(Setting.LR_MAX_ITER, n);
    }

    public Builder lrTol(double tol) {
      return set(Setting.LR_TOL, tol);
    }

    public Builder lrCvTol(double tol) {
      return set(Setting.LR_CV_TOL, tol);
    }

    /** auto, float32 or double. */
    public Builder lrGemm(String precision) {
      return set(Setting.LR_GEMM, precision);
    }

    /** auto, float32 or double. */
    public Builder scoreGemm(String precision) {
      return set(Setting.SCORE_GEMM, precision);
    }

    public Builder lrWarmStart(boolean on) {
      return set(Setting.LR_WARM_START, on);
    }

    /** MiB of float32 features fitted inside one Spark task; -1 (the default) derives it. */
    public Builder localFitMb(int mb) {
      return set(Setting.LOCAL_FIT_MB, mb);
    }

    public Builder nbEpsilon(double e) {
      return set(Setting.NB_EPSILON, e);
    }

    public Builder epsilon(double e) {
      return set(Setting.EPSILON, e);
    }

    /** Canonical partitions; 0 (the default) derives them from the row count. */
    public Builder partitions(int n) {
      return set(Setting.PARTITIONS, n);
    }

    public Builder dropInvalid(boolean on) {
      return set(Setting.DROP_INVALID, on);
    }

    public Builder overwrite(boolean on) {
      return set(Setting.OVERWRITE, on);
    }

    public Builder resume(boolean on) {
      return set(Setting.RESUME, on);
    }

    public Builder quiet(boolean on) {
      return set(Setting.QUIET, on);
    }

    /** Title of report.html and the pictures; null (the default) derives it from the inputs. */
    public Builder title(String title) {
      return set(Setting.TITLE, title);
    }

    /**
     * Checks every setting and returns the options.
     *
     * @throws LinprobeException naming the first bad setting and the fix, in one line
     */
    public CurveOptions build() {
      EnumMap<Setting, Object> checked = new EnumMap<>(Setting.class);
      for (Setting s : Setting.values()) checked.put(s, s.validate(raw.get(s)));
      checkValidation(checked);
      checkGrid(checked);
      return new CurveOptions(checked);
    }
  }

  // ---- the checks of the declaration table: raw value (text or typed) -> canonical value ----

  /** The shots grid as given: finite values ascending, and whether "all" is in it. */
  private record Shots(int[] finite, boolean all) implements Serializable {
    List<String> labels() {
      List<String> l = new ArrayList<>();
      for (int v : finite) l.add(Integer.toString(v));
      if (all) l.add("all");
      return Collections.unmodifiableList(l);
    }
  }

  private static Object required(Object v) {
    if (v == null) throw new LinprobeException("--train and --test are required");
    return v.toString();
  }

  private static Object column(Object v, String flag) {
    if (v == null || v.toString().isBlank()) {
      throw new LinprobeException("--" + flag + " is empty: name a column");
    }
    return v.toString();
  }

  private static Object bool(Object v, String flag) {
    if (v instanceof Boolean b) return b;
    String s = v == null ? "" : v.toString().trim();
    if (s.equalsIgnoreCase("true")) return true;
    if (s.equalsIgnoreCase("false")) return false;
    throw new LinprobeException("--" + flag + " must be true or false, got '" + s + "'");
  }

  private static double dbl(Object v, String flag) {
    if (v instanceof Number n) return n.doubleValue();
    try {
      return Double.parseDouble(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new LinprobeException("--" + flag + " value '" + v + "' is not a number");
    }
  }

  private static int integer(Object v, String flag) {
    if (v instanceof Integer n) return n;
    try {
      return Integer.parseInt(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new LinprobeException("--" + flag + " value '" + v + "' is not an integer");
    }
  }

  /** A GEMM precision (--lr-gemm, --score-gemm): auto, float32 or double. */
  private static String precision(Object v, String flag) {
    return check(String.valueOf(v).trim().toLowerCase(Locale.ROOT),
        x -> x.equals("auto") || x.equals("float32") || x.equals("double"),
        x -> "--" + flag + " must be auto, float32 or double, got '" + x + "'");
  }

  private static <T> T check(T v, Predicate<T> ok, Function<T, String> message) {
    if (!ok.test(v)) throw new LinprobeException(message.apply(v));
    return v;
  }

  /** 10000 for 1e4, 1.0e-4 for 1e-4: a bound of --lr-c-range as a person writes it. */
  static String plain(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e9 ? Long.toString((long) x)
        : Double.toString(x).replace('E', 'e');
  }

  /** A positive C, or "auto" (NaN: chosen from data). */
  private static Object checkC(Object v) {
    if (v instanceof String str && str.trim().equalsIgnoreCase("auto")) return Double.NaN;
    if (v instanceof Double d && d.isNaN()) return d;
    if (!(v instanceof Number)) {
      try {
        Double.parseDouble(String.valueOf(v).trim());
      } catch (NumberFormatException e) {
        throw new LinprobeException("--lr-c value '" + v + "' is neither a number nor auto");
      }
    }
    return check(dbl(v, "lr-c"), x -> x > 0 && !Double.isInfinite(x),
        x -> "--lr-c must be a positive number or auto, got " + x);
  }

  /** Fraction of every class held out for validation: null (not set, or NaN) or 0 &lt; F &lt; 1. */
  private static Object checkFraction(Object v) {
    if (v == null || (v instanceof Double d && d.isNaN())) return null;
    return check(dbl(v, "validation-fraction"), x -> x > 0 && x < 1,
        x -> "--validation-fraction must be between 0 and 1 (exclusive), got " + x);
  }

  /**
   * A C chosen from data needs a grid of two C at least: a range narrower than a grid step
   * (1..1.2) would search one C. With C fixed the range is not used.
   */
  private static void checkGrid(Map<Setting, Object> v) {
    if (!Double.isNaN((Double) v.get(Setting.LR_C))) return;
    double[] range = (double[]) v.get(Setting.LR_C_RANGE);
    if (linprobe.plan.CSelection.size(range[0], range[1],
        linprobe.plan.CSelection.STEPS_PER_DECADE) >= 2) {
      return;
    }
    // the smallest HI of a two-C grid, rounded up so that the HI named is enough
    String hi = new java.math.BigDecimal(range[0] * Math.pow(10,
        1.0 / linprobe.plan.CSelection.STEPS_PER_DECADE)).round(new java.math.MathContext(3,
        java.math.RoundingMode.UP)).stripTrailingZeros().toString();
    throw new LinprobeException("--lr-c-range '" + plain(range[0]) + ".." + plain(range[1])
        + "' holds one C of the grid, " + linprobe.plan.CSelection.STEPS_PER_DECADE
        + " per decade from LO: make HI at least " + hi + ", or fix C with --lr-c "
        + plain(range[0]));
  }

  /** --select validation and its two sources: settings that only make sense together. */
  private static void checkValidation(Map<Setting, Object> v) {
    boolean validation = "validation".equals(v.get(Setting.SELECT));
    boolean table = v.get(Setting.VALIDATION) != null;
    boolean fraction = v.get(Setting.VALIDATION_FRACTION) != null;
    double c = (Double) v.get(Setting.LR_C);
    if (validation && !Double.isNaN(c)) {
      throw new LinprobeException("--select validation chooses C on held-out rows but --lr-c is "
          + "fixed at " + plain(c) + ": use --lr-c auto, or drop --select validation");
    }
    if (table && fraction) {
      throw new LinprobeException("--validation and --validation-fraction are two sources of "
          + "validation rows: give one of them, not both");
    }
    if (validation && !table && !fraction) {
      throw new LinprobeException("--select validation needs validation rows: give "
          + "--validation PATH (a table like --train) or --validation-fraction F (e.g. 0.1 of "
          + "every class of --train)");
    }
    @SuppressWarnings("unchecked")
    List<Model> models = (List<Model>) v.get(Setting.MODELS);
    if (validation && models != null && !models.contains(Model.LR)) {
      throw new LinprobeException("--select validation chooses logistic regression's C, and "
          + "--models has no lr: drop --select validation and its validation rows (they would "
          + "only be held out of naive Bayes' data)");
    }
    if (!validation && (table || fraction)) {
      String flag = table ? "--validation" : "--validation-fraction";
      throw new LinprobeException(flag + " is used only to choose C on held-out rows: add "
          + "--select validation (with --lr-c auto), or drop " + flag);
    }
  }

  private static Object checkRange(Object v) {
    if (v instanceof double[] range) return range;
    String str = String.valueOf(v).trim();
    String[] parts = str.split("\\.\\.");
    if (parts.length == 2) {
      try {
        double lo = Double.parseDouble(parts[0].trim()), hi = Double.parseDouble(parts[1].trim());
        if (lo > 0 && hi > lo && !Double.isInfinite(hi)) return new double[] {lo, hi};
      } catch (NumberFormatException ignored) {
        // the message below says what is expected
      }
    }
    throw new LinprobeException("--lr-c-range '" + str + "' must be LO..HI with 0 < LO < HI, "
        + "e.g. 1e-4..1e4");
  }

  private static Object checkModels(Object v) {
    if (v == null) throw new LinprobeException("--models is empty: use e.g. nb,lr");
    if (v instanceof String s) return List.copyOf(Model.parseList(s));
    List<Model> out = new ArrayList<>();
    for (Object m : (List<?>) v) {
      if (m == null) throw new LinprobeException("--models has a null entry: use e.g. nb,lr");
      if (!out.contains(m)) out.add((Model) m);
    }
    if (out.isEmpty()) throw new LinprobeException("--models is empty: use e.g. nb,lr");
    return List.copyOf(out);
  }

  /** Parses "1,2,5,10,all". */
  private static Object checkShots(Object v) {
    if (v == null || v instanceof Shots) return v;
    List<Integer> finite = new ArrayList<>();
    boolean all = false;
    for (String part : v.toString().split(",")) {
      String p = part.trim();
      if (p.equalsIgnoreCase("all")) {
        all = true;
        continue;
      }
      int n;
      try {
        n = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new LinprobeException("--shots value '" + p
            + "' is not a number: use positive integers and 'all', e.g. 1,2,5,10,all");
      }
      if (n <= 0) {
        throw new LinprobeException("--shots value " + n + " must be positive (shots per class)");
      }
      if (!finite.contains(n)) finite.add(n);
    }
    finite.sort(null);
    if (finite.size() > 100) throw new LinprobeException("--shots has more than 100 values");
    if (finite.isEmpty() && !all) {
      throw new LinprobeException("--shots is empty: give e.g. 1,2,5,10,all");
    }
    return new Shots(finite.stream().mapToInt(Integer::intValue).toArray(), all);
  }

  private static final String MANY_SEEDS =
      ": every seed refits the whole grid (5 to 20 seeds settle the spread)";

  /** The text of seedList("3,7,11"), told apart from the text of a count ("5"). */
  private record SeedList(String text) {}

  /** seeds(n) gives an Integer (the default: its text), seedList a long[] or a SeedList. */
  private static Object checkSeeds(Object v) {
    if (v instanceof Integer || v instanceof String) {
      int n = integer(v, "seeds");
      if (n < 1) throw new LinprobeException("--seeds must be at least 1, got " + n);
      if (n > MAX_SEEDS) {
        throw new LinprobeException("--seeds must be at most " + MAX_SEEDS + ", got " + n
            + MANY_SEEDS);
      }
      long[] r = new long[n];
      for (int i = 0; i < n; i++) r[i] = i;
      return r;
    }
    long[] seeds;
    if (v instanceof long[] a) {
      seeds = a.clone();
    } else if (v instanceof SeedList list && list.text() != null) {
      String[] parts = list.text().split(",");
      seeds = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          seeds[i] = Long.parseLong(parts[i].trim());
        } catch (NumberFormatException e) {
          throw new LinprobeException("--seed-list value '" + parts[i].trim()
              + "' is not an integer: use e.g. 3,7,11");
        }
      }
    } else {
      throw new LinprobeException("--seed-list is empty: use e.g. 3,7,11");
    }
    if (seeds.length == 0) throw new LinprobeException("--seed-list is empty: use e.g. 3,7,11");
    if (seeds.length > MAX_SEEDS) {
      throw new LinprobeException("--seed-list has " + seeds.length + " seeds, more than "
          + MAX_SEEDS + MANY_SEEDS);
    }
    if (Arrays.stream(seeds).distinct().count() != seeds.length) {
      throw new LinprobeException("--seed-list has a repeated seed: each seed once");
    }
    return seeds;
  }

  private static Object checkTitle(Object v) {
    if (v == null) return null;
    String t = v.toString().strip();
    if (t.isEmpty()) {
      throw new LinprobeException("--title is empty: give a title, or leave it out for the "
          + "input tables' names");
    }
    return t;
  }

  private static Object checkScaling(Object v) {
    if (v instanceof Scaler.Kind k) return k;
    try {
      return Scaler.Kind.parse(String.valueOf(v));
    } catch (IllegalArgumentException e) {
      throw new LinprobeException(e.getMessage() + " (--scaling)");
    }
  }

  /** lr-max-iter -> lrMaxIter: a setting's builder method (and its spark.linprobe.* alias). */
  public static String camel(String key) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char ch : key.toCharArray()) {
      if (ch == '-') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return sb.toString();
  }
}
