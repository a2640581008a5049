package linprobe.embed;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import linprobe.LinprobeException;

/**
 * A pre-trained sentence-embedding model that runs in-process, its weights and tokenizer read
 * from the application jar (nothing is downloaded). One instance per JVM, made on first use and
 * shared by every Spark task of that executor ({@link #get}).
 *
 * <p>all-minilm-l6-v2-q: sentence-transformers all-MiniLM-L6-v2, quantized ONNX, as
 * langchain4j ships it: 384 dimensions, mean pooling over the tokens, L2-normalised; a text is
 * cut at {@link #MAX_TOKENS} word pieces, [CLS] and [SEP] included, as sentence-transformers
 * cuts this model's input (its max_seq_length). The tokenizer file langchain4j ships says 128,
 * and its tokenizer cuts a text there before langchain4j's 510-token windows ever apply: the
 * rest of a text was dropped, silently. ONNX Runtime runs each text in the calling thread
 * (one intra-op thread): Spark's tasks are the parallelism, one per core, and a text's vector
 * does not depend on what else is in its batch, partition or machine.
 */
public final class SentenceModel {
  /** The models linprobe knows, by --model name. */
  public static final List<String> KNOWN = List.of("all-minilm-l6-v2-q");

  public static final String DEFAULT = "all-minilm-l6-v2-q";

  private static final AtomicInteger LOADS = new AtomicInteger();

  /** Word pieces of a text the model reads, [CLS] and [SEP] included (sentence-transformers'). */
  public static final int MAX_TOKENS = 256;

  /** The tokenizer file (tokenizer.json) with its truncation at maxLength tokens. */
  static byte[] truncatedAt(byte[] tokenizerJson, int maxLength) throws IOException {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var root = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(tokenizerJson);
    if (root.get("truncation") instanceof com.fasterxml.jackson.databind.node.ObjectNode t) {
      t.put("max_length", maxLength);
    }
    return mapper.writeValueAsBytes(root);
  }

  private final String name;
  private final int dimension;
  private final AbstractInProcessEmbeddingModel model;

  private SentenceModel(String name, int dimension, AbstractInProcessEmbeddingModel model) {
    this.name = name;
    this.dimension = dimension;
    this.model = model;
  }

  /** Refuses a model name linprobe does not know, naming the ones it does. */
  public static String check(String name) {
    if (!KNOWN.contains(name)) {
      throw new LinprobeException("unknown --model '" + name + "': known models are "
          + String.join(", ", KNOWN));
    }
    return name;
  }

  /** The dimension of a known model's vectors, without loading it. */
  public static int dimensionOf(String name) {
    check(name);
    return 384;
  }

  /** The model of that name, loaded once per JVM (on first call) and shared. */
  public static SentenceModel get(String name) {
    check(name);
    return MiniLmHolder.MODEL;
  }

  /** How many models this JVM has loaded (one per executor, whatever its tasks). */
  public static int loads() {
    return LOADS.get();
  }

  /** Initialisation-on-demand holder: loaded by the first task that needs it, exactly once. */
  private static final class MiniLmHolder {
    static final SentenceModel MODEL = loadMiniLm();
  }

  /** The model's tokenizer alone (no weights), for {@link #unknownOnly}: one per JVM. */
  private static final class TokenizerHolder {
    static final HuggingFaceTokenizer TOKENIZER = loadTokenizer();
  }

  private static HuggingFaceTokenizer loadTokenizer() {
    try {
      return HuggingFaceTokenizer.newInstance(
          new java.io.ByteArrayInputStream(tokenizerJson()), Map.of());
    } catch (IOException e) {
      throw new IllegalStateException("cannot load the all-minilm-l6-v2-q tokenizer from the "
          + "application jar: " + e.getMessage(), e);
    }
  }

  /** The tokenizer file as the model reads it: cut at MAX_TOKENS word pieces. */
  private static byte[] tokenizerJson() throws IOException {
    // DJL (the tokenizer's native library) must use what the jar ships, never download
    if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
    try (InputStream tokenizer =
        resource(SentenceModel.class.getClassLoader(), "all-minilm-l6-v2-q-tokenizer.json")) {
      return truncatedAt(tokenizer.readAllBytes(), MAX_TOKENS);
    }
  }

