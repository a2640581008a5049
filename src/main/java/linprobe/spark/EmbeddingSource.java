package linprobe.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import linprobe.LinprobeException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import linprobe.plan.RowKeys;

/**
 * Reads Parquet embeddings from any Hadoop path, validates them and lays them out in canonical
 * blocks: each row is hashed by its identity to one of a fixed number of partitions and sorted
 * there, so the data's order (and hence every floating-point sum over it) is the same whatever
 * the input files, their partitioning or the cluster's parallelism.
 */
public final class EmbeddingSource {
  /**
   * Rows per block: the unit of every pass (a subset's rows of a block are a chunk of its sums,
   * a small subset's gathered over several blocks: {@link FoldChunks}).
   */
  public static final int BLOCK_ROWS = 1024;
  /** Default canonical partition size of training data when --partitions is not given. */
  public static final long ROWS_PER_PARTITION = 20_000;
  /**
   * The same for test data: a test partition's partial result is two numbers per model, so
   * smaller partitions cost nothing and spread the scoring GEMMs over more cores.
   */
  public static final long TEST_ROWS_PER_PARTITION = 5_000;

  private final SparkSession spark;
  private final String featuresCol;
  private final String labelCol;
  private final String idCol;
  private final boolean dropInvalid;

  public EmbeddingSource(SparkSession spark, String featuresCol, String labelCol, String idCol,
      boolean dropInvalid) {
    this.spark = spark;
    this.featuresCol = featuresCol;
    this.labelCol = labelCol;
    this.idCol = idCol;
    this.dropInvalid = dropInvalid;
  }

  /**
   * Per-class counts and dimension of a table, from one aggregation, and its valid rows as that
   * pass decoded them (cached: laying the table out does not read the Parquet files again).
   */
  public record Profile(String path, JavaRDD<Decoded> decoded, List<Object> labels,
      long[] counts, int dim, long invalid, boolean hasId, long digest) {
    /** Drops the decoded rows once the canonical blocks made from them are cached. */
    public void release() {
      decoded.unpersist(false);
    }
  }

  /**
   * Reads, type-checks and profiles a table: one Spark job, one read of its files. The id
   * column, which names training rows for sampling, is read from the training table only.
   */
  public Profile profile(String path, String role) {
    Dataset<Row> raw = read(path, role);
    StructField f = field(raw, featuresCol, role, path, "--features-col");
    StructField l = field(raw, labelCol, role, path, "--label-col");
    boolean hasId = idCol != null && role.equals("train");
    if (hasId) field(raw, idCol, role, path, "--id-col");
    Column features = floatArray(f, role);
    DataType lt = l.dataType();
    if (!(lt instanceof NumericType) && lt != DataTypes.StringType) {
      throw new LinprobeException(role + " label column '" + labelCol + "' has type "
          + lt.simpleString() + ": use a numeric or string column (--label-col)");
    }
    Dataset<Row> frame = raw.select(features.as("f"), column(labelCol).as("y"),
        hasId ? column(idCol).as("id") : lit(null).as("id"));
    // One pass in plain Java (SQL higher-order functions run interpreted and cost ten times more)
    DataType[] types = Arrays.stream(frame.schema().fields()).map(StructField::dataType)
        .toArray(DataType[]::new);
    JavaRDD<Decoded> decoded = internalRows(frame).mapPartitions(it -> {
      Decoded d = new Decoded();
      while (it.hasNext()) d.add(it.next(), types, hasId);
      return java.util.Collections.singletonList(d).iterator();
    });
    decoded.persist(StorageLevel.MEMORY_AND_DISK());
    TableProfile all;
    try {
      all = OrderedAggregate.of(decoded, TableProfile::new, (acc, d) -> acc.merge(d.profile));
    } catch (Exception e) { // SparkException is checked but undeclared
      decoded.unpersist(false);
      String m = String.valueOf(e.getMessage());
      if (m.contains("DATA_TYPE_MISMATCH") || m.contains("SCHEMA_MISMATCH")) {
        throw new LinprobeException("the files of " + role + " data at " + path + " do not share "
            + "one schema: " + firstLine(e) + " (rewrite them with the same column types)", e);
      }
      if (m.contains("FOOTER") || m.contains("not a Parquet file") || m.contains("FAILED_READ_FILE")) {
        throw unreadable(path, role, e);
      }
      throw e instanceof RuntimeException re ? re : new RuntimeException(e);
    }
    try {
      return summarize(path, role, decoded, all, hasId);
    } catch (RuntimeException e) {
      decoded.unpersist(false);
      throw e;
    }
  }

