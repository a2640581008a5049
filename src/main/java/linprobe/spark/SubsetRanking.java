package linprobe.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/** The stage that draws every seed's nested subsets: one ranking job, then rows get buckets. */
public final class SubsetRanking {
  private SubsetRanking() {}

  /**
   * The most training rows whose every row the first seed ranks when "all" chooses C by
   * cross-validation (its folds then stratified by that rank): 16 bytes a row reach the driver
   * and every task, 16 MB at this limit. Beyond it, all's folds come from a hash of the row's
   * identity (its classes then have tens of thousands of rows or more a fold, which a hash
   * splits within a percent or so of evenly).
   */
  public static final long RANK_EVERY_ROW_LIMIT = 1_000_000;

  /** Ranks the training rows of every (seed, class): one job, a bounded top-k per partition. */
  public static SubsetPlan plan(Embeddings train, int[] shots, long[] seeds) {
    return plan(train, shots, seeds, false);
  }

  /**
   * The same, with the first seed ranking every row of its class when everyRowOfFirstSeed
   * ("all" chooses C on stratified folds; see {@link #RANK_EVERY_ROW_LIMIT}).
   */
  public static SubsetPlan plan(Embeddings train, int[] shots, long[] seeds,
      boolean everyRowOfFirstSeed) {
    int k = train.classes();
    int capacity = shots.length == 0 ? 0 : shots[shots.length - 1];
    long[] seedList = seeds.clone();
    SubsetPlan.Ranking ranking = OrderedAggregate.of(train.blocks(),
        () -> new SubsetPlan.Ranking(seedList, k, capacity, everyRowOfFirstSeed),
        SubsetPlan.Ranking::add);
    return SubsetPlan.from(shots, seedList, ranking);
  }

  /** The training blocks with every row's bucket for every seed, cached. */
  public static JavaRDD<RowBlock> bucketed(Embeddings train, SubsetPlan plan) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(train.blocks().context());
    Broadcast<SubsetPlan> bPlan = jsc.broadcast(plan);
    JavaRDD<RowBlock> out = train.blocks().map(b -> bPlan.value().ranked(b));
    return out.persist(StorageLevel.MEMORY_AND_DISK());
  }
}