  private static SentenceModel loadMiniLm() {
    ClassLoader cl = SentenceModel.class.getClassLoader();
    try (InputStream onnx = resource(cl, "all-minilm-l6-v2-q.onnx")) {
      byte[] tokenizer = tokenizerJson();
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      OrtSession session = env.createSession(onnx.readAllBytes(), options);
      removeRuntimeDirectory();
      OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(env, session,
          new java.io.ByteArrayInputStream(tokenizer),
          PoolingMode.MEAN);
      LOADS.incrementAndGet();
      return new SentenceModel("all-minilm-l6-v2-q", 384, new InProcess(encoder));
    } catch (IOException | OrtException e) {
      throw new IllegalStateException("cannot load all-minilm-l6-v2-q from the application jar: "
          + e.getMessage(), e);
    }
  }

  /**
   * ONNX Runtime copies its native libraries into a fresh {@code onnxruntime-java*} directory
   * under java.io.tmpdir, loads them, and asks the JVM to delete that directory on exit before
   * the files in it (the JVM deletes in reverse order of asking): the empty directory stays
   * behind, one per JVM that loaded the model, run after run. Once a session exists its
   * libraries are loaded (the CPU provider needs nothing more from there), and Linux and macOS
   * let a loaded library's file go, so the directory is removed then. Best effort: where ONNX
   * Runtime changes or the files cannot go (Windows), the directory is left as ONNX Runtime
   * leaves it. (A GPU build of ONNX Runtime would load its CUDA or TensorRT provider from that
   * directory when a session asks for one; linprobe bundles the CPU build and asks for none.)
   *
   * @return the directory removed, or null
   */
  static Path removeRuntimeDirectory() {
    try {
      Path dir = runtimeDirectory();
      if (dir == null) return null;
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
      return Files.deleteIfExists(dir) ? dir : null;
    } catch (RuntimeException | IOException e) {
      return null;
    }
  }

  /** ONNX Runtime's onnxruntime-java* directory of this JVM (its own field), or null. */
  static Path runtimeDirectory() {
    try {
      Field f =
          Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
      f.setAccessible(true);
      return f.get(null) instanceof Path dir
          && dir.getFileName().toString().startsWith("onnxruntime-java") ? dir : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static InputStream resource(ClassLoader cl, String name) throws IOException {
    InputStream in = cl.getResourceAsStream(name);
    if (in == null) {
      throw new IOException(name + " is not on the classpath (langchain4j-embeddings-all-minilm-"
          + "l6-v2-q missing from the application jar?)");
    }
    return in;
  }

  /** langchain4j's in-process model, every text of a batch run in the calling thread. */
  private static final class InProcess extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;

    InProcess(OnnxBertBiEncoder encoder) {
      super(Runnable::run);
      this.encoder = encoder;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return 384;
    }
  }

  public String name() {
    return name;
  }

  public int dimension() {
    return dimension;
  }

  /**
   * The unit-norm embeddings of a batch of texts, in order. Every text must have something to
   * embed ({@link #embeddable}); the model refuses a blank one.
   */
  public float[][] embed(List<String> texts) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String t : texts) segments.add(TextSegment.from(t));
    List<Embedding> out = model.embedAll(segments).content();
    float[][] vectors = new float[out.size()][];
    for (int i = 0; i < vectors.length; i++) vectors[i] = out.get(i).vector();
    return vectors;
  }

  /** One text's embedding. */
  public float[] embed(String text) {
    return embed(List.of(text))[0];
  }

  /**
   * Whether the model reads an embeddable text as unknown word pieces only ([UNK]), within the
   * pieces it reads: text in a script its English vocabulary has no pieces for, or emoji. Such
   * texts embed alike, whatever they say.
   */
  public static boolean unknownOnly(String text) {
    String[] tokens = TokenizerHolder.TOKENIZER.encode(text, false, false).getTokens();
    if (tokens.length == 0) return false;
    for (int i = 0; i < Math.min(tokens.length, MAX_TOKENS - 2); i++) { // less [CLS] and [SEP]
      if (!"[UNK]".equals(tokens[i])) return false;
    }
    return true;
  }

  /**
   * Whether a text has something to embed: not null, and not only what the uncased BERT
   * tokenizer drops: white space, control and formatting characters, combining marks (accents
   * are stripped) and U+FFFD (bytes that were not UTF-8). It gives such a text no tokens and the
   * model refuses it.
   */
  public static boolean embeddable(String text) {
    if (text == null) return false;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int type = Character.getType(c);
      if (!Character.isWhitespace(c) && !Character.isSpaceChar(c) && type != Character.CONTROL
          && type != Character.FORMAT && type != Character.NON_SPACING_MARK && c != 0xFFFD) {
        return true;
      }
      i += Character.charCount(c);
    }
    return false;
  }
}
