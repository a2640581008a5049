package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import linprobe.math.GaussianStats;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The naive Bayes pass at many classes: the numbers are bit for bit those of the dense grid
 * merged on the driver in partition order (the pass before the statistics were merged on
 * executors), whether the results come back in one job or a seed at a time, and what comes back
 * per task is one seed's subsets, not a partition's whole grid.
 */
class NaiveBayesPassTest extends SparkTestBase {
  static final int K = 300;
  static final int D = 24;
  static final int PER_CLASS = 12;
  static final int[] SHOTS = {1, 2, 5};
  static final long[] SEEDS = {0, 1, 2};
  @TempDir static Path tmp;
  static JavaRDD<RowBlock> bucketed;

  @BeforeAll
  static void data() {
    Random rnd = new Random(11);
    int n = K * PER_CLASS;
    float[] x = new float[n * D];
    int[] y = new int[n];
    for (int r = 0; r < n; r++) {
      y[r] = r % K;
      for (int j = 0; j < D; j++) x[r * D + j] = (float) (100 + y[r] * 0.01 + rnd.nextGaussian());
    }
    String path = writeParquet(tmp.resolve("train").toString(), x, y, D, 2);
    EmbeddingSource src = new EmbeddingSource(spark(), "embedding", "label", null, false);
    EmbeddingSource.Profile p = src.profile(path, "train");
    Embeddings train = src.load(p, p.labels(), 3, EmbeddingSource.ROWS_PER_PARTITION);
    bucketed = SubsetRanking.bucketed(train, SubsetRanking.plan(train, SHOTS, SEEDS));
  }

  /**
   * The pass this one replaced: per canonical partition, dense Gaussian statistics of every
   * (seed, class, bucket) cell it has rows in and of every class, merged on the driver in
   * partition order; a subset is the merge of its buckets in order.
   */
  static List<GaussianStats[]> reference() {
    int s = SEEDS.length, nb = SHOTS.length;
    GaussianStats[][][] cells = new GaussianStats[s][K][nb];
    GaussianStats[] all = new GaussianStats[K];
    for (int c = 0; c < K; c++) all[c] = new GaussianStats(D);
    for (List<RowBlock> part : bucketed.glom().collect()) {
      GaussianStats[][][] pc = new GaussianStats[s][K][nb];
      GaussianStats[] pa = new GaussianStats[K];
      for (int c = 0; c < K; c++) pa[c] = new GaussianStats(D);
      for (RowBlock b : part) {
        for (int r = 0; r < b.n; r++) {
          int c = b.label[r];
          pa[c].add(b.x, r * D);
          for (int i = 0; i < s; i++) {
            int bucket = b.buckets[i][r];
            if (bucket >= nb) continue;
            if (pc[i][c][bucket] == null) pc[i][c][bucket] = new GaussianStats(D);
            pc[i][c][bucket].add(b.x, r * D);
          }
        }
      }
      for (int c = 0; c < K; c++) all[c].merge(pa[c]);
      for (int i = 0; i < s; i++) {
        for (int c = 0; c < K; c++) {
          for (int bucket = 0; bucket < nb; bucket++) {
            if (pc[i][c][bucket] == null) continue;
            if (cells[i][c][bucket] == null) cells[i][c][bucket] = new GaussianStats(D);
            cells[i][c][bucket].merge(pc[i][c][bucket]);
          }
        }
      }
    }
    List<GaussianStats[]> out = new ArrayList<>();
    for (int i = 0; i < s; i++) {
      for (int bucket = 0; bucket < nb; bucket++) {
        GaussianStats[] sub = new GaussianStats[K];
        for (int c = 0; c < K; c++) {
          sub[c] = new GaussianStats(D);
          for (int b = 0; b <= bucket; b++) if (cells[i][c][b] != null) sub[c].merge(cells[i][c][b]);
        }
        out.add(sub);
      }
    }
    GaussianStats[] a = new GaussianStats[K];
    for (int c = 0; c < K; c++) a[c] = all[c].copy();
    out.add(a);
    return out;
  }

  static List<NaiveBayesPass.SubsetStats> pass(long oneJob, int allGroup) {
    List<NaiveBayesPass.SubsetStats> out = new ArrayList<>();
    // two tasks' results per job where they are fetched in groups (the last group may be one)
    NaiveBayesPass.statistics(bucketed, SEEDS.length, K, SHOTS.length, D, true, oneJob, allGroup,
        2).forEachRemaining(out::add);
    return out;
  }

