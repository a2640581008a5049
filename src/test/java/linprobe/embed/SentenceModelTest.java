package linprobe.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import linprobe.LinprobeException;
import org.junit.jupiter.api.Test;

/**
 * The bundled model, for real: its weights and tokenizer from the jar on the classpath, run by
 * ONNX Runtime. No Spark here (TextEmbeddingTest runs it inside Spark tasks).
 */
class SentenceModelTest {
  static final String FOX = "The quick brown fox jumps over the lazy dog.";
  static final String PROBES = "Linear probes on frozen embeddings.";

  static final SentenceModel MODEL = SentenceModel.get("all-minilm-l6-v2-q");

  @Test
  void matchesLangchain4jsOwnModelOnTheSameSentences() {
    // langchain4j's class with its own defaults (thread pool, ONNX Runtime's default threads):
    // linprobe's single-threaded session must give the same vectors
    var reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
    for (String s : List.of(FOX, PROBES, "Débogueur graphique pour GDB — ça marche ?",
        "a", "numbers 3.14159 and symbols #$%&")) {
      float[] expected = reference.embed(s).content().vector();
      float[] got = MODEL.embed(s);
      assertEquals(384, got.length);
      for (int i = 0; i < got.length; i++) {
        assertEquals(expected[i], got[i], 1e-6, s + " component " + i);
      }
    }
  }

  @Test
  void leavesNoDirectoryOfOnnxRuntimeBehind() throws Exception {
    // ONNX Runtime made an onnxruntime-java* directory for its libraries when MODEL loaded, and
    // on its own would leave it (empty) after the JVM exits: it must be gone already
    Path dir = SentenceModel.runtimeDirectory();
    assertTrue(dir != null, "ONNX Runtime's directory is known");
    assertFalse(Files.exists(dir), dir + " left behind");
    assertEquals(384, MODEL.embed(FOX).length); // the model still runs without it
  }

  @Test
  void pinnedComponentsCatchAChangeOfModel() {
    // from one run of all-minilm-l6-v2-q 1.19.0-beta29 (langchain4j's reference model gives the
    // same numbers); another model, or another quantization, would not
    int[] at = {0, 1, 2, 3, 100, 200, 383};
    float[] fox = {0.045607105f, 0.0722055f, 0.051180545f, 0.07992544f, 3.1853357E-4f,
        0.031304464f, 0.09623274f};
    float[] probes = {-0.06406495f, -0.06885423f, 0.0010266535f, 0.035774462f, 0.0653682f,
        0.021777501f, -0.06034362f};
    float[] f = MODEL.embed(FOX), p = MODEL.embed(PROBES);
    for (int k = 0; k < at.length; k++) {
      assertEquals(fox[k], f[at[k]], 1e-5, "fox component " + at[k]);
      assertEquals(probes[k], p[at[k]], 1e-5, "probes component " + at[k]);
    }
  }

  @Test
  void vectorsHaveUnitNormAnd384Dimensions() {
    StringBuilder longText = new StringBuilder();
    for (int i = 0; i < 400; i++) longText.append("word").append(i).append(' ');
    List<String> texts = List.of(FOX, PROBES, "x", longText.toString()); // over 256 tokens
    float[][] v = MODEL.embed(texts);
    assertEquals(texts.size(), v.length);
    for (float[] x : v) {
      assertEquals(384, x.length);
      double norm = 0;
      for (float c : x) norm += (double) c * c;
      assertEquals(1.0, Math.sqrt(norm), 1e-5);
    }
    assertEquals(384, MODEL.dimension());
    assertEquals(384, SentenceModel.dimensionOf("all-minilm-l6-v2-q"));
  }

  @Test
  void aTextIsReadToItsFirst256WordPiecesAsSentenceTransformersReadsIt() {
    // "the cat sat on the mat ." is 7 word pieces; 30 of them are 210, 40 are 280
    String cats30 = "the cat sat on the mat . ".repeat(30);
    String cats40 = "the cat sat on the mat . ".repeat(40);
    String stocks = "stock markets fell sharply after the central bank raised interest rates";
    // within 256: the appended sentence counts (the tokenizer file's 128 dropped it)
    assertTrue(cosine(MODEL.embed(cats30), MODEL.embed(cats30 + stocks)) < 0.999);
    // beyond 256: it does not, the text is cut there
    assertArrayEquals(MODEL.embed(cats40), MODEL.embed(cats40 + stocks));
  }

