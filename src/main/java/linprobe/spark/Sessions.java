package linprobe.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensionsProvider;

/**
 * The SparkSession a command runs on. One that exists already (a notebook's, an application's
 * that calls linprobe) is used as it is. A new one is built as {@code SparkSession.builder()}
 * builds it, less two costs of every start that linprobe has no use for:
 *
 * <ul>
 *   <li>Spark's API builder finds the classic session's class through Scala's runtime reflection
 *       (its first use builds Scala's whole symbol table); the classic builder is called here.
 *   <li>MLlib's session extension ({@value #MLLIB_FUNCTIONS}, found through ServiceLoader)
 *       registers MLlib's SQL functions ({@code vector_to_array} and others) and builds their
 *       encoders through Scala's type tags, on the same reflection. linprobe calls none of them
 *       (Spark ML vectors are decoded in Java, {@link EmbeddingSource}), so a session it builds
 *       goes without them. Extensions named in {@code spark.sql.extensions}, and any other
 *       provider on the class path, are applied as before.
 * </ul>
 *
 * Together about a second of every run on two cores (docs/performance.md).
 */
public final class Sessions {
  static final String PROVIDERS = "META-INF/services/"
      + SparkSessionExtensionsProvider.class.getName();
  static final String MLLIB_FUNCTIONS = "org.apache.spark.sql.ml.InternalFunctionRegistration";

  private Sessions() {}

  /** The active or default session, else a new one named appName. */
  public static SparkSession getOrCreate(String appName) {
    var builder = org.apache.spark.sql.classic.SparkSession.builder().appName(appName);
    if (org.apache.spark.sql.classic.SparkSession.getActiveSession().isDefined()
        || org.apache.spark.sql.classic.SparkSession.getDefaultSession().isDefined()) {
      return builder.getOrCreate();
    }
    // the context first, as the builder makes it: its own SparkConf (spark.* properties), the
    // name, and spark.submit.appName over that when it is set (spark-submit -c ...)
    SparkConf conf = new SparkConf().setAppName(appName);
    if (conf.contains("spark.submit.appName")) conf.setAppName(conf.get("spark.submit.appName"));
    SparkContext sc = SparkContext.getOrCreate(conf);
    // then the session, its extensions looked up through a loader that hides MLlib's functions;
    // only for this call: the context above was made with the thread's own loader
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(new WithoutMllibFunctions(
        before != null ? before : Sessions.class.getClassLoader()));
    try {
      return builder.sparkContext(sc).getOrCreate();
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  /**
   * Its parent's classes and resources, but for the provider files of session extensions that
   * name MLlib's function registration and nothing else (a jar whose service files were merged
   * with others' keeps its file, and MLlib's functions with it).
   */
  static final class WithoutMllibFunctions extends ClassLoader {
    WithoutMllibFunctions(ClassLoader parent) {
      super(parent);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      Enumeration<URL> all = super.getResources(name);
      if (!name.equals(PROVIDERS)) return all;
      List<URL> kept = new ArrayList<>();
      for (URL u : Collections.list(all)) {
        if (!providers(u).equals(List.of(MLLIB_FUNCTIONS))) kept.add(u);
      }
      return Collections.enumeration(kept);
    }

    /** The class names a provider file lists, as ServiceLoader reads them. */
    static List<String> providers(URL u) throws IOException {
      List<String> names = new ArrayList<>();
      var connection = u.openConnection();
      connection.setUseCaches(false); // as ServiceLoader: a jar's cached handle is shared
      try (BufferedReader r = new BufferedReader(new InputStreamReader(
          connection.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          int hash = line.indexOf('#');
          String name = (hash < 0 ? line : line.substring(0, hash)).strip();
          if (!name.isEmpty()) names.add(name);
        }
      }
      return names;
    }
  }
}
