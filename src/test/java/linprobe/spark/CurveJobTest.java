package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import linprobe.CurveOptions;
import linprobe.Golden;
import linprobe.LinprobeException;
import linprobe.curve.Fit;
import linprobe.math.GaussianStats;
import linprobe.math.LocalRows;
import linprobe.math.LogisticRegression;
import linprobe.math.Scaler;
import linprobe.math.SoftmaxAggregator;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurveJobTest extends SparkTestBase {
  @Test
  void aFitWithNonFiniteTestScoresFailsTheRun() {
    Fit ok = new Fit("nb", 1, 0, 3, 0.5, 0.7, Double.NaN, 0.5, List.of(0.5), Double.NaN, null, 0,
        true, 1);
    assertEquals(ok, CurveJob.requireFinite(ok)); // top-5 error is NaN with few classes: fine
    for (double[] bad : new double[][] {{Double.NaN, 0.7}, {0.5, Double.NaN},
        {0.5, Double.POSITIVE_INFINITY}}) {
      Fit f = new Fit("lr", 1, 0, 3, bad[0], bad[1], Double.NaN, 0.5, List.of(0.5), 1.0,
          "fixed", 3, true, 1);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> CurveJob.requireFinite(f));
      assertTrue(e.getMessage().startsWith("lr at 1 shots, seed 0, scored the test rows to a "
          + "non-finite error, log-loss or balanced error"), e.getMessage());
    }
  }

  @Test
  void cChosenAtAnEndOfTheRangeIsWarned() {
    linprobe.plan.CSelection sel = linprobe.plan.CSelection.defaults(); // 1e-4..1e4
    java.util.function.BiFunction<Double, String, Fit> lr = (c, source) -> new Fit("lr", 2, 0,
        20, 0.3, 1.0, Double.NaN, 0.3, List.of(0.7), c, source, 5, true, 1);
    // inside the range, fixed or a fallback: nothing to say
    assertTrue(CurveJob.rangeEnds(List.of(lr.apply(0.5, "cv"), lr.apply(1e-4, "fallback"),
        lr.apply(1e4, "fixed")), sel).isEmpty());
    assertTrue(CurveJob.rangeEnds(List.of(lr.apply(1e-4, "cv")), null).isEmpty());
    assertEquals("C was chosen at an end of the searched range in 3 of 4 fits where it was "
        + "chosen (2 at 1.0e-04, the strongest regularization; 1 at 1.0e+04, the weakest; "
        + "fits.csv, column c, says which): the best C may lie beyond it; widen --lr-c-range",
        CurveJob.rangeEnds(List.of(lr.apply(1e-4, "cv"), lr.apply(1e-4, "validation"),
            lr.apply(1e4, "cv"), lr.apply(3.16, "cv")), sel).orElseThrow());
    // the last grid point is the end, whatever HI: 0.05..500 ends at 0.05 x 10^(32/8) = 500
    linprobe.plan.CSelection odd = new linprobe.plan.CSelection(0.05, 600, 8, false, 1, 5, 1);
    assertEquals(0.05 * 1e4, odd.c(odd.size() - 1), 1e-9);
    assertTrue(CurveJob.rangeEnds(List.of(lr.apply(500.0, "cv")), odd).orElseThrow()
        .contains("1 at 500, the weakest"));
    assertEquals("0.316", CurveJob.cText(0.31622776601683794));
  }

  @Test
  void aSingleRowClassIsWarnedWhenCrossValidationChoosesCForAll() {
    CurveOptions auto = CurveOptions.builder().train("a").test("b").build();
    List<Object> classes = List.of("a", "b", "c", "d", "e");
    assertEquals("class 'c' has a single training row: choosing C for all, the fold model that "
        + "holds such a row out never saw its class, and its loss there, which grows with C, "
        + "weighs on the choice",
        CurveJob.singleRowClasses(auto, new long[] {9, 2, 1, 5, 7}, classes).orElseThrow());
    assertTrue(CurveJob.singleRowClasses(auto, new long[] {1, 1, 1, 1, 7}, classes)
        .orElseThrow().startsWith("4 classes ('a', 'b', 'c', ...) have a single training row"));
    // two rows: every fold model sees one; every class single: all falls back; C fixed, or
    // chosen on validation rows: no folds
    assertTrue(CurveJob.singleRowClasses(auto, new long[] {2, 2, 9, 9, 9}, classes).isEmpty());
    assertTrue(CurveJob.singleRowClasses(auto, new long[] {1, 1, 1, 1, 1}, classes).isEmpty());
    assertTrue(CurveJob.singleRowClasses(auto.toBuilder().lrC(1.0).build(),
        new long[] {9, 2, 1, 5, 7}, classes).isEmpty());
  }

  @TempDir Path tmp;

  Embeddings load(String path, int partitions) {
    EmbeddingSource src = new EmbeddingSource(spark(), "embedding", "label", null, false);
    EmbeddingSource.Profile p = src.profile(path, "train");
    return src.load(p, p.labels(), partitions, EmbeddingSource.ROWS_PER_PARTITION);
  }

  @Test
  void naiveBayesForTheWholeGridIsOneJobOverTheTrainingRows() throws Exception {
    Embeddings train = load(dataSamples("digits", "train"), 3);
    int[] shots = {1, 2, 5, 10, 20};
    long[] seeds = {0, 1, 2};
    SubsetPlan plan = SubsetRanking.plan(train, shots, seeds);
    JavaRDD<RowBlock> bucketed = SubsetRanking.bucketed(train, plan);
    List<NaiveBayesPass.SubsetStats> grid = new java.util.ArrayList<>();
    // a small grid's statistics come back in the job that reads the rows
    int jobs = countJobs(() -> NaiveBayesPass.statistics(bucketed, 3, 10, shots.length, 64, true)
        .forEachRemaining(grid::add));
    assertEquals(1, jobs);
    // and it is right: the grid's subset statistics equal statistics of the selected rows
    List<RowBlock> blocks = bucketed.collect();
    assertEquals(seeds.length * shots.length + 1, grid.size());
    for (int s = 0; s < seeds.length; s++) {
      for (int b = 0; b < shots.length; b++) {
        GaussianStats[] expect = new GaussianStats[10];
        for (int c = 0; c < 10; c++) expect[c] = new GaussianStats(64);
        for (RowBlock blk : blocks) {
          for (int r = 0; r < blk.n; r++) {
            if (blk.buckets[s][r] <= b) expect[blk.label[r]].add(blk.x, r * 64);
          }
        }
        NaiveBayesPass.SubsetStats got = grid.get(s * shots.length + b);
        assertEquals(s, got.seedIndex());
        assertEquals(b, got.bucket());
        for (int c = 0; c < 10; c++) {
          assertEquals(shots[b], got.perClass()[c].count(), "stratified: shots rows of every class");
          assertArrayEquals(expect[c].mean(), got.perClass()[c].mean(), 1e-9);
          assertArrayEquals(expect[c].m2(), got.perClass()[c].m2(), 1e-7);
        }
      }
    }
    NaiveBayesPass.SubsetStats all = grid.get(grid.size() - 1);
    assertEquals(-1, all.seedIndex());
    assertEquals(train.rows(), java.util.Arrays.stream(all.perClass())
        .mapToLong(GaussianStats::count).sum());
  }

  @Test
  void subsetsAreNestedStratifiedAndDifferAcrossSeeds() {
    Embeddings train = load(dataSamples("digits", "train"), 2);
    int[] shots = {1, 3, 10};
    SubsetPlan plan = SubsetRanking.plan(train, shots, new long[] {0, 1});
    List<RowBlock> blocks = SubsetRanking.bucketed(train, plan).collect();
    int[][] perBucket = new int[2][shots.length + 1];
    int differ = 0;
    for (RowBlock b : blocks) {
      for (int r = 0; r < b.n; r++) {
        perBucket[0][b.buckets[0][r]]++;
        perBucket[1][b.buckets[1][r]]++;
        if ((b.buckets[0][r] == 0) != (b.buckets[1][r] == 0)) differ++;
      }
    }
    for (int s = 0; s < 2; s++) {
      // bucket b holds the rows that enter at shots[b]: 10 classes x (shots[b] - shots[b-1])
      assertEquals(10, perBucket[s][0]);
      assertEquals(20, perBucket[s][1]);
      assertEquals(70, perBucket[s][2]);
    }
    assertTrue(differ > 0, "seeds 0 and 1 pick different 1-shot rows");
  }

  @Test
  void anExecutorsCoresComeFromItsSettingElseFromTheCluster() {
    assertEquals(4, CurveJob.executorCores(4, 3, 24));
    // unset, as on a standalone cluster whose executors take all their worker's cores: 2
    // executors of 8 cores each, 16 in all (it was taken as 1: a task's share 8 times too big)
    assertEquals(8, CurveJob.executorCores(-1, 2, 16));
    assertEquals(1, CurveJob.executorCores(-1, 0, 2), "none registered yet");
    assertEquals(1, CurveJob.executorCores(spark().sparkContext()), "local: the driver alone");
  }

  @Test
  void allsFoldsAreStratifiedByTheFirstSeedsRankOfEveryRow() {
    // the digits' classes have 114 to 125 rows: every class split over 5 folds within one row,
    // whatever the partitioning, and the first seed's subsets' folds are all's on their rows
    int[] shots = {1, 5, 10};
    int[][] first = null;
    for (int partitions : new int[] {1, 3}) {
      Embeddings train = load(dataSamples("digits", "train"), partitions);
      SubsetPlan plan = SubsetRanking.plan(train, shots, new long[] {7, 8}, true);
      int[][] perFold = new int[10][5];
      for (RowBlock b : SubsetRanking.bucketed(train, plan).collect()) {
        for (int r = 0; r < b.n; r++) {
          int fold = b.fold(new linprobe.plan.SubsetId.All(), 5, r);
          perFold[b.label[r]][fold]++;
          if (b.buckets[0][r] <= 2) {
            assertEquals(fold, b.fold(new linprobe.plan.SubsetId.Sampled(0, 7, 2, 10), 5, r));
          }
        }
      }
      for (int[] c : perFold) {
        int lo = java.util.Arrays.stream(c).min().getAsInt();
        int hi = java.util.Arrays.stream(c).max().getAsInt();
        assertTrue(hi - lo <= 1, "a class's rows over the folds: " + java.util.Arrays.toString(c));
      }
      if (first == null) first = perFold;
      else assertArrayEquals(first, perFold);
    }
  }

  @Test
  void distributedLossEqualsInMemoryLossOnTheSameSubset() {
    Embeddings train = load(dataSamples("digits", "train"), 3);
    int[] shots = {5};
    SubsetPlan plan = SubsetRanking.plan(train, shots, new long[] {4});
    JavaRDD<RowBlock> bucketed = SubsetRanking.bucketed(train, plan);
    List<RowBlock> blocks = bucketed.collect();
    int n = 0;
    float[] x = new float[50 * 64];
    int[] y = new int[50];
    for (RowBlock b : blocks) {
      for (int r = 0; r < b.n; r++) {
        if (b.buckets[0][r] > 0) continue;
        System.arraycopy(b.x, r * 64, x, n * 64, 64);
        y[n++] = b.label[r];
      }
    }
    assertEquals(50, n);
    GaussianStats all = new GaussianStats(64);
    for (int r = 0; r < n; r++) all.add(x, r * 64);
    Scaler sc = Scaler.fit(Scaler.Kind.MINMAX, all);
    double[] coef = new double[10 * 64 + 10];
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < coef.length; i++) coef[i] = rnd.nextGaussian() * 0.1;
    SoftmaxAggregator dist = new LogisticPass.OnCluster(bucketed, 10, 64).train(new linprobe.plan.Subset(new linprobe.plan.SubsetId.Sampled(0, 4, 0, 5), 50, sc, null), 0, -1).sums(coef);
    SoftmaxAggregator local = LocalRows.of(x, y, n, 10, sc).sums(coef);
    assertEquals(50, dist.count());
    assertEquals(local.lossSum(), dist.lossSum(), 1e-9);
    assertArrayEquals(local.gradSum(), dist.gradSum(), 1e-9);
  }

  CurveOptions.Builder options(String train, String test, String out) {
    return CurveOptions.builder().train(train).test(test).out(out).shots("1,2,5,all").lrC(1)
        .seedList(0, 1).models("nb,nb-perclass,lr").quiet(true);
  }

  static String fitsWithoutTiming(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("fits.csv")).stream()
        .map(l -> l.substring(0, l.lastIndexOf(','))).collect(Collectors.joining("\n"));
  }

  @Test
  void aSizeThatTakesEveryRowIsFittedOnceAsAll() throws Exception {
    // 5 rows of each digit: 5 shots takes every row, whatever the seed; its fits would be copies
    // whose spread of 0 and paired differences make a verdict out of nothing
    Golden g = Golden.digits();
    String train = firstRows(tmp.resolve("balanced"), g.x, g.y, 10, 5);
    String test = writeParquet(tmp.resolve("btest").toString(), g.xEval, g.yEval, 64, 2);
    for (String shots : new String[] {"2,5", "2,5,all", "2,all"}) {
      CurveJob.Result r = runCurve(options(train, test, tmp.resolve("out" + shots).toString())
          .shots(shots).models("nb,lr").build());
      assertArrayEquals(new int[] {2}, r.shots(), shots);
      assertTrue(r.includeAll(), shots);
      assertEquals(0, r.fits().stream().filter(f -> f.shots() == 5).count(), shots);
      assertEquals(2, r.fits().stream().filter(f -> f.shots() == Fit.ALL).count(), shots);
      assertTrue(r.curve().comparisons().get(0).at(Fit.ALL).oneFit(), shots);
    }
    // the default grid, 1, 2, 5 here, ends at the smallest class: its 5 is all, too
    CurveJob.Result r = runCurve(CurveOptions.builder().train(train).test(test).lrC(1)
        .out(tmp.resolve("outDefault").toString()).seedList(0, 1).models("nb").quiet(true)
        .build());
    assertArrayEquals(new int[] {1, 2}, r.shots());
    assertTrue(r.includeAll());
    assertEquals(1, r.fits().stream().filter(f -> f.shots() == Fit.ALL).count());
    assertEquals(0, r.fits().stream().filter(f -> f.shots() == 5).count());
  }

  /** A table of the first per rows of each of the digits 0..classes-1. */
  static String firstRows(Path dir, float[] x, int[] y, int classes, int per) {
    int dim = 64, n = 0;
    int[] seen = new int[10];
    float[] xs = new float[classes * per * dim];
    int[] ys = new int[classes * per];
    for (int r = 0; r < y.length && n < ys.length; r++) {
      if (y[r] >= classes || seen[y[r]]++ >= per) continue;
      System.arraycopy(x, r * dim, xs, n * dim, dim);
      ys[n++] = y[r];
    }
    assertEquals(ys.length, n);
    return writeParquet(dir.toString(), xs, ys, dim, 2);
  }

  @Test
  void cvOnAllOfATinyTableSkipsFoldsWithoutRows() throws Exception {
    // 2 rows of each of 2 classes: of all's 5 folds only 2 have rows, one of each class (from
    // hashed folds this run once failed with ArrayIndexOutOfBoundsException, every C scored NaN)
    Golden g = Golden.digits();
    String train = firstRows(tmp.resolve("tiny"), g.x, g.y, 2, 2);
    String test = firstRows(tmp.resolve("tinyTest"), g.xEval, g.yEval, 2, 15);
    CurveJob.Result r = runCurve(CurveOptions.builder().train(train).test(test).lrC("auto")
        .shots("1,all").seedList(0, 1).models("lr").out(tmp.resolve("tinyOut").toString())
        .quiet(true).build());
    Fit all = r.fits().stream().filter(f -> f.shots() == Fit.ALL).findFirst().orElseThrow();
    assertEquals("cv", all.cSource(), "two folds with rows: C is chosen on them");
    assertTrue(Double.isFinite(all.error()) && Double.isFinite(all.c()), all.toString());
  }

  @Test
  void sameFitsForOneAndSevenInputPartitions() throws Exception {
    Golden g = Golden.digits();
    // the same rows, written as 1 file and as 7 files in another order
    String one = writeParquet(tmp.resolve("one").toString(), g.x, g.y, 64, 1);
    String seven = writeParquet(tmp.resolve("seven").toString(), g.x, g.y, 64, 7);
    String test = writeParquet(tmp.resolve("test").toString(), g.xEval, g.yEval, 64, 3);
    CurveJob.Result r1 = runCurve(options(one, test, tmp.resolve("out1").toString()).build());
    CurveJob.Result r7 = runCurve(options(seven, test, tmp.resolve("out7").toString()).build());
    int fits = r1.fits().size();
    assertEquals(3 * (2 * 3 + 1), fits);
    for (int i = 0; i < fits; i++) {
      var f1 = r1.fits().get(i);
      var f7 = r7.fits().get(i);
      // bit for bit, not only as printed
      assertEquals(f1.withoutTiming(), f7.withoutTiming());
      assertEquals(Double.doubleToLongBits(f1.logloss()), Double.doubleToLongBits(f7.logloss()));
    }
    String a = fitsWithoutTiming(tmp.resolve("out1"));
    String b = fitsWithoutTiming(tmp.resolve("out7"));
    assertEquals(a, b);
    assertTrue(a.lines().count() == fits + 1);
    for (String f : new String[] {"fits.csv", "curve.csv", "curve.md", "summary.json", "_SUCCESS",
        "fits", "curve"}) {
      assertTrue(Files.exists(tmp.resolve("out1").resolve(f)), f);
    }
  }

  @Test
  void aFailedRunReportsAfterItsWarmUpHasFinished() {
    // the warm-up may print (netlib, on a system without libblas.so.3): the failure, which the
    // command prints as its last line, must come after it
    AtomicBoolean done = new AtomicBoolean();
    Runnable real = CurveJob.warmUpTask;
    CurveJob.warmUpTask = () -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      done.set(true);
    };
    try {
      CurveOptions o = options(tmp.resolve("missing.parquet").toString(),
          dataSamples("digits", "test"), tmp.resolve("never").toString()).models("lr").build();
      assertThrows(RuntimeException.class,
          () -> new CurveJob(spark(), o, Progress.silent()).run());
      assertTrue(done.get(), "the failure came before the warm-up had finished");
    } finally {
      CurveJob.warmUpTask = real;
    }
  }

  @Test
  void fitsInsideTasksEqualDistributedFitsBitForBit() throws Exception {
    String train = dataSamples("digits", "train"), test = dataSamples("digits", "test");
    CurveOptions inTasks = options(train, test, tmp.resolve("tasks").toString()).models("lr")
        .partitions(3).build();
    CurveOptions distributed = options(train, test, tmp.resolve("dist").toString())
        .models(inTasks.models()).partitions(3).localFitMb(0).build();
    int[] jobs = new int[2];
    CurveJob.Result[] r = new CurveJob.Result[2];
    var lines = new java.io.ByteArrayOutputStream();
    Progress said = new Progress(new java.io.PrintStream(lines, true), false);
    jobs[0] = countJobs(() -> r[0] = new CurveJob(spark(), inTasks, said).run());
    jobs[1] = countJobs(() -> r[1] = new CurveJob(spark(), distributed, Progress.silent()).run());
    // the driver says how the chain tasks go while they run, each once, to the last
    List<String> chains = lines.toString().lines().filter(l -> l.contains("in-task fits: "))
        .map(l -> l.replaceAll(".*in-task fits: (\\d+ of \\d+) chains done.*", "$1")).toList();
    assertFalse(chains.isEmpty(), lines.toString());
    int n = Integer.parseInt(chains.get(0).split(" of ")[1]);
    List<String> expected = new java.util.ArrayList<>();
    for (int k = 1; k <= n; k++) expected.add(k + " of " + n);
    assertEquals(expected, chains);
    assertTrue(lines.toString().contains("chains done, about "), "a time-left estimate");
    for (int i = 0; i < r[0].fits().size(); i++) {
      assertEquals(r[0].fits().get(i).withoutTiming(), r[1].fits().get(i).withoutTiming());
    }
    int iterations = r[1].fits().stream().mapToInt(f -> f.iterations()).sum();
    // distributed: at least a job per L-BFGS evaluation; in tasks: a fixed handful of jobs
    assertTrue(jobs[1] > iterations, jobs[1] + " jobs for " + iterations + " iterations");
    assertTrue(jobs[0] <= 12, jobs[0] + " jobs");
  }

  @Test
  void float32FitsAreTheSameInTasksAndOnTheClusterAndAgreeWithDouble() throws Exception {
    String train = dataSamples("digits", "train"), test = dataSamples("digits", "test");
    CurveOptions f32 = options(train, test, tmp.resolve("f32").toString()).models("lr")
        .partitions(3).lrGemm("float32").build();
    CurveOptions f32OnCluster = options(train, test, tmp.resolve("f32c").toString())
        .models("lr").partitions(3).lrGemm("float32").localFitMb(0).build();
    CurveOptions f64 = options(train, test, tmp.resolve("f64").toString()).models("lr")
        .partitions(3).lrGemm("double").build();
    CurveJob.Result a = runCurve(f32), b = runCurve(f32OnCluster), c = runCurve(f64);
    int differ = 0;
    double maxError = 0, maxLogloss = 0;
    for (int i = 0; i < a.fits().size(); i++) {
      Fit x = a.fits().get(i), y = c.fits().get(i);
      // bit for bit wherever the fit ran
      assertEquals(x.withoutTiming(), b.fits().get(i).withoutTiming());
      if (x.logloss() != y.logloss()) differ++;
      maxError = Math.max(maxError, Math.abs(x.error() - y.error()));
      maxLogloss = Math.max(maxLogloss, Math.abs(x.logloss() - y.logloss()) / y.logloss());
    }
    System.out.printf("float32 vs double: %d of %d fits differ, error by at most %.5f, log-loss"
        + " by %.2e relative%n", differ, a.fits().size(), maxError, maxLogloss);
    assertTrue(differ > 0, "the float32 GEMMs were used");
    // the same test errors; log-loss as two runs to the tolerance (1e-6) from different starts
    assertEquals(0.0, maxError, "test error differs");
    assertTrue(maxLogloss <= 1e-5, "test log-loss differs by " + maxLogloss + " relative");
  }

  @Test
  void chosenCIsTheSameInTasksAndOnTheClusterAndForAnyFiles() throws Exception {
    chosenCIsTheSameInTasksAndOnTheClusterAndForAnyFiles("double");
  }

  /** The fold fits, their validation and the refits in float32: as location-proof. */
  @Test
  void float32FoldFitsChooseTheSameCInTasksAndOnTheCluster() throws Exception {
    chosenCIsTheSameInTasksAndOnTheClusterAndForAnyFiles("float32");
  }

  private void chosenCIsTheSameInTasksAndOnTheClusterAndForAnyFiles(String gemm)
      throws Exception {
    // C chosen by 2-, 3- and 5-fold cross-validation (2, 3, 5 shots); 1 shot falls back; the 3-
    // shot search starts from the 2-shot choice, on the cluster as in a task
    Golden g = Golden.digits();
    Path dir = tmp.resolve(gemm);
    String train = writeParquet(dir.resolve("one").toString(), g.x, g.y, 64, 1);
    String seven = writeParquet(dir.resolve("seven").toString(), g.x, g.y, 64, 7);
    String test = writeParquet(dir.resolve("test").toString(), g.xEval, g.yEval, 64, 2);
    CurveOptions inTasks = options(train, test, dir.resolve("t").toString()).models("lr")
        .shots("1,2,3,5").seedList(3).lrC("auto").lrCRange("1e-1..1e1").partitions(2)
        .lrGemm(gemm).build();
    // on the cluster a Spark job per L-BFGS evaluation: the nested 1- to 3-shot subsets only
    CurveOptions onCluster = inTasks.toBuilder().shots("1,2,3").localFitMb(0).build();
    CurveJob.Result a = new CurveJob(spark(), inTasks, Progress.silent()).run();
    CurveJob.Result b = new CurveJob(spark(), onCluster, Progress.silent()).run();
    assertEquals(3, b.fits().size());
    for (int i = 0; i < b.fits().size(); i++) {
      var fa = a.fits().get(i);
      var fb = b.fits().get(i);
      assertEquals(fa.c(), fb.c());
      assertEquals(fa.iterations(), fb.iterations());
      assertEquals(fa.error(), fb.error());
      // scoring stacks the run's models around their mean offset: 3 models here, 2 there
      assertEquals(fa.logloss(), fb.logloss(), 1e-13);
    }
    List<String> sources = a.fits().stream().map(f -> f.cSource()).toList();
    assertEquals(List.of("fallback", "cv", "cv", "cv"), sources);
    assertEquals(1.0, a.fits().get(0).c(), "1 shot: the fallback C");
    for (var f : a.fits().subList(1, 4)) {
      double grid = Math.log10(f.c()) * 8;
      assertEquals(Math.round(grid), grid, 1e-9, "a grid point: " + f.c());
      assertTrue(f.c() >= 1e-1 - 1e-15 && f.c() <= 1e1 + 1e-9, "within the range: " + f.c());
    }
    // the same rows in 7 files: the same folds, the same choices
    CurveJob.Result c = new CurveJob(spark(), inTasks.toBuilder().train(seven).build(),
        Progress.silent()).run();
    for (int i = 0; i < a.fits().size(); i++) {
      assertEquals(a.fits().get(i).c(), c.fits().get(i).c(), "C at " + a.fits().get(i).shots());
    }
  }

  @Test
  void foldFitsJobsOnTheClusterBelongToTheCallersJobGroup() throws Exception {
    // a notebook cancels a cell's jobs by its job group, a property of the thread that submits
    // them: the fold fits' rounds of sums (one job each over the cluster) must carry the
    // caller's, run after run, though the fits' threads are pooled and outlive a run
    String train = dataSamples("digits", "train"), test = dataSamples("digits", "test");
    CurveOptions o = options(train, test, tmp.resolve("groups").toString()).models("lr")
        .shots("3,5").seedList(0).lrC("auto").lrCRange("1e-1..1e1").localFitMb(0).build();
    var sc = spark().sparkContext();
    for (String group : new String[] {"cell-1", "cell-2"}) {
      List<String> groups = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      org.apache.spark.scheduler.SparkListener l = new org.apache.spark.scheduler.SparkListener() {
        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
          groups.add(String.valueOf(start.properties().getProperty("spark.jobGroup.id")));
        }
      };
      sc.listenerBus().waitUntilEmpty();
      sc.addSparkListener(l);
      sc.setJobGroup(group, "a notebook cell", false);
      try {
        CurveJob.Result r = new CurveJob(spark(), o, Progress.silent()).run();
        assertEquals(List.of("cv", "cv"), r.fits().stream().map(Fit::cSource).toList());
      } finally {
        sc.clearJobGroup();
        sc.listenerBus().waitUntilEmpty();
        sc.removeSparkListener(l);
      }
      assertTrue(groups.size() > 50, "a job per round of fold sums: " + groups.size());
      assertEquals(List.of(group), groups.stream().distinct().toList());
    }
  }

  @Test
  void warmStartReachesTheSameOptimum() throws Exception {
    String train = dataSamples("digits", "train"), test = dataSamples("digits", "test");
    CurveOptions cold = options(train, test, tmp.resolve("c").toString()).models("lr")
        .shots("5,10,20,50,100").lrTol(1e-9).lrWarmStart(false).build();
    CurveOptions warm = cold.toBuilder().out(tmp.resolve("w").toString()).lrWarmStart(true)
        .build();
    CurveJob.Result w = new CurveJob(spark(), warm, Progress.silent()).run();
    CurveJob.Result c = new CurveJob(spark(), cold, Progress.silent()).run();
    boolean differs = false;
    for (int i = 0; i < c.fits().size(); i++) {
      var fw = w.fits().get(i);
      var fc = c.fits().get(i);
      assertEquals(fc.logloss(), fw.logloss(), 1e-4, "same optimum at shots " + fc.shots());
      differs |= fw.shots() != 5 && fw.iterations() != fc.iterations();
    }
    assertTrue(differs, "warm starts took another path");
  }

  /** nb, nb-perclass and lr fitted on the first 30, 100 and 400 digits rows. */
  private static List<linprobe.math.LinearModel> digitsModels() {
    Golden g = Golden.digits();
    List<linprobe.math.LinearModel> models = new java.util.ArrayList<>();
    for (int n : new int[] {30, 100, 400}) {
      GaussianStats[] st = new GaussianStats[10];
      for (int c = 0; c < 10; c++) st[c] = new GaussianStats(64);
      for (int r = 0; r < n; r++) st[g.y[r]].add(g.x, r * 64);
      Scaler sc = Scaler.fit(Scaler.Kind.MINMAX, GaussianStats.pooled(st));
      models.add(linprobe.math.NaiveBayes.sharedVariance(st, sc, 1e-9));
      models.add(linprobe.math.NaiveBayes.perClassVariance(st, sc, 1e-9));
      models.add(LogisticRegression.fit(LocalRows.of(g.x, g.y, n, 10, sc), 10, 64,
          n, 1.0, 500, 1e-6, sc).model());
    }
    return models;
  }

  @Test
  void float32ScoringCountsWhatDoubleCounts() throws Exception {
    // the digits test set: no two classes' scores of a row are so close that float32's rounding
    // could reorder them, so every count is the same; the log-loss agrees to float32's precision.
    // (nb-perclass, quadratic, is scored in double either way: see ScoringPass.evaluate)
    List<linprobe.math.LinearModel> models = digitsModels();
    Embeddings test = load(dataSamples("digits", "test"), 2);
    double[][] exact = ScoringPass.evaluate(test, models, false);
    double[][] f32 = ScoringPass.evaluate(test, models, true);
    int rounded = 0;
    for (int i = 0; i < models.size(); i++) {
      if (exact[i][ScoringPass.CROSS_ENTROPY] != f32[i][ScoringPass.CROSS_ENTROPY]) rounded++;
      for (int j = 0; j < exact[i].length; j++) {
        if (j == ScoringPass.CROSS_ENTROPY) continue;
        assertEquals(exact[i][j], f32[i][j], "model " + i + ", count " + j);
      }
      double ce = exact[i][ScoringPass.CROSS_ENTROPY];
      assertEquals(ce, f32[i][ScoringPass.CROSS_ENTROPY], 1e-6 * ce, "log-loss of model " + i);
    }
    // the 6 linear models (nb, lr) went through sgemm: their log-loss is not double's to the bit
    assertEquals(6, rounded, "models scored in float32");
  }

  @Test
  void stackedEvaluationEqualsScoringEachModelAlone() throws Exception {
    List<linprobe.math.LinearModel> models = digitsModels();
    Embeddings test = load(dataSamples("digits", "test"), 2);
    double[][] got = ScoringPass.evaluate(test, models, false);
    // scored in passes of one stacked group each (as a thousand classes are; here the linear
    // models' group and the quadratic ones'): the same bits, one job per pass
    double[][][] inPasses = new double[1][][];
    assertEquals(2, countJobs(() -> inPasses[0] = ScoringPass.evaluate(test, models, 1, false)));
    for (int i = 0; i < models.size(); i++) assertArrayEquals(got[i], inPasses[0][i]);
    List<RowBlock> blocks = test.blocks().collect();
    for (int i = 0; i < models.size(); i++) {
      double errors = 0, ce = 0;
      for (RowBlock b : blocks) {
        for (int r = 0; r < b.n; r++) {
          double[] s = models.get(i).scores(java.util.Arrays.copyOfRange(b.x, r * 64, r * 64 + 64));
          if (linprobe.math.Softmax.argmax(s, 0, 10) != b.label[r]) errors++;
          double sy = s[b.label[r]];
          ce += Math.min(linprobe.math.Softmax.softmaxInPlace(s, 0, 10) - sy,
              linprobe.math.Softmax.MAX_CROSS_ENTROPY);
        }
      }
      assertEquals(errors, got[i][0], "errors of model " + i);
      assertEquals(ce, got[i][1], 1e-9 * Math.max(1, ce), "log-loss of model " + i);
    }
  }

  @Test
  void canonicalPartitionCountDoesNotChangeTheNumbers() throws Exception {
    String train = dataSamples("digits", "train"), test = dataSamples("digits", "test");
    CurveOptions a = options(train, test, tmp.resolve("p1").toString()).partitions(1).build();
    CurveOptions b = options(train, test, tmp.resolve("p5").toString()).partitions(5).build();
    runCurve(a);
    runCurve(b);
    // rows are ranked by (seed, identity): the same subsets and the same models either way;
    // sums are grouped differently, so compare numbers, not text
    List<String> la = Files.readAllLines(tmp.resolve("p1/fits.csv"));
    List<String> lb = Files.readAllLines(tmp.resolve("p5/fits.csv"));
    assertEquals(la.size(), lb.size());
    for (int i = 1; i < la.size(); i++) {
      String[] x = la.get(i).split(","), y = lb.get(i).split(",");
      assertEquals(x[3], y[3], "n_train");
      assertEquals(Double.parseDouble(x[4]), Double.parseDouble(y[4]), 2.0 / 599, "error");
      assertEquals(Double.parseDouble(x[5]), Double.parseDouble(y[5]), 1e-3, "logloss");
    }
  }

  @Test
  void classSmallerThanTheShotsIsAClearError() {
    String train = dataSamples("digits", "train"), test = dataSamples("digits", "test");
    CurveOptions o = options(train, test, tmp.resolve("x").toString()).shots("5,500").build();
    LinprobeException e = assertThrows(LinprobeException.class,
        () -> new CurveJob(spark(), o, Progress.silent()).run());
    assertTrue(e.getMessage().matches("class '\\d' has only 11\\d training rows, fewer than the "
        + "500 shots requested.*"), e.getMessage());
  }

  @Test
  void localFitBudgetKeepsTheDoubleCopyOneJavaArray() {
    CurveOptions o = options("a", "b", "c").localFitMb(64).build();
    assertEquals(64L << 20, new CurveJob(spark(), o, Progress.silent()).localFitBudget());
    // 100 GB of float32 rows would be 200 GB of doubles
    CurveOptions huge = o.toBuilder().localFitMb(100_000).build();
    long capped = new CurveJob(spark(), huge, Progress.silent()).localFitBudget();
    assertTrue(capped / 4 <= Integer.MAX_VALUE - 8, "rows x dim doubles fit one array");
    assertTrue(capped > 8_000L << 20, "the cap is not lower than it must be");
  }

  @Test
  void aFailedRunLeavesNothingCached() {
    String train = dataSamples("digits", "train"), test = dataSamples("digits", "test");
    var before = new java.util.HashSet<>(org.apache.spark.api.java.JavaSparkContext
        .fromSparkContext(spark().sparkContext()).getPersistentRDDs().keySet());
    CurveOptions o = options(train, test, tmp.resolve("x").toString()).shots("5,500").build();
    assertThrows(LinprobeException.class, () -> new CurveJob(spark(), o, Progress.silent()).run());
    // and one that fails while laying the tables out: a test class the training data lacks
    float[] x = new float[3 * 64];
    String odd = writeParquet(tmp.resolve("odd.parquet").toString(), x, new int[] {1, 2, 99}, 64,
        1);
    CurveOptions o2 = options(train, odd, tmp.resolve("y").toString()).build();
    LinprobeException e = assertThrows(LinprobeException.class,
        () -> new CurveJob(spark(), o2, Progress.silent()).run());
    assertTrue(e.getMessage().startsWith("test class '99'"), e.getMessage());
    var after = new java.util.HashSet<>(org.apache.spark.api.java.JavaSparkContext
        .fromSparkContext(spark().sparkContext()).getPersistentRDDs().keySet());
    after.removeAll(before);
    assertEquals(java.util.Set.of(), after, "cached RDDs left by the failed run");
  }

  @Test
  void eachInputTableIsReadOnce() throws Exception {
    // records read as task input: a Parquet scan counts rows; a read of a cached partition
    // counts its objects (blocks of rows), so reading either table twice would add its rows
    java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();
    org.apache.spark.scheduler.SparkListener l = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
        if (e.taskMetrics() != null) records.addAndGet(e.taskMetrics().inputMetrics().recordsRead());
      }
    };
    var sc = spark().sparkContext();
    sc.listenerBus().waitUntilEmpty();
    sc.addSparkListener(l);
    CurveJob.Result r;
    try {
      CurveOptions o = options(dataSamples("digits", "train"), dataSamples("digits", "test"),
          tmp.resolve("once").toString()).build();
      r = new CurveJob(spark(), o, Progress.silent()).run();
      sc.listenerBus().waitUntilEmpty();
    } finally {
      sc.removeSparkListener(l);
    }
    long rows = r.train().rows() + r.test().rows();
    assertTrue(records.get() >= rows && records.get() < rows + rows / 4,
        records.get() + " records read for " + rows + " rows: each table read once");
  }

  @Test
  void existingOutputIsRefusedUnlessOverwrite() throws Exception {
    Path out = tmp.resolve("taken");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "mine");
    LinprobeException e = assertThrows(LinprobeException.class,
        () -> OutputDir.check(out.toString(), false, spark().sparkContext().hadoopConfiguration()));
    assertTrue(e.getMessage().contains("--overwrite"));
    assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    Files.writeString(out.resolve("_SUCCESS"), ""); // an earlier run's finished output
    CurveOptions o = options(dataSamples("digits", "train"), dataSamples("digits", "test"),
        out.toString()).overwrite(true).models("nb").build();
    runCurve(o);
    assertFalse(Files.exists(out.resolve("keep.txt")));
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    File[] leftovers = tmp.toFile().listFiles((d, name) -> name.contains(".linprobe-"));
    assertEquals(0, leftovers.length, "no staging directory left behind");
  }
}