  private Profile summarize(String path, String role, JavaRDD<Decoded> decoded,
      TableProfile all, boolean hasId) {
    if (all.rows == 0) {
      throw new LinprobeException(role + " data at " + path + " has no rows: point --" + role
          + " at a non-empty table");
    }
    if (all.nullLabels > 0) {
      throw new LinprobeException(role + " data has " + Progress.count(all.nullLabels, "row")
          + " with a null label in '" + labelCol + "': filter them out or fill them in "
          + "(--drop-invalid skips rows with bad features, not labels)");
    }
    if (all.nanLabels > 0) {
      throw new LinprobeException(role + " data has " + Progress.count(all.nanLabels, "row")
          + " with a NaN label "
          + "in '" + labelCol + "': a class needs a name; filter them out or fill them in");
    }
    if (all.nullIds > 0) {
      throw new LinprobeException(role + " data has " + Progress.count(all.nullIds, "row")
          + " with a null id in '"
          + idCol + "': an id names one row; fill them in, or drop --id-col to sample rows by "
          + "their content");
    }
    if (all.invalid > 0 && !dropInvalid) {
      throw new LinprobeException(role + " data has " + Progress.count(all.invalid, "row")
          + " with null, NaN or "
          + "infinite features (as float32) in '" + featuresCol + "': clean them, or pass "
          + "--drop-invalid to skip them");
    }
    if (all.lengths.isEmpty()) {
      throw new LinprobeException(role + " data at " + path + " has no valid rows: point --"
          + role + " at a non-empty table");
    }
    if (all.lengths.size() > 1) {
      List<String> parts = new ArrayList<>();
      all.lengths.entrySet().stream()
          .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(5)
          .forEach(e -> parts.add(Progress.count(e.getValue(), "row") + " of length "
              + e.getKey()));
      throw new LinprobeException(role + " data has rows of different lengths in '" + featuresCol
          + "': " + String.join(", ", parts) + "; every embedding must have the same dimension");
    }
    int dmin = all.lengths.keySet().iterator().next();
    if (dmin == 0) {
      throw new LinprobeException(role + " data has empty embeddings in '" + featuresCol + "'");
    }
    List<Object[]> classes = new ArrayList<>();
    for (var e : all.perClass.entrySet()) classes.add(new Object[] {e.getKey(), e.getValue()});
    long invalidRows = all.invalid;
    classes.sort((a, b) -> compareLabels(a[0], b[0]));
    List<Object> labels = new ArrayList<>();
    long[] counts = new long[classes.size()];
    for (int i = 0; i < counts.length; i++) {
      labels.add(classes.get(i)[0]);
      counts[i] = (Long) classes.get(i)[1];
    }
    return new Profile(path, decoded, labels, counts, dmin, invalidRows, hasId, all.digest);
  }

  /**
   * Lays a profiled table out in canonical blocks, its labels indexed by the training classes.
   *
   * @param partitions canonical partition count, 0 for one per rowsPerPartition rows
   */
  public Embeddings load(Profile p, List<Object> trainLabels, int partitions,
      long rowsPerPartition) {
    return load(p, trainLabels, partitions, rowsPerPartition, "test");
  }