  static void assertSameBits(List<GaussianStats[]> expect, List<NaiveBayesPass.SubsetStats> got) {
    assertEquals(expect.size(), got.size());
    for (int i = 0; i < expect.size(); i++) {
      NaiveBayesPass.SubsetStats g = got.get(i);
      boolean isAll = i == expect.size() - 1;
      assertEquals(isAll ? -1 : i / SHOTS.length, g.seedIndex());
      if (!isAll) assertEquals(i % SHOTS.length, g.bucket());
      // without a tolerance: JUnit compares doubles by their bits
      GaussianStats ep = GaussianStats.pooled(expect.get(i));
      assertEquals(ep.count(), g.pooled().count());
      assertArrayEquals(ep.mean(), g.pooled().mean());
      assertArrayEquals(ep.m2(), g.pooled().m2());
      assertArrayEquals(ep.min(), g.pooled().min());
      assertArrayEquals(ep.max(), g.pooled().max());
      // per class what naive Bayes reads; a sampled subset's classes come without their range
      assertEquals(isAll, g.perClass()[0].hasRange());
      for (int c = 0; c < K; c++) {
        GaussianStats e = expect.get(i)[c], a = g.perClass()[c];
        String at = "subset " + i + " class " + c;
        assertEquals(e.count(), a.count(), at);
        assertArrayEquals(e.mean(), a.mean(), at);
        assertArrayEquals(e.m2(), a.m2(), at);
        if (isAll) {
          assertArrayEquals(e.min(), a.min(), at);
          assertArrayEquals(e.max(), a.max(), at);
        }
      }
    }
  }

  @Test
  void sameBitsAsTheDenseGridMergedOnTheDriverWhereverTheCellsAreMerged() {
    List<GaussianStats[]> expect = reference();
    assertEquals(SHOTS[2], expect.get(2)[7].count(), "stratified: 5 shots of every class");
    // merged on the driver (a small grid), on executors fetched in one job, seed by seed
    assertSameBits(expect, pass(Long.MAX_VALUE, K));
    assertSameBits(expect, pass(2L << 20, K));
    assertSameBits(expect, pass(0, 64));
  }

  @Test
  void theRowsAreReadOnceAndNoTaskReturnsMoreThanOneSeedsSubsets() throws Exception {
    AtomicInteger mapStages = new AtomicInteger();
    AtomicInteger jobs = new AtomicInteger();
    AtomicLong largestResult = new AtomicLong();
    SparkListener l = new SparkListener() {
      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted e) {
        if (e.stageInfo().shuffleDepId().isDefined()) mapStages.incrementAndGet();
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd e) {
        if (e.taskMetrics() != null) {
          largestResult.accumulateAndGet(e.taskMetrics().resultSize(), Math::max);
        }
      }
    };
    var sc = spark().sparkContext();
    bucketed.count(); // cached before: only the pass is measured
    sc.listenerBus().waitUntilEmpty();
    sc.addSparkListener(l);
    try {
      jobs.set(countJobs(() -> pass(0, 64)));
    } finally {
      sc.listenerBus().waitUntilEmpty();
      sc.removeSparkListener(l);
    }
    // one task per seed, five for "all" (64 classes each): two tasks per job (the last job one),
    // one pass over the rows
    assertEquals((SEEDS.length + 5 + 1) / 2, jobs.get());
    assertEquals(1, mapStages.get());
    // a seed's task returns its 3 subsets' statistics: 3 x 300 classes x 2 x 24 doubles
    long oneSeed = (long) SHOTS.length * K * 2 * D * 8;
    assertTrue(largestResult.get() < 1.5 * oneSeed,
        "largest task result " + largestResult.get() + " bytes, one seed's subsets " + oneSeed);
    // a partition's dense grid, what each task returned before: 3 seeds x 3 buckets x 300
    // classes x 4 x 24 doubles, on the driver all at once
    long denseGrid = (long) SEEDS.length * SHOTS.length * K * 4 * D * 8;
    assertTrue(largestResult.get() < denseGrid / 5);
  }
}
