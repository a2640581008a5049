package linprobe.spark;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table of a few hundred rows (fits, the curve, per-class recall) written as a Parquet dataset
 * by the driver itself, without a Spark job: a directory holding one file compressed with the
 * session's spark.sql.parquet.compression.codec (snappy unless set: part-00000.snappy.parquet),
 * and _SUCCESS, as Spark's own writer lays it out, with Spark's schema
 * in the file's metadata as Spark writes it (so Spark reads back the same columns, types and
 * nullability). A Spark job for a table this size costs more than writing it (on a 2-core
 * machine about a third of a second each, most of it the first time in a process). Through the
 * Hadoop FileSystem, so on any path the rest of the output goes to.
 *
 * <p>Columns may be strings, longs, ints, doubles or booleans, each nullable (what the three
 * tables hold).
 */
final class SmallParquet {
  private SmallParquet() {}

  /** The metadata key under which Spark stores a file's Spark schema. */
  static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  /**
   * Writes rows of the given schema as the Parquet dataset dir (which must not exist), compressed
   * with codec (a value of spark.sql.parquet.compression.codec: snappy, gzip, zstd, none...).
   */
  static void write(FileSystem fs, Path dir, StructType schema, List<Row> rows, String codec)
      throws IOException {
    MessageType type = parquetType(schema);
    SimpleGroupFactory groups = new SimpleGroupFactory(type);
    StructField[] fields = schema.fields();
    CompressionCodecName compression = codec(codec);
    Path file = new Path(dir, "part-00000" + compression.getExtension() + ".parquet");
    try (ParquetWriter<Group> w = ExampleParquetWriter
        .builder(HadoopOutputFile.fromPath(file, fs.getConf()))
        .withConf(fs.getConf())
        .withType(type)
        .withCompressionCodec(compression)
        .withWriteMode(ParquetFileWriter.Mode.CREATE)
        .withExtraMetaData(Map.of(SPARK_SCHEMA_KEY, schema.json()))
        .build()) {
      for (Row r : rows) {
        Group g = groups.newGroup();
        for (int i = 0; i < fields.length; i++) {
          if (r.isNullAt(i)) continue;
          Object v = r.get(i);
          DataType t = fields[i].dataType();
          if (t.equals(DataTypes.StringType)) g.add(i, (String) v);
          else if (t.equals(DataTypes.LongType)) g.add(i, ((Number) v).longValue());
          else if (t.equals(DataTypes.IntegerType)) g.add(i, ((Number) v).intValue());
          else if (t.equals(DataTypes.DoubleType)) g.add(i, ((Number) v).doubleValue());
          else g.add(i, (Boolean) v);
        }
        w.write(g);
      }
    }
    fs.create(new Path(dir, "_SUCCESS"), false).close();
  }

  /** Parquet's codec for a value of spark.sql.parquet.compression.codec. */
  static CompressionCodecName codec(String name) {
    String n = name.trim().toUpperCase(java.util.Locale.ROOT);
    return n.equals("NONE") ? CompressionCodecName.UNCOMPRESSED : CompressionCodecName.valueOf(n);
  }

  /** The Parquet schema Spark writes for a flat schema of the supported types. */
  static MessageType parquetType(StructType schema) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (StructField f : schema.fields()) {
      DataType t = f.dataType();
      if (t.equals(DataTypes.StringType)) {
        b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(f.name());
      } else if (t.equals(DataTypes.LongType)) {
        b.optional(PrimitiveTypeName.INT64).named(f.name());
      } else if (t.equals(DataTypes.IntegerType)) {
        b.optional(PrimitiveTypeName.INT32).named(f.name());
      } else if (t.equals(DataTypes.DoubleType)) {
        b.optional(PrimitiveTypeName.DOUBLE).named(f.name());
      } else if (t.equals(DataTypes.BooleanType)) {
        b.optional(PrimitiveTypeName.BOOLEAN).named(f.name());
      } else {
        throw new IllegalArgumentException("no small-table Parquet column of type " + t
            + " (" + f.name() + ")");
      }
    }
    return b.named("spark_schema");
  }
}
