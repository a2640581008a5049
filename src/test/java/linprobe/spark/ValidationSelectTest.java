package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import linprobe.CurveOptions;
import linprobe.Golden;
import linprobe.curve.Fit;
import linprobe.math.GaussianStats;
import linprobe.math.LinearModel;
import linprobe.math.LocalRows;
import linprobe.math.LogisticRegression;
import linprobe.math.Scaler;
import linprobe.math.Softmax;
import linprobe.math.ValidationRows;
import linprobe.plan.CSelection;
import linprobe.plan.RowKeys;
import linprobe.plan.SubsetId;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --select validation: C chosen on held-out rows (a fraction of train, or a table), CLIP's
 * protocol. The held-out rows never enter a training subset, "all" or naive Bayes' statistics.
 */
class ValidationSelectTest extends SparkTestBase {
  @TempDir Path tmp;

  static final double F = 0.15;

  Embeddings loadWithIds(String path, int partitions) {
    EmbeddingSource src = new EmbeddingSource(spark(), "embedding", "label", "id", false);
    EmbeddingSource.Profile p = src.profile(path, "train");
    return src.load(p, p.labels(), partitions, EmbeddingSource.ROWS_PER_PARTITION);
  }

  /** The rule, recomputed: per class the round(F n_c) rows of lowest validation key. */
  static Set<Long> expectedHeldOut(List<RowBlock> blocks, int classes, double f) {
    Map<Integer, List<Long>> byClass = new HashMap<>();
    for (RowBlock b : blocks) {
      for (int r = 0; r < b.n; r++) {
        byClass.computeIfAbsent(b.label[r], c -> new ArrayList<>()).add(b.rowId[r]);
      }
    }
    Set<Long> out = new HashSet<>();
    for (int c = 0; c < classes; c++) {
      List<Long> ids = byClass.get(c);
      ids.sort((a, b) -> Long.compareUnsigned(RowKeys.key(HeldOut.SEED, a),
          RowKeys.key(HeldOut.SEED, b)));
      long v = Math.max(1, Math.round(f * ids.size()));
      out.addAll(ids.subList(0, (int) v));
    }
    return out;
  }

  static Set<Long> ids(List<RowBlock> blocks) {
    Set<Long> out = new HashSet<>();
    for (RowBlock b : blocks) for (int r = 0; r < b.n; r++) out.add(b.rowId[r]);
    return out;
  }

  @Test
  void aClassOfOneRowIsKeptForTrainingAndNamedInTheWarning() {
    List<Object> labels = new ArrayList<>(List.of("cat", "dog", "eel"));
    long[] held = HeldOut.counts(new long[] {10, 1, 4}, 0.2, labels);
    assertEquals(List.of(2L, 0L, 1L), Arrays.stream(held).boxed().toList());
    assertEquals("class 'dog' has one training row, kept for training: C is chosen without "
        + "validation rows of it (a --validation table can give some)",
        HeldOut.noneHeldOut(held, labels).orElseThrow());
    assertEquals("classes 'cat', 'eel' have one training row, kept for training: C is chosen "
        + "without validation rows of them (a --validation table can give some)",
        HeldOut.noneHeldOut(HeldOut.counts(new long[] {1, 5, 1}, 0.2, labels), labels)
            .orElseThrow());
    assertFalse(HeldOut.noneHeldOut(new long[] {1, 1, 2}, labels).isPresent());
  }

