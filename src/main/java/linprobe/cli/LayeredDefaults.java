package linprobe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import linprobe.LinprobeException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option's value comes from when it is not on the command line. Precedence, highest
 * first:
 * <ol>
 *   <li>the command-line flag ({@code --lr-c 0.5});
 *   <li>Spark configuration {@code spark.linprobe.<flag>} or its camelCase form
 *       ({@code spark-submit --conf spark.linprobe.lr-c=0.5}, or {@code spark.linprobe.lrC}),
 *       from the active SparkSession if there is one (notebooks), else the driver's SparkConf;
 *   <li>the {@code --config FILE} properties file, keys are flag names ({@code lr-c = 0.5}),
 *       on any Hadoop path;
 *   <li>the built-in defaults, in {@link linprobe.CurveOptions}: the paper's protocol but for C,
 *       chosen by cross-validation.
 * </ol>
 */
public final class LayeredDefaults implements IDefaultValueProvider {
  public static final String SPARK_PREFIX = "spark.linprobe.";

  /**
   * Options that exclude each other: a layer that gives one hides the other's value in the layers
   * below it (the command line's --seed-list wins over the config file's seeds).
   */
  private static final Map<String, String> PARTNER = Map.of("seeds", "seed-list", "seed-list",
      "seeds", "validation", "validation-fraction", "validation-fraction", "validation");

  private final Map<String, String> spark;
  private final Properties file;
  private final String filePath;
  private final java.util.Set<String> typed;

  LayeredDefaults(Map<String, String> spark, Properties file) {
    this(spark, file, "(none)", java.util.Set.of());
  }

  /** @param typed the flags on the command line, without dashes */
  LayeredDefaults(Map<String, String> spark, Properties file, String filePath,
      java.util.Set<String> typed) {
    this.spark = spark;
    this.file = file;
    this.filePath = filePath;
    this.typed = typed;
  }

  /** Reads the Spark layer now and the --config file named in args, if any. */
  public static LayeredDefaults from(String[] args) {
    Map<String, String> conf = new HashMap<>();
    var active = SparkSession.getActiveSession().isDefined() ? SparkSession.getActiveSession()
        : SparkSession.getDefaultSession();
    if (active.isDefined()) {
      Map<String, String> all =
          scala.jdk.javaapi.CollectionConverters.asJava(active.get().conf().getAll());
      all.forEach((k, v) -> {
        if (k.startsWith(SPARK_PREFIX)) conf.put(k, v);
      });
    } else {
      for (scala.Tuple2<String, String> kv : new SparkConf(true).getAllWithPrefix(SPARK_PREFIX)) {
        conf.put(SPARK_PREFIX + kv._1(), kv._2());
      }
    }
    String path = configPath(args);
    java.util.Set<String> typed = new java.util.HashSet<>();
    for (String a : args) {
      if (a.startsWith("--")) typed.add(a.substring(2).replaceFirst("=.*", ""));
    }
    return new LayeredDefaults(conf, loadConfig(path), path, typed);
  }

  static String configPath(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) return args[i + 1];
      if (args[i].startsWith("--config=")) return args[i].substring("--config=".length());
    }
    return null;
  }

  static Properties loadConfig(String path) {
    Properties p = new Properties();
    if (path == null) return p;
    try {
      Path hp = new Path(path);
      // a file system of its own, not Hadoop's cache: read before Spark starts, a cached one
      // would be every later lookup's, without spark.hadoop.* (fs.file.impl in jobs/linprobe)
      try (FileSystem fs = linprobe.spark.FileSystems.newInstance(hp, new Configuration(),
          "--config")) {
        linprobe.spark.FileSystems.requireExists(fs, hp, "config file " + path, "--config");
        try (InputStream in = fs.open(hp)) {
          p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new LinprobeException("cannot read config file " + path + ": " + e.getMessage()
          + " (check --config)");
    }
    return p;
  }

  /**
   * Where a flag's value comes from when it is not on the command line: "Spark setting
   * spark.linprobe.lr-c" or "config file F, key 'lr-c'", or null (the built-in default).
   */
  String source(String flag) {
    for (String key : keys(flag)) {
      if (spark.containsKey(key)) return "Spark setting " + key;
    }
    return file.containsKey(flag) ? "config file " + filePath + ", key '" + flag + "'" : null;
  }

  /**
   * A message about a bad value, with the place the value came from when the user did not type
   * it: a flag the message names that is not on the command line but in a lower layer.
   */
  String blame(String message, java.util.function.Predicate<String> onCommandLine) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("--([a-z][a-z-]*)")
        .matcher(message);
    while (m.find()) {
      String flag = m.group(1);
      String from = onCommandLine.test("--" + flag) ? null : source(flag);
      if (from != null) return message + " (the value comes from " + from + ": fix it there)";
    }
    return message;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o)) return null;
    String flag = o.longestName().replaceFirst("^--", "");
    if (flag.equals("config") || flag.equals("help") || flag.equals("version")) return null;
    String partner = PARTNER.get(flag);
    if (partner != null && typed.contains(partner)) return null;
    String v = sparkValue(flag);
    if (v != null) return v.trim();
    if (partner != null && sparkValue(partner) != null) return null;
    v = file.getProperty(flag);
    return v == null ? null : v.trim();
  }

  /** A flag's Spark settings: spark.linprobe.lr-c and spark.linprobe.lrC. */
  private static String[] keys(String flag) {
    return new String[] {SPARK_PREFIX + flag, SPARK_PREFIX + linprobe.CurveOptions.camel(flag)};
  }

  private String sparkValue(String flag) {
    for (String key : keys(flag)) {
      String v = spark.get(key);
      if (v != null) return v;
    }
    return null;
  }

  /** Flags in the config file that no option has: a typo there must not pass silently. */
  void checkKeys(java.util.Set<String> flags) {
    for (String k : file.stringPropertyNames()) {
      if (flags.contains(k) && file.getProperty(k).isBlank()) { // not silently false or empty
        throw new LinprobeException("config file " + filePath + " gives '" + k + "' no value: "
            + "give it one, or remove the line");
      }
      if (!flags.contains(k)) {
        String guess = Main.nearest(k, java.util.List.copyOf(flags));
        throw new LinprobeException("config file " + filePath + " has an unknown key '" + k
            + "'" + (guess == null ? "" : " (did you mean '" + guess + "'?)") + ": keys are "
            + "curve's flag names without the leading --, e.g. lr-c");
      }
    }
    for (String k : spark.keySet()) {
      String flag = k.substring(SPARK_PREFIX.length());
      boolean known = flags.contains(flag)
          || flags.stream().anyMatch(f -> linprobe.CurveOptions.camel(f).equals(flag));
      if (!known) {
        throw new LinprobeException("unknown Spark setting '" + k + "': use " + SPARK_PREFIX
            + "<curve flag>, e.g. " + SPARK_PREFIX + "lr-c");
      }
    }
  }
}
