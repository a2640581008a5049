package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.apache.spark.sql.catalyst.FunctionIdentifier$;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session a command gets, and the loader that leaves MLlib's SQL functions out of it. */
class SessionsTest extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void anExistingSessionIsUsedAsItIs() {
    assertSame(spark(), Sessions.getOrCreate("linprobe curve"));
    // built by SparkSession.builder(), it registered MLlib's functions: the check SessionsIT
    // makes on a session Sessions builds from nothing (they are not there) can fail
    assertTrue(FunctionRegistry$.MODULE$.internal().functionExists(
        FunctionIdentifier$.MODULE$.apply("vector_to_array")));
  }

  static List<String> providers(ClassLoader loader) {
    return ServiceLoader.load(SparkSessionExtensionsProvider.class, loader).stream()
        .map(p -> p.type().getName()).toList();
  }

  @Test
  void mllibsFunctionsAreLeftOutAndNothingElse() {
    ClassLoader plain = Thread.currentThread().getContextClassLoader();
    assertTrue(providers(plain).contains(Sessions.MLLIB_FUNCTIONS),
        "MLlib's jar names its functions' provider: " + providers(plain));
    List<String> kept = providers(new Sessions.WithoutMllibFunctions(plain));
    assertTrue(!kept.contains(Sessions.MLLIB_FUNCTIONS), kept.toString());
    assertEquals(providers(plain).size() - 1, kept.size(), kept.toString());
  }

  /** A class-path directory whose provider file lists these lines. */
  URLClassLoader withProviderFile(String name, String lines) throws Exception {
    Path file = tmp.resolve(name).resolve(Sessions.PROVIDERS);
    Files.createDirectories(file.getParent());
    Files.writeString(file, lines);
    return new URLClassLoader(new URL[] {tmp.resolve(name).toUri().toURL()}, null);
  }

  @Test
  void aFileThatNamesOthersToo_asMergedFatJarsHaveIt_isKept() throws Exception {
    try (URLClassLoader alone = withProviderFile("alone",
            "# MLlib's, as its jar has it\n" + Sessions.MLLIB_FUNCTIONS + "  # a comment\n\n");
        URLClassLoader merged = withProviderFile("merged",
            Sessions.MLLIB_FUNCTIONS + "\ncom.example.TheirExtensions\n")) {
      assertEquals(List.of(), Collections.list(
          new Sessions.WithoutMllibFunctions(alone).getResources(Sessions.PROVIDERS)));
      assertEquals(Collections.list(merged.getResources(Sessions.PROVIDERS)), Collections.list(
          new Sessions.WithoutMllibFunctions(merged).getResources(Sessions.PROVIDERS)));
      assertEquals(1, Collections.list(
          new Sessions.WithoutMllibFunctions(merged).getResources(Sessions.PROVIDERS)).size());
      // other resources are the parent's
      assertEquals(Collections.list(alone.getResources("META-INF")), Collections.list(
          new Sessions.WithoutMllibFunctions(alone).getResources("META-INF")));
    }
  }
}
