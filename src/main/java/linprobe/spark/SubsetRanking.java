package linprobe.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/** The stage that draws every seed's nested subsets: one ranking job, then rows get buckets. */
public final class SubsetRanking {
  private SubsetRanking() {}

  /** Ranks the training rows of every (seed, class): one job, a bounded top-k per partition. */
  public static SubsetPlan plan(Embeddings train, int[] shots, long[] seeds) {
    int k = train.classes();
    int capacity = shots.length == 0 ? 0 : shots[shots.length - 1];
    long[] seedList = seeds.clone();
    SubsetPlan.Ranking ranking = OrderedAggregate.of(train.blocks(),
        () -> new SubsetPlan.Ranking(seedList, k, capacity), SubsetPlan.Ranking::add);
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
