package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallParquetTest extends SparkTestBase {
  @TempDir Path tmp;

  static final StructType SCHEMA = new StructType()
      .add("model", DataTypes.StringType, true)
      .add("seed", DataTypes.LongType, true)
      .add("seeds", DataTypes.IntegerType, true)
      .add("error", DataTypes.DoubleType, true)
      .add("converged", DataTypes.BooleanType, true);

  static final List<Row> ROWS = List.of(
      RowFactory.create("lr", 3L, 5, 0.125, true),
      RowFactory.create("nb-perclass", null, 1, Double.NaN, false),
      RowFactory.create(null, -1L, null, null, null),
      RowFactory.create("é \"quoted\", with a comma", Long.MAX_VALUE, Integer.MIN_VALUE, -0.0, true));

  @Test
  void sparkReadsBackWhatSparksOwnWriterWouldHaveWritten() throws Exception {
    FileSystem fs = FileSystem.getLocal(spark().sparkContext().hadoopConfiguration());
    org.apache.hadoop.fs.Path mine = new org.apache.hadoop.fs.Path(tmp.resolve("mine").toUri());
    SmallParquet.write(fs, mine, SCHEMA, ROWS, "snappy");
    String theirs = tmp.resolve("theirs").toString();
    spark().createDataFrame(ROWS, SCHEMA).coalesce(1).write().parquet(theirs);

    var a = spark().read().parquet(mine.toString());
    var b = spark().read().parquet(theirs);
    assertEquals(b.schema(), a.schema());
    assertEquals(SCHEMA, a.schema());
    assertEquals(b.collectAsList().toString(), a.collectAsList().toString());
    assertEquals(ROWS.toString(), a.collectAsList().toString());
    // Spark's layout: one part file and _SUCCESS (and, on a local disk, Hadoop's hidden .crc
    // files beside them, as Spark's writer leaves), no Spark job's leftovers
    try (var files = Files.list(tmp.resolve("mine"))) {
      assertEquals(List.of("_SUCCESS", "part-00000.snappy.parquet"),
          files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted()
              .toList());
    }
  }

  @Test
  void aTypeItCannotWriteIsRefusedByName() {
    StructType t = new StructType().add("when", DataTypes.TimestampType, true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SmallParquet.parquetType(t));
    assertTrue(e.getMessage().contains("when"), e.getMessage());
  }

  @Test
  void anExistingFileIsNeverOverwritten() throws Exception {
    FileSystem fs = FileSystem.getLocal(spark().sparkContext().hadoopConfiguration());
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve("d").toUri());
    SmallParquet.write(fs, dir, SCHEMA, ROWS, "snappy");
    byte[] before = Files.readAllBytes(tmp.resolve("d/part-00000.snappy.parquet"));
    assertThrows(Exception.class, () -> SmallParquet.write(fs, dir, SCHEMA, ROWS.subList(0, 1), "snappy"));
    assertTrue(Arrays.equals(before, Files.readAllBytes(tmp.resolve("d/part-00000.snappy.parquet"))));
  }

  @Test
  void theSessionsCompressionCodecIsUsedAndSparkReadsIt() throws Exception {
    FileSystem fs = FileSystem.getLocal(spark().sparkContext().hadoopConfiguration());
    for (String codec : List.of("gzip", "zstd", "none", "uncompressed")) {
      org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve(codec).toUri());
      SmallParquet.write(fs, dir, SCHEMA, ROWS, codec);
      try (var meta = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(
              dir, "part-00000" + SmallParquet.codec(codec).getExtension() + ".parquet"),
              fs.getConf()))) {
        assertEquals(SmallParquet.codec(codec), meta.getFooter().getBlocks().get(0).getColumns()
            .get(0).getCodec(), codec);
        assertEquals(SCHEMA.json(), meta.getFooter().getFileMetaData().getKeyValueMetaData()
            .get(SmallParquet.SPARK_SCHEMA_KEY), "Spark's schema in the footer");
      }
      assertEquals(ROWS.toString(), spark().read().parquet(dir.toString()).collectAsList()
          .toString(), codec);
    }
  }
}