  @Test
  void heldOutRowsAreStratifiedAndNeverReachASubsetAllOrNaiveBayes() {
    Embeddings train = loadWithIds(dataSamples("digits", "train"), 3);
    int k = train.classes();
    List<RowBlock> original = train.blocks().collect();
    long[] counts = train.classCounts();
    long[] held = HeldOut.counts(counts, F, new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8,
        9)));
    for (int c = 0; c < k; c++) {
      assertEquals(Math.round(F * counts[c]), held[c], "round(F n_c) rows of class " + c);
    }
    HeldOut.Split split = HeldOut.split(train, held);
    ValidationRows validation = split.validation();
    // stratified: round(F n_c) per class, and exactly the rows of lowest key
    assertEquals(Arrays.toString(held), Arrays.toString(validation.perClass()));
    Set<Long> heldIds = new HashSet<>();
    for (long id : validation.ids()) heldIds.add(id);
    assertEquals(validation.rows(), heldIds.size());
    assertEquals(expectedHeldOut(original, k, F), heldIds);
    // the pool is the rest, every row once
    Embeddings pool = split.pool();
    List<RowBlock> poolBlocks = pool.blocks().collect();
    Set<Long> poolIds = ids(poolBlocks);
    assertEquals(train.rows() - validation.rows(), pool.rows());
    assertEquals(pool.rows(), poolIds.size());
    for (Long id : heldIds) assertFalse(poolIds.contains(id), "held-out row in the pool");
    Set<Long> union = new HashSet<>(poolIds);
    union.addAll(heldIds);
    assertEquals(ids(original), union);

    // every subset of every seed, and all, is drawn from the pool: no held-out row in any
    int[] shots = {1, 2, 5, 10, 50};
    long[] seeds = {0, 1, 2};
    SubsetPlan plan = SubsetRanking.plan(pool, shots, seeds);
    JavaRDD<RowBlock> bucketed = SubsetRanking.bucketed(pool, plan);
    List<RowBlock> ranked = bucketed.collect();
    long inSubsets = 0;
    for (RowBlock b : ranked) {
      for (int r = 0; r < b.n; r++) {
        assertFalse(heldIds.contains(b.rowId[r]), "held-out row among the ranked rows");
        for (int s = 0; s < seeds.length; s++) if (b.buckets[s][r] < shots.length) inSubsets++;
      }
    }
    assertEquals(seeds.length * 50L * k, inSubsets, "every sampled subset filled from the pool");
    // the test has power: ranked without holding out, held-out rows would be in subsets
    List<RowBlock> unheld = SubsetRanking.bucketed(train, SubsetRanking.plan(train, shots, seeds))
        .collect();
    int wouldLeak = 0;
    for (RowBlock b : unheld) {
      for (int r = 0; r < b.n; r++) {
        if (heldIds.contains(b.rowId[r]) && b.buckets[0][r] < shots.length) wouldLeak++;
      }
    }
    assertTrue(wouldLeak > 10, wouldLeak + " held-out rows would have been in seed 0's subsets");
    // naive Bayes' statistics: all and every subset count pool rows only
    List<NaiveBayesPass.SubsetStats> grid = new ArrayList<>();
    NaiveBayesPass.statistics(bucketed, seeds.length, k, shots.length, train.dim(), true)
        .forEachRemaining(grid::add);
    assertEquals(seeds.length * shots.length + 1, grid.size());
    GaussianStats[] all = grid.get(grid.size() - 1).perClass();
    for (int c = 0; c < k; c++) assertEquals(counts[c] - held[c], all[c].count());
    for (int s = 0; s < seeds.length; s++) {
      for (int b = 0; b < shots.length; b++) {
        GaussianStats[] sub = grid.get(s * shots.length + b).perClass();
        for (int c = 0; c < k; c++) assertEquals(shots[b], sub[c].count());
      }
    }
    bucketed.unpersist(false);
    train.blocks().unpersist(false);
  }

  CurveOptions.Builder options(String train, String test, String out) {
    return CurveOptions.builder().train(train).test(test).out(out).shots("1,2,5,all")
        .seedList(0, 1).models("nb,nb-perclass,lr").lrC("auto").select("validation")
        .lrCRange("1e-1..1e1").quiet(true);
  }

  /** Writes rows with ids as Parquet; rows where keep[r] is false are left out. */
  static String writeSome(String path, float[] x, int[] y, long[] ids, boolean[] keep, int dim) {
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    for (int r = 0; r < y.length; r++) {
      if (!keep[r]) continue;
      Float[] f = new Float[dim];
      for (int j = 0; j < dim; j++) f[j] = x[r * dim + j];
      rows.add(org.apache.spark.sql.RowFactory.create(ids[r], y[r], f));
    }
    spark().createDataFrame(rows, SCHEMA).repartition(2).write().parquet(path);
    return path;
  }

  @Test
  void holdingOutAFractionIsTrainingOnTheRestAndValidatingOnTheHeldOutTable() throws Exception {
    // the leak test end to end: a run holding out F of train gives the fits of a run trained
    // on the other rows only, with the held-out rows as a validation table; a held-out row in
    // any subset, in all or in naive Bayes' statistics would change them
    Embeddings loaded = loadWithIds(dataSamples("digits", "train"), 2);
    List<RowBlock> blocks = loaded.blocks().collect();
    loaded.blocks().unpersist(false);
    Set<Long> held = expectedHeldOut(blocks, 10, F);
    int n = 0;
    for (RowBlock b : blocks) n += b.n;
    float[] x = new float[n * 64];
    int[] y = new int[n];
    long[] rowIds = new long[n];
    boolean[] isHeld = new boolean[n];
    boolean[] isKept = new boolean[n];
    // the id column's values: rebuilt from the identities (idOf is a bijection on longs)
    Map<Long, Long> idValue = new HashMap<>();
    for (long v = 0; v < 1797; v++) idValue.put(RowKeys.idOf(v), v);
    int at = 0;
    for (RowBlock b : blocks) {
      for (int r = 0; r < b.n; r++, at++) {
        System.arraycopy(b.x, r * 64, x, at * 64, 64);
        y[at] = b.label[r];
        rowIds[at] = idValue.get(b.rowId[r]);
        isHeld[at] = held.contains(b.rowId[r]);
        isKept[at] = !isHeld[at];
      }
    }
    String rest = writeSome(tmp.resolve("rest").toString(), x, y, rowIds, isKept, 64);
    String heldTable = writeSome(tmp.resolve("held").toString(), x, y, rowIds, isHeld, 64);
    String test = dataSamples("digits", "test");
    // error as the metric: the validation rows are summed in another order in the two runs
    // (error's counts do not depend on it; its tie-break, log-loss, only to rounding)
    CurveOptions fraction = options(dataSamples("digits", "train"), test,
        tmp.resolve("fraction").toString()).idCol("id").partitions(2).selectMetric("error")
        .validationFraction(F).build();
    CurveOptions table = fraction.toBuilder().train(rest).out(tmp.resolve("table").toString())
        .validationFraction(Double.NaN).validation(heldTable).build();
    CurveJob.Result a = runCurve(fraction);
    CurveJob.Result b = runCurve(table);
    assertEquals(CurveJobTest.fitsWithoutTiming(tmp.resolve("table")),
        CurveJobTest.fitsWithoutTiming(tmp.resolve("fraction")));
    for (Fit f : a.fits()) {
      if (f.shots() == Fit.ALL) assertEquals(n - held.size(), f.nTrain(), "all: the pool only");
      if (f.model().equals("lr")) assertEquals("validation", f.cSource());
    }
    assertEquals(n - held.size(), a.train().rows());
    assertEquals(held.size(), a.validation().rows());
    assertEquals(Arrays.toString(a.validation().perClass()),
        Arrays.toString(b.validation().perClass()));
    // summary.json names the source and the held-out rows per class
    JsonNode s = new ObjectMapper().readTree(Files.readString(
        tmp.resolve("fraction/summary.json")));
    assertEquals("fraction of train", s.get("validation").get("source").asText());
    assertEquals(F, s.get("validation").get("fraction").asDouble());
    assertEquals(held.size(), s.get("rows").get("validation").asLong());
    assertEquals(n - held.size(), s.get("rows").get("train").asLong());
    long perClass = 0;
    for (JsonNode c : s.get("classes")) {
      assertEquals(a.validation().perClass()[c.get("index").asInt()], c.get("validation").asLong());
      perClass += c.get("validation").asLong();
    }
    assertEquals(held.size(), perClass);
    JsonNode t = new ObjectMapper().readTree(Files.readString(tmp.resolve("table/summary.json")));
    assertEquals("table", t.get("validation").get("source").asText());
    assertEquals(heldTable, t.get("validation").get("path").asText());
    assertEquals("validation", t.get("config").get("lr").get("select").asText());
  }

  @Test
  void chosenCIsTheSameInTasksAndOnTheClusterAndForAnyFiles() throws Exception {
    Golden g = Golden.digits();
    String one = writeParquet(tmp.resolve("one").toString(), g.x, g.y, 64, 1);
    String seven = writeParquet(tmp.resolve("seven").toString(), g.x, g.y, 64, 7);
    String test = writeParquet(tmp.resolve("test").toString(), g.xEval, g.yEval, 64, 2);
    CurveOptions inTasks = options(one, test, tmp.resolve("t").toString()).validationFraction(0.2)
        .partitions(2).build();
    CurveJob.Result a = runCurve(inTasks);
    // the same rows in 7 files: the same held-out rows, subsets and choices, bit for bit
    runCurve(inTasks.toBuilder().train(seven).out(tmp.resolve("t7").toString()).build());
    assertEquals(CurveJobTest.fitsWithoutTiming(tmp.resolve("t")),
        CurveJobTest.fitsWithoutTiming(tmp.resolve("t7")));
    // one shot is searched too: its validation rows are not its own
    List<String> sources = a.fits().stream().filter(f -> f.model().equals("lr"))
        .map(Fit::cSource).distinct().toList();
    assertEquals(List.of("validation"), sources);
    // on the cluster a Spark job per L-BFGS evaluation: the nested 1- and 2-shot subsets only
    CurveOptions onCluster = inTasks.toBuilder().models("lr").shots("1,2").localFitMb(0)
        .out(null).build();
    CurveJob.Result b = new CurveJob(spark(), onCluster, Progress.silent()).run();
    List<Fit> lr = a.fits().stream().filter(f -> f.model().equals("lr")).toList();
    assertEquals(4, b.fits().size());
    for (int i = 0; i < b.fits().size(); i++) {
      Fit fa = lr.get(i < 2 ? i : i + 1); // a has 1,2,5 per seed; b 1,2
      Fit fb = b.fits().get(i);
      assertEquals(fa.shots(), fb.shots());
      assertEquals(fa.seed(), fb.seed());
      assertEquals(fa.c(), fb.c());
      assertEquals(fa.iterations(), fb.iterations());
      assertEquals(fa.error(), fb.error());
      assertEquals(fa.logloss(), fb.logloss(), 1e-13);
    }
  }

  @Test
  void chosenCEqualsAnIndependentSearchOnTheValidationTable() throws Exception {
    // train: 400 golden digits rows; validation: the 200 golden evaluation rows
    Golden g = Golden.digits();
    String train = writeParquet(tmp.resolve("train").toString(), g.x, g.y, 64, 3);
    String val = writeParquet(tmp.resolve("val").toString(), g.xEval, g.yEval, 64, 2);
    CurveOptions o = CurveOptions.builder().train(train).test(dataSamples("digits", "test"))
        .idCol("id").shots("20,all").seedList(5).models("lr").lrC("auto").select("validation")
        .validation(val).lrCRange("1e-2..1e2").lrTol(1e-10).lrMaxIter(20_000).quiet(true)
        .build();
    CurveJob.Result r = new CurveJob(spark(), o, Progress.silent()).run();
    assertEquals(2, r.fits().size());
    CSelection sel = o.selection();
    assertTrue(sel.validation());
    // the 20-shot subset of seed 5, recomputed: per class the 20 lowest keys of (seed, id)
    List<Integer> subset = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < g.n; i++) if (g.y[i] == c) rows.add(i);
      rows.sort((p, q) -> Long.compareUnsigned(RowKeys.key(5, RowKeys.idOf((long) p)),
          RowKeys.key(5, RowKeys.idOf((long) q))));
      subset.addAll(rows.subList(0, 20));
    }
    List<Integer> every = new ArrayList<>();
    for (int i = 0; i < g.n; i++) every.add(i);
    int[] expected = {chosen(g, subset, sel), chosen(g, every, sel)};
    for (int i = 0; i < 2; i++) {
      Fit f = r.fits().get(i);
      assertEquals("validation", f.cSource());
      assertEquals(sel.c(expected[i]), f.c(), 1e-12 * f.c(), "C at " + f.shots() + " shots");
    }
    assertEquals(200, r.validation().rows());
    assertEquals(val, r.validation().path());
  }

  /**
   * The grid index a search picks when each C's score is the validation log-loss of a plain
   * cold-started fit of the rows at that C, scored row by row on the golden evaluation rows.
   */
  static int chosen(Golden g, List<Integer> rows, CSelection sel) {
    int n = rows.size(), d = 64, k = 10;
    float[] x = new float[n * d];
    int[] y = new int[n];
    GaussianStats stats = new GaussianStats(d);
    for (int i = 0; i < n; i++) {
      System.arraycopy(g.x, rows.get(i) * d, x, i * d, d);
      y[i] = g.y[rows.get(i)];
      stats.add(x, i * d);
    }
    Scaler sc = Scaler.fit(Scaler.Kind.MINMAX, stats);
    double[] score = new double[sel.size()];
    for (int j = 0; j < sel.size(); j++) {
      LinearModel m = LogisticRegression.fit(LocalRows.of(x, y, n, k, sc), k, d, n, sel.c(j),
          20_000, 1e-10, sc).model();
      double ce = 0;
      for (int r = 0; r < g.nEval; r++) {
        double[] s = m.scores(Golden.row(g.xEval, r, d));
        double sy = s[g.yEval[r]];
        ce += Math.min(Softmax.softmaxInPlace(s, 0, k) - sy, Softmax.MAX_CROSS_ENTROPY);
      }
      score[j] = ce / g.nEval;
    }
    CSelection.Trace t = sel.search(0, j -> score[j]);
    assertNotNull(t);
    return t.chosen();
  }
}
