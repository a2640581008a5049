package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Spark ML vectors decoded in Java: the floats MLlib's vector_to_array(v, "float32") makes. */
class VectorFloatsTest extends SparkTestBase {
  @Test
  void theSameBitsAsMllibsVectorToArray() {
    List<Vector> vectors = List.of(
        Vectors.dense(1.0, -2.5, 0.0, -0.0),
        Vectors.dense(0.1, 1e-300, 1e300, -1e-46, 3.4028235677973366e38),
        Vectors.dense(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
        Vectors.sparse(5, new int[] {1, 3}, new double[] {0.1, -7.25}),
        Vectors.sparse(4, new int[] {0, 2}, new double[] {-0.0, 0.0}), // stored zeros
        Vectors.sparse(3, new int[] {}, new double[] {}),
        Vectors.sparse(3, new int[] {2}, new double[] {Double.NaN}),
        Vectors.dense(new double[0]));
    List<Row> rows = new ArrayList<>();
    for (Vector v : vectors) rows.add(RowFactory.create(v));
    var frame = spark().createDataFrame(rows, new StructType().add("v", SQLDataTypes.VectorType()));
    List<Row> mllib = frame.select(org.apache.spark.ml.functions.vector_to_array(
        frame.col("v"), "float32")).collectAsList();
    // decoded in the tasks: the scan's rows are reused buffers
    List<float[]> decoded = EmbeddingSource.internalRows(frame)
        .map(row -> EmbeddingSource.vectorFloats(row.getStruct(0, 4))).collect();
    assertEquals(vectors.size(), decoded.size());
    for (int r = 0; r < vectors.size(); r++) {
      List<Float> theirs = mllib.get(r).getList(0);
      float[] ours = decoded.get(r);
      assertEquals(theirs.size(), ours.length, vectors.get(r).toString());
      for (int i = 0; i < ours.length; i++) {
        assertEquals(Float.floatToRawIntBits(theirs.get(i)), Float.floatToRawIntBits(ours[i]),
            vectors.get(r) + " at " + i + ": " + theirs.get(i) + " against " + ours[i]);
      }
    }
  }

  static InternalRow sparse(int size, int[] indices, double[] values) {
    Object[] ix = new Object[indices.length];
    for (int i = 0; i < ix.length; i++) ix[i] = indices[i];
    Object[] vs = new Object[values.length];
    for (int i = 0; i < vs.length; i++) vs[i] = values[i];
    return new GenericInternalRow(new Object[] {(byte) 0, size, new GenericArrayData(ix),
        new GenericArrayData(vs)});
  }

  @Test
  void vectorsMllibWouldRefuseFailAsBefore() {
    assertEquals(List.of(0f, 2f, 0f), toList(EmbeddingSource.vectorFloats(
        sparse(3, new int[] {1}, new double[] {2}))));
    for (InternalRow bad : List.of(sparse(3, new int[] {2, 1}, new double[] {1, 2}),
        sparse(3, new int[] {1, 1}, new double[] {1, 2}), sparse(3, new int[] {3}, new double[] {1}),
        sparse(3, new int[] {-1}, new double[] {1}), sparse(3, new int[] {0, 1}, new double[] {1}),
        new GenericInternalRow(new Object[] {(byte) 2, 1, new GenericArrayData(new Object[] {0}),
            new GenericArrayData(new Object[] {1.0})}))) {
      var e = assertThrows(IllegalArgumentException.class, () -> EmbeddingSource.vectorFloats(bad));
      assertTrue(e.getMessage().startsWith("malformed"), e.getMessage());
    }
  }

  static List<Float> toList(float[] x) {
    List<Float> out = new ArrayList<>();
    for (float v : x) out.add(v);
    return out;
  }
}
