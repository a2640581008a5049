package linprobe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Golden values from scikit-learn (src/test/python/golden_sklearn.py, Debian's python3-sklearn)
 * on the first 400 rows of scikit-learn's digits.
 */
public final class Golden {
  public final JsonNode root;
  public final float[] x;
  public final int[] y;
  public final float[] xEval;
  public final int[] yEval;
  public final int n;
  public final int nEval;
  public static final int DIM = 64;
  public static final int CLASSES = 10;

  private Golden(JsonNode root) {
    this.root = root;
    this.x = floats(root.get("x"));
    this.y = ints(root.get("y"));
    this.xEval = floats(root.get("x_eval"));
    this.yEval = ints(root.get("y_eval"));
    this.n = y.length;
    this.nEval = yEval.length;
  }

  public static Golden digits() {
    try (InputStream in = Golden.class.getResourceAsStream("/golden/digits_sklearn.json")) {
      return new Golden(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static float[] floats(JsonNode rows) {
    int cols = rows.get(0).size();
    float[] out = new float[rows.size() * cols];
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < cols; c++) out[r * cols + c] = (float) rows.get(r).get(c).asDouble();
    }
    return out;
  }

  public static double[] doubles(JsonNode node) {
    if (node.get(0).isArray()) {
      int cols = node.get(0).size();
      double[] out = new double[node.size() * cols];
      for (int r = 0; r < node.size(); r++) {
        for (int c = 0; c < cols; c++) out[r * cols + c] = node.get(r).get(c).asDouble();
      }
      return out;
    }
    double[] out = new double[node.size()];
    for (int i = 0; i < out.length; i++) out[i] = node.get(i).asDouble();
    return out;
  }

  public static int[] ints(JsonNode node) {
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) out[i] = node.get(i).asInt();
    return out;
  }

  /** Row r of a row-major float matrix. */
  public static float[] row(float[] x, int r, int dim) {
    float[] out = new float[dim];
    System.arraycopy(x, r * dim, out, 0, dim);
    return out;
  }
}