  /**
   * As {@link #load(Profile, List, int, long)}, role naming the table in messages ("test",
   * "validation").
   */
  public Embeddings load(Profile p, List<Object> trainLabels, int partitions,
      long rowsPerPartition, String role) {
    Map<Object, Integer> index = new HashMap<>();
    for (int i = 0; i < trainLabels.size(); i++) index.put(trainLabels.get(i), i);
    long[] counts = classCounts(p, trainLabels, role);
    long rows = Arrays.stream(counts).sum();
    int parts = partitions > 0 ? partitions
        : (int) Math.max(1, Math.min(linprobe.CurveOptions.MAX_PARTITIONS,
            (rows + rowsPerPartition - 1) / rowsPerPartition));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<HashMap<Object, Integer>> bIndex = jsc.broadcast(new HashMap<>(index));
    boolean hasId = p.hasId();
    String idName = hasId ? idCol : null;
    int dim = p.dim();
    int nParts = parts;
    JavaPairRDD<Integer, LabeledRow> keyed = p.decoded().flatMapToPair(d -> {
      List<Tuple2<Integer, LabeledRow>> out = new ArrayList<>(d.x.size());
      for (int r = 0; r < d.x.size(); r++) {
        float[] x = d.x.get(r);
        int y = bIndex.value().get(d.label.get(r));
        long id = hasId ? d.id.get(r) : RowKeys.contentId(y, x);
        int part = (int) Long.remainderUnsigned(RowKeys.mix(id), nParts);
        out.add(new Tuple2<>(part, new LabeledRow(id, y, x)));
      }
      return out.iterator();
    });
    JavaRDD<RowBlock> blocks = keyed.partitionBy(new IdentityPartitioner(parts))
        .mapPartitionsWithIndex((idx, it) -> toBlocks(idx, it, dim, idName), true);
    blocks.persist(StorageLevel.MEMORY_AND_DISK());
    return new Embeddings(p.path(), blocks, dim, rows, counts, parts, p.invalid());
  }

  /**
   * A profiled table's rows per training class index.
   *
   * @throws LinprobeException naming a class of the table that train lacks
   */
  public long[] classCounts(Profile p, List<Object> trainLabels, String role) {
    Map<Object, Integer> index = new HashMap<>();
    for (int i = 0; i < trainLabels.size(); i++) index.put(trainLabels.get(i), i);
    long[] counts = new long[trainLabels.size()];
    for (int i = 0; i < p.labels().size(); i++) {
      Integer c = index.get(p.labels().get(i));
      if (c == null) {
        Object label = p.labels().get(i);
        String trainKind = labelKind(trainLabels.get(0));
        if (!labelKind(label).equals(trainKind)) {
          throw new LinprobeException(role + " labels in '" + labelCol + "' are "
              + labelKind(label) + "s but train labels are " + trainKind + "s (" + role
              + " class '" + label + "' matches none): store both label columns with the same "
              + "type");
        }
        throw new LinprobeException(role + " class '" + label + "' ("
            + Progress.count(p.counts()[i], "row")
            + ") does not occur in the training data: remove it from the " + role + " set");
      }
      counts[c] = p.counts()[i];
    }
    return counts;
  }

  private Dataset<Row> read(String path, String role) {
    try {
      Path hp = new Path(path);
      FileSystem fs = FileSystems.of(hp, spark.sparkContext().hadoopConfiguration(),
          "--" + role);
      FileSystems.requireExists(fs, hp, role + " path " + path, "--" + role);
      List<String> tables = fs.getFileStatus(hp).isDirectory() ? tablesInside(fs, hp) : null;
      if (tables != null && tables.isEmpty()) {
        throw new LinprobeException(role + " path " + path + " is a directory without data "
            + "files: point --" + role + " at the Parquet table (a file, or a directory of "
            + "part files)");
      }
      if (tables != null) {
        throw new LinprobeException(role + " path " + path + " holds tables ("
            + String.join(", ", tables) + "), not one: point --" + role + " at one of them");
      }
    } catch (IOException | IllegalArgumentException e) {
      throw FileSystems.accessError("cannot access " + role + " path " + path, e, "--" + role);
    }
    // partition values (label=007/) are read as the strings they are: type inference would
    // merge "007" and "7" into one class; the setting is restored once the schema is known
    String inference = "spark.sql.sources.partitionColumnTypeInference.enabled";
    String before = spark.conf().get(inference, null);
    spark.conf().set(inference, "false");
    try {
      // the path exists as written: glob characters in it ([1], {a}) are literal
      Dataset<Row> df = spark.read().parquet(path.replaceAll("([\\[\\]{}*?])", "\\\\$1"));
      df.schema(); // forces the footer read so bad files fail here
      return df;
    } catch (Exception e) { // Spark throws SparkException, a checked exception, undeclared
      throw unreadable(path, role, e);
    } finally {
      if (before == null) spark.conf().unset(inference);
      else spark.conf().set(inference, before);
    }
  }