  @Test
  void aTextsVectorDoesNotDependOnItsBatch() {
    float[] alone = MODEL.embed(FOX);
    float[][] batch = MODEL.embed(List.of(PROBES, "short", FOX, "another sentence entirely"));
    assertArrayEquals(alone, batch[2]);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void paraphrasesAreCloserThanUnrelatedSentences() {
    String[][] trios = {
        {"A man is playing a guitar.", "Someone is playing an acoustic guitar.",
            "The stock market fell sharply today."},
        {"How do I reset my password?", "I forgot my password, how can I change it?",
            "Penguins live in Antarctica."},
        {"Library for reading and writing image files", "Toolkit to load and save pictures",
            "Daemon that synchronises the system clock over the network"}};
    for (String[] t : trios) {
      float[] a = MODEL.embed(t[0]), b = MODEL.embed(t[1]), u = MODEL.embed(t[2]);
      double same = cosine(a, b);
      assertTrue(same > cosine(a, u) + 0.2, t[0] + " ~ " + t[1] + ": " + same + " vs "
          + cosine(a, u));
      assertTrue(same > cosine(b, u) + 0.2, t[1] + " ~ " + t[0]);
    }
  }

  @Test
  void oneModelPerJvm() {
    SentenceModel a = SentenceModel.get("all-minilm-l6-v2-q");
    SentenceModel b = SentenceModel.get("all-minilm-l6-v2-q");
    assertSame(a, b);
    assertEquals(1, SentenceModel.loads());
  }

  @Test
  void unknownModelNamesTheKnownOnes() {
    LinprobeException e = assertThrows(LinprobeException.class,
        () -> SentenceModel.get("bert-large"));
    assertEquals("unknown --model 'bert-large': known models are all-minilm-l6-v2-q",
        e.getMessage());
  }

  @Test
  void blankTextsAreNotEmbeddable() {
    // a lone combining accent (stripped) and U+FFFD (a byte that was not UTF-8) too
    for (String s : new String[] {null, "", " ", "\t\n", "\u00a0\u2003", "\u200b", "\u0000",
        "\u0301", "\uFFFD", " \u0301\uFFFD "}) {
      assertFalse(SentenceModel.embeddable(s), String.valueOf(s));
      // and the model does refuse it: the check and the model agree
      if (s != null) assertThrows(RuntimeException.class, () -> MODEL.embed(s), s);
    }
    for (String s : new String[] {"a", " x ", "42", "é", "🙂", "e\u0301", "caf\uFFFDe"}) {
      assertTrue(SentenceModel.embeddable(s), s);
      assertEquals(384, MODEL.embed(s).length);
    }
  }

  @Test
  void textsOfUnknownPiecesOnlyAreFoundAndDoEmbedAlike() {
    // emoji and a script the English vocabulary lacks: [UNK] only, and the vectors say so
    String[] unknown = {"🙂", "🙂 🚀", "ᚠᚢᚦᚨᚱᚲ", "🙂🙂🙂 ᚠᚢᚦ"};
    for (String s : unknown) assertTrue(SentenceModel.unknownOnly(s), s);
    float[] a = MODEL.embed(unknown[0]), b = MODEL.embed("🚀");
    double cos = 0;
    for (int i = 0; i < a.length; i++) cos += a[i] * b[i];
    assertEquals(1.0, cos, 1e-6, "two one-piece unknown texts embed to one vector");
    for (String s : new String[] {"a", "café", "🙂 ok", "42", "ᚠᚢᚦ x"}) {
      assertFalse(SentenceModel.unknownOnly(s), s);
    }
    // only the pieces the model reads count: known words past its 254 text pieces do not
    String past = "🙂 ".repeat(SentenceModel.MAX_TOKENS) + "hello";
    assertTrue(SentenceModel.unknownOnly(past));
    assertFalse(SentenceModel.unknownOnly("🙂 ".repeat(SentenceModel.MAX_TOKENS - 3) + "hello"));
  }
}
