package linprobe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import linprobe.LinprobeException;
import linprobe.math.Preconditioner;
import linprobe.math.Scaler;
import linprobe.plan.FitResult;
import linprobe.plan.Subset;
import linprobe.plan.SubsetId;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record of finished fits that --resume reads: a round trip, and when it refuses. */
class FitStoreTest {
  @TempDir Path tmp;

  static Subset subset(SubsetId id) {
    Scaler sc = new Scaler(new double[] {0.5, -1}, new double[] {2, 0.25});
    return new Subset(id, 20, sc, new Preconditioner(new double[2], new double[] {1, 1}));
  }

  @Test
  void aRecordedFitComesBackExactlyAndNothingElseDoes() {
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(tmp.resolve("out").toString());
    FitStore store = FitStore.open(out, "fp", false, false, new Configuration());
    Subset s = subset(new SubsetId.Sampled(1, 7, 2, 5));
    double[] x = {0.1, -0.2, 0.3, 1e-300, 0.25, Math.PI}; // 2 classes x 2 dims, then 2 biases
    assertNull(store.find(s, 2));
    assertFalse(Files.exists(tmp.resolve(".out.linprobe-fits")), "nothing written before a fit");
    store.record(FitResult.logistic(s, 2, x, 17, false, 123));
    FitResult back = store.find(s, 2);
    assertArrayEquals(x, back.solution(), 0);
    assertEquals(17, back.iterations());
    assertFalse(back.converged());
    assertEquals(123, back.fitMs());
    assertArrayEquals(new double[] {0.1, -0.2, 0.3, 1e-300}, back.fitted().weights(), 0);
    assertArrayEquals(new double[] {0.25, Math.PI}, back.fitted().bias(), 0);
    assertEquals(s.scaler(), back.fitted().scaler());
    assertNull(store.find(subset(new SubsetId.Sampled(1, 7, 1, 2)), 2), "another subset");
    assertNull(store.find(subset(new SubsetId.All()), 2), "all");
    assertEquals(1, store.count());
  }

  @Test
  void aFitRecordedTwiceIsKeptOnceWithNothingBesideIt() throws Exception {
    // a retried Spark task records its fits again (HdfsIT does the same on HDFS, and races two
    // writers)
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(tmp.resolve("twice").toString());
    FitStore store = FitStore.open(out, "fp", false, false, new Configuration());
    Subset s = subset(new SubsetId.Sampled(0, 3, 1, 5));
    store.record(FitResult.logistic(s, 2, new double[6], 4, true, 10));
    store.record(FitResult.logistic(s, 2, new double[6], 4, true, 12));
    assertEquals(4, store.find(s, 2).iterations());
    try (var left = Files.list(tmp.resolve(".twice.linprobe-fits"))) {
      assertEquals(java.util.List.of(".fingerprint.crc", "." + FitStore.name(s) + ".crc",
          "fingerprint", FitStore.name(s)), left.map(p -> p.getFileName().toString()).sorted()
          .toList());
    }
  }

  @Test
  void theTimeLeftCountsOnlyTheFitsStillToMake() {
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(tmp.resolve("left").toString());
    FitStore store = FitStore.open(out, "fp", false, false, new Configuration());
    Subset one = new Subset(new SubsetId.Sampled(0, 0, 0, 1), 2, subset(null).scaler(),
        subset(null).preconditioner());
    Subset five = new Subset(new SubsetId.Sampled(0, 0, 1, 5), 10, subset(null).scaler(),
        subset(null).preconditioner());
    Subset ten = new Subset(new SubsetId.Sampled(0, 0, 2, 10), 20, subset(null).scaler(),
        subset(null).preconditioner());
    linprobe.plan.LrChain chain = new linprobe.plan.LrChain(java.util.List.of(one, five, ten),
        new linprobe.plan.LrChain.Settings(2, 2, 1, 100, 1e-6, false, null, false));
    assertEquals(32, CurveJob.workToDo(chain, 0, 3, store.recorded()));
    store.record(FitResult.logistic(five, 2, new double[6], 1, true, 1));
    java.util.Set<String> kept = store.recorded();
    assertTrue(FitStore.isRecorded(kept, five));
    assertFalse(FitStore.isRecorded(kept, ten));
    assertEquals(22, CurveJob.workToDo(chain, 0, 3, kept));
    assertEquals(20, CurveJob.workToDo(chain, 1, 3, kept));
    assertEquals(1, store.count());
  }

  @Test
  void anUnfinishedRecordIsRefusedWithoutResumeAndOnOtherSettings() {
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(tmp.resolve("out").toString());
    Configuration conf = new Configuration();
    Subset s = subset(new SubsetId.All());
    FitStore.open(out, "fp", false, false, conf)
        .record(FitResult.logistic(s, 2, new double[6], 1, true, 1));
    assertThrows(LinprobeException.class, () -> FitStore.open(out, "fp", false, false, conf));
    assertThrows(LinprobeException.class, () -> FitStore.open(out, "other", true, false, conf));
    FitStore resumed = FitStore.open(out, "fp", true, false, conf);
    assertEquals(1, resumed.count());
    FitStore fresh = FitStore.open(out, "fp", false, true, conf); // --overwrite starts over
    assertEquals(0, fresh.count());
    assertTrue(fresh.find(s, 2) == null);
  }

  @Test
  void aFitOfAnotherRunIsNeverUsed() {
    // two runs into one --out that opened the record before either wrote (what the lock now
    // prevents): the second must not take the first one's fit as its own
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(tmp.resolve("out").toString());
    Configuration conf = new Configuration();
    FitStore first = FitStore.open(out, "run A", false, false, conf);
    FitStore second = FitStore.open(out, "run B", false, false, conf);
    Subset s = subset(new SubsetId.All());
    first.record(FitResult.logistic(s, 2, new double[6], 1, true, 1));
    LinprobeException e = assertThrows(LinprobeException.class, () -> second.find(s, 2));
    assertTrue(e.getMessage().contains("holds a fit of another run"), e.getMessage());
  }
}