  private static StructField field(Dataset<Row> df, String name, String role, String path,
      String flag) {
    for (StructField f : df.schema().fields()) if (f.name().equals(name)) return f;
    int dot = name.indexOf('.');
    if (dot > 0 && java.util.Arrays.asList(df.columns()).contains(name.substring(0, dot))) {
      throw new LinprobeException(role + " data at " + path + " has no column '" + name
          + "': a field inside a struct column is not read; write it as a column of its own "
          + "(select('" + name + "')) and name that with " + flag);
    }
    throw new LinprobeException(role + " data at " + path + " has no column '" + name
        + "' (columns: " + String.join(", ", df.columns()) + "): name the right one with "
        + flag);
  }

  private Column floatArray(StructField f, String role) {
    DataType t = f.dataType();
    if (t instanceof ArrayType a && a.elementType() instanceof NumericType) {
      return a.elementType() == DataTypes.FloatType ? column(f.name())
          : column(f.name()).cast(DataTypes.createArrayType(DataTypes.FloatType));
    }
    if (t.sameType(SQLDataTypes.VectorType())) {
      return column(f.name()); // decoded in Java: features(row, type)
    }
    throw new LinprobeException(role + " feature column '" + f.name() + "' has type "
        + t.simpleString() + ": use array<float>, array<double> or a Spark ML vector "
        + "(--features-col)");
  }

  /** A column by its exact name, dots and all (col("a.b") would mean field b of struct a). */
  static Column column(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  /** "number" or "string": what a normalized label is, for messages. */
  static String labelKind(Object label) {
    return label instanceof Number ? "number" : "string";
  }

  /** Integral labels compare equal whatever their width (int in train, long in test). */
  static Object normalizeLabel(Object v) {
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
    }
    return v;
  }

  static int compareLabels(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue());
    }
    return String.valueOf(a).compareTo(String.valueOf(b));
  }

  /**
   * The rows of a frame as Spark's internal rows: array<float> columns come out as one bulk copy
   * per row instead of a boxed Float per element (several times faster on wide embeddings).
   */
  static JavaRDD<InternalRow> internalRows(Dataset<Row> frame) {
    return frame.queryExecution().toRdd().toJavaRDD();
  }

  /**
   * The features (column 0, an array of floats or a Spark ML vector) of a row, or null when they
   * are null, hold a null or non-finite.
   */
  static float[] features(InternalRow row, DataType type) {
    if (row.isNullAt(0)) return null;
    float[] x;
    if (type instanceof ArrayType) {
      ArrayData a = row.getArray(0);
      int n = a.numElements();
      for (int i = 0; i < n; i++) if (a.isNullAt(i)) return null;
      x = a.toFloatArray();
    } else {
      x = vectorFloats(row.getStruct(0, 4));
    }
    for (float v : x) if (!Float.isFinite(v)) return null;
    return x;
  }

  /**
   * A Spark ML vector as VectorUDT stores it (type: 0 sparse, 1 dense; size; indices; values), in
   * float32 as MLlib's {@code vector_to_array(v, "float32")} makes it: every value rounded to
   * float; a sparse vector's absent entries, and its stored zeros (-0.0 too), +0. A vector that
   * MLlib would not deserialize (indices not increasing or out of range) fails as it did.
   */
  static float[] vectorFloats(InternalRow v) {
    ArrayData values = v.getArray(3);
    int n = values.numElements();
    byte type = v.getByte(0);
    if (type == 1) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) x[i] = (float) values.getDouble(i);
      return x;
    }
    int size = v.getInt(1);
    ArrayData indices = v.getArray(2);
    if (type != 0 || size < 0 || indices.numElements() != n) {
      throw new IllegalArgumentException("malformed Spark ML vector: type " + type + ", size "
          + size + ", " + indices.numElements() + " indices, " + n + " values");
    }
    float[] x = new float[size];
    int last = -1;
    for (int k = 0; k < n; k++) {
      int i = indices.getInt(k);
      if (i <= last || i >= size) {
        throw new IllegalArgumentException("malformed sparse vector of size " + size
            + ": index " + i + " after " + last);
      }
      last = i;
      double d = values.getDouble(k);
      if (d != 0) x[i] = (float) d;
    }
    return x;
  }

  /** Column i of a row as a plain Java value (String, Integer, Long, ...), null when null. */
  static Object external(InternalRow row, int i, DataType type) {
    if (row.isNullAt(i)) return null;
    return CatalystTypeConverters.convertToScala(row.get(i, type), type);
  }

  /**
   * One canonical partition: its rows sorted, then identities made unique. Copies of a row share
   * their content identity; the i-th copy (in sorted order, where copies are indistinguishable)
   * gets an identity derived from (content, i), so copies are sampled as the distinct rows they
   * are, whatever the files. A user id column must name each row once.
   *
   * @param idCol the id column when identities come from it, else null
   */
  private static Iterator<RowBlock> toBlocks(int partition,
      Iterator<Tuple2<Integer, LabeledRow>> it, int dim, String idCol) {
    List<LabeledRow> rows = new ArrayList<>();
    while (it.hasNext()) rows.add(it.next()._2());
    rows.sort(LabeledRow.ORDER);
    long[] identity = new long[rows.size()];
    int copy = 0;
    for (int r = 0; r < rows.size(); r++) {
      long id = rows.get(r).id;
      copy = r > 0 && rows.get(r - 1).id == id ? copy + 1 : 0;
      if (copy > 0 && idCol != null) {
        throw new LinprobeException("train data has rows that share an id in '" + idCol
            + "': an id names one row; make the ids unique, or drop --id-col to sample rows by "
            + "their content");
      }
      identity[r] = copy == 0 ? id : RowKeys.copyId(id, copy);
    }
    List<RowBlock> out = new ArrayList<>();
    long base = (long) partition << 40;
    for (int start = 0; start < rows.size(); start += BLOCK_ROWS) {
      int n = Math.min(BLOCK_ROWS, rows.size() - start);
      float[] x = new float[n * dim];
      int[] y = new int[n];
      long[] ids = new long[n];
      for (int r = 0; r < n; r++) {
        LabeledRow lr = rows.get(start + r);
        System.arraycopy(lr.x, 0, x, r * dim, dim);
        y[r] = lr.label;
        ids[r] = identity[start + r];
      }
      out.add(new RowBlock(n, dim, x, y, ids, base + start));
    }
    return out.iterator();
  }

  /**
   * What a directory holds, in one pass over its listing (an object store's comes in pages: it
   * stops at the first data file): null for a table (a data file, or partition directories
   * name=value); else its other directories that hold something, tables side by side as
   * generate writes them (at most 3 named), none when it holds nothing but hidden entries
   * (_SUCCESS, _temporary) and empty directories.
   */
  private static List<String> tablesInside(FileSystem fs, Path dir) throws IOException {
    List<String> dirs = new ArrayList<>();
    var it = fs.listStatusIterator(dir);
    while (it.hasNext()) {
      org.apache.hadoop.fs.FileStatus c = it.next();
      String name = c.getPath().getName();
      if (FileSystems.hidden(name)) continue;
      if (!c.isDirectory() || name.contains("=")) return null;
      dirs.add(name);
    }
    java.util.Collections.sort(dirs);
    // an empty directory (or one of hidden entries only) is no table; four named are enough
    List<String> tables = new ArrayList<>();
    for (String d : dirs) {
      if (tables.size() > 3) break;
      if (Arrays.stream(fs.listStatus(new Path(dir, d)))
          .anyMatch(f -> !FileSystems.hidden(f.getPath().getName()))) {
        tables.add(d);
      }
    }
    return tables.size() > 3 ? List.of(tables.get(0), tables.get(1), tables.get(2), "...")
        : tables;
  }

  /**
   * A table Spark cannot read as Parquet: what its first data file that is not Parquet begins
   * with (a CSV or JSON file given where curve wants embeddings, or a stray file among a
   * directory's Parquet files), else Spark's own first line.
   */
  private LinprobeException unreadable(String path, String role, Exception e) {
    NotParquet found = notParquet(path);
    if (found != null && found.amongParquet()) {
      return new LinprobeException(role + " data at " + path + " holds a file that is not "
          + "Parquet among its Parquet files: " + found.what() + " (move it out of the "
          + "directory, or give it a name that starts with _ or ., which Spark skips)", e);
    }
    if (found != null) {
      return new LinprobeException(role + " data at " + path + " is not Parquet: " + found.what()
          + " (write the table as Parquet, or turn a text column into embeddings with linprobe "
          + "embed, and point --" + role + " at that)", e);
    }
    return new LinprobeException("cannot read " + role + " data at " + path + " as Parquet: "
        + firstLine(e) + " (point --" + role + " at a Parquet file or directory)", e);
  }

  /** A file that is not Parquet, what it begins with; whether Parquet files lie beside it. */
  private record NotParquet(String what, boolean amongParquet) {}

  /** Files of a directory looked at for one that is not Parquet (an object store opens each). */
  private static final int FILES_LOOKED_AT = 100;

  /**
   * The first file of path (itself, or of a directory's data files the first FILES_LOOKED_AT,
   * those whose names do not end in .parquet first, each in name order) that does not begin
   * with "PAR1", the magic number every Parquet file begins with; null when there is none, or
   * when that cannot be told.
   */
  private NotParquet notParquet(String path) {
    try {
      Path file = new Path(path);
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.getFileStatus(file).isDirectory()) {
        String what = notParquet(fs, file);
        return what == null ? null : new NotParquet("it " + what, false);
      }
      // names that do not end in .parquet first: a stray file is found among a thousand parts
      List<Path> files = FileSystems.dataFiles(fs, file).stream()
          .sorted(Comparator.comparing((Path f) -> f.getName().toLowerCase(java.util.Locale.ROOT)
              .endsWith(".parquet")))
          .limit(FILES_LOOKED_AT).toList();
      String first = null;
      boolean parquet = false;
      for (Path f : files) {
        String what = notParquet(fs, f);
        if (what == null) parquet = true;
        else if (first == null) first = f.getName() + " " + what;
        if (first != null && parquet) break;
      }
      return first == null ? null : new NotParquet(parquet ? first : "its file " + first, parquet);
    } catch (IOException | RuntimeException x) {
      return null;
    }
  }

  /** What one file begins with when it is not Parquet ("is empty", "is an ORC file"), or null. */
  static String notParquet(FileSystem fs, Path file) throws IOException {
    byte[] head = new byte[8];
    int n = 0;
    try (var in = fs.open(file)) {
      for (int r; n < head.length && (r = in.read(head, n, head.length - n)) > 0; ) n += r;
    }
    // PAR1, or PARE: Parquet with an encrypted footer, which Spark cannot read without keys
    if (n >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R'
        && (head[3] == '1' || head[3] == 'E')) {
      return null;
    }
    if (n == 0) return "is empty";
    String start = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    for (String[] known : new String[][] {{"ARROW1", "an Arrow file"}, {"ORC", "an ORC file"},
        {"Obj\u0001", "an Avro file"}, {"\u0093NUMPY", "a NumPy .npy file"},
        {"PK\u0003\u0004", "a zip archive (.npz, .xlsx...)"}}) {
      if (start.startsWith(known[0])) return "is " + known[1];
    }
    // printable ASCII, white space, or UTF-8's byte order mark: not Arrow, ORC, .npy...
    boolean bom = n >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb
        && (head[2] & 0xff) == 0xbf;
    boolean text = true;
    for (int i = bom ? 3 : 0; i < n; i++) {
      int b = head[i] & 0xff;
      text &= b == '\t' || b == '\n' || b == '\r' || (b >= 0x20 && b < 0x7f);
    }
    return text ? "begins with text, as CSV and JSON do"
        : "does not begin with PAR1, as every Parquet file does";
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * One input partition as the profile pass decoded it: its profile and its valid rows (features,
   * normalized label, identity from the id column when there is one). Invalid rows are counted
   * by the profile (and refused there unless --drop-invalid) and not kept.
   */
  static final class Decoded implements Serializable {
    private static final long serialVersionUID = 1L;
    final TableProfile profile = new TableProfile();
    final ArrayList<float[]> x = new ArrayList<>();
    final ArrayList<Object> label = new ArrayList<>();
    final ArrayList<Long> id = new ArrayList<>();

    void add(InternalRow row, DataType[] types, boolean hasId) {
      float[] f = row.isNullAt(1) ? null : features(row, types[0]);
      Object y = profile.add(row, f, types[1]);
      if (y == null) return;
      Object rawId = hasId ? external(row, 2, types[2]) : null;
      if (hasId && rawId == null) {
        profile.nullIds++;
        return;
      }
      profile.digest += RowKeys.digest(y, f, rawId);
      x.add(f);
      label.add(y);
      if (hasId) id.add(RowKeys.idOf(rawId));
    }
  }

  /** Per-class valid-row counts, lengths and invalid rows of a table: mergeable. */
  static final class TableProfile implements linprobe.math.Mergeable<TableProfile> {
    private static final long serialVersionUID = 1L;
    long rows;
    long nullLabels;
    long nanLabels;
    long nullIds;
    long invalid;
    /** Sum of the valid rows' digests (mod 2^64): the same for the same rows in any order. */
    long digest;
    final HashMap<Object, Long> perClass = new HashMap<>();
    final HashMap<Integer, Long> lengths = new HashMap<>();

    /**
     * Counts a row (f, y, id); it is valid when it has a label and its features are non-null
     * and finite.
     *
     * @param x the row's {@link #features}, or null
     * @return the row's normalized label when it is valid, else null
     */
    Object add(InternalRow row, float[] x, DataType labelType) {
      rows++;
      if (row.isNullAt(1)) {
        nullLabels++;
        return null;
      }
      if (x == null) {
        invalid++;
        return null;
      }
      Object y = normalizeLabel(external(row, 1, labelType));
      if (y instanceof Double v && v.isNaN()) {
        nanLabels++;
        return null;
      }
      perClass.merge(y, 1L, Long::sum);
      lengths.merge(x.length, 1L, Long::sum);
      return y;
    }

    @Override
    public TableProfile merge(TableProfile o) {
      rows += o.rows;
      nullLabels += o.nullLabels;
      nanLabels += o.nanLabels;
      nullIds += o.nullIds;
      digest += o.digest;
      invalid += o.invalid;
      o.perClass.forEach((k, v) -> perClass.merge(k, v, Long::sum));
      o.lengths.forEach((k, v) -> lengths.merge(k, v, Long::sum));
      return this;
    }
  }

  /** One row on its way to the canonical layout. */
  static final class LabeledRow implements Serializable {
    private static final long serialVersionUID = 1L;
    static final Comparator<LabeledRow> ORDER = (a, b) -> {
      int c = Long.compareUnsigned(a.id, b.id);
      if (c != 0) return c;
      c = Integer.compare(a.label, b.label);
      return c != 0 ? c : Arrays.compare(a.x, b.x);
    };
    final long id;
    final int label;
    final float[] x;

    LabeledRow(long id, int label, float[] x) {
      this.id = id;
      this.label = label;
      this.x = x;
    }
  }

  /** Sends key i to partition i: the canonical partition is computed from the row identity. */
  static final class IdentityPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int n;

    IdentityPartitioner(int n) {
      this.n = n;
    }

    @Override
    public int numPartitions() {
      return n;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IdentityPartitioner p && p.n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }
}
