package linprobe.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import linprobe.CurveOptions;
import linprobe.CurveOptions.Model;
import linprobe.LinprobeException;
import linprobe.curve.Fit;
import linprobe.curve.LearningCurve;
import linprobe.math.Blas;
import linprobe.math.GaussianStats;
import linprobe.math.LinearModel;
import linprobe.math.LogisticRegression;
import linprobe.math.NaiveBayes;
import linprobe.math.Scaler;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * The learning-curve run: validate and lay out train and test, rank subsets, gather naive Bayes
 * statistics for the whole grid in one pass, fit logistic regression per subset by distributed
 * L-BFGS, and score every model on the test set in one pass.
 */
public final class CurveJob {
  /** NB variance smoothing relative to the largest feature variance (scikit-learn's default). */
  public static final double PERCLASS_VAR_SMOOTHING = 1e-9;

  private final SparkSession spark;
  private final CurveOptions o;
  private final Progress progress;

  public CurveJob(SparkSession spark, CurveOptions options, Progress progress) {
    this.spark = spark;
    this.o = options;
    this.progress = progress;
  }

  /** What a run produced, before anything is written. */
  public record Result(List<Fit> fits, LearningCurve curve, Embeddings train, Embeddings test,
      List<Object> classes, int[] shots, boolean includeAll, long runtimeMs, String blas) {}

  public Result run() {
    long t0 = System.currentTimeMillis();
    o.validate();
    EmbeddingSource source = new EmbeddingSource(spark, o.featuresCol, o.labelCol, o.idCol,
        o.dropInvalid);
    progress.stage("reading and validating " + o.train);
    EmbeddingSource.Profile trainProfile = source.profile(o.train, "train");
    progress.stage("reading and validating " + o.test);
    EmbeddingSource.Profile testProfile = source.profile(o.test, "test");
    if (trainProfile.dim() != testProfile.dim()) {
      throw new LinprobeException("train embeddings have dimension " + trainProfile.dim()
          + " but test embeddings have " + testProfile.dim()
          + ": both must come from the same model and layer");
    }
    if (trainProfile.labels().size() < 2) {
      throw new LinprobeException("train data has only one class ('"
          + trainProfile.labels().get(0) + "'): a classifier needs at least two");
    }
    List<Object> classes = trainProfile.labels();
    long[] counts = trainProfile.counts();
    int[] shots = o.shots != null ? o.shots : CurveOptions.defaultShots(min(counts));
    boolean includeAll = o.shots == null || o.includeAll;
    checkShots(shots, classes, counts);

    progress.stage("laying out " + Arrays.stream(counts).sum() + " training rows");
    Embeddings train = source.load(trainProfile, classes, o.partitions);
    Embeddings test = source.load(testProfile, classes, o.partitions);
    int k = classes.size(), d = train.dim();
    long[] seeds = o.seeds;

    progress.stage("ranking subsets for " + seeds.length + " seeds");
    SubsetPlan plan = Passes.plan(train, shots, seeds);
    JavaRDD<RowBlock> bucketed = Passes.bucketed(train, plan);
    progress.stage("naive Bayes statistics for the whole grid (one pass)");
    GridStats grid = Passes.nbStats(bucketed, seeds.length, k, shots.length, d);
    train.blocks().unpersist(false);

    List<Model> models = o.models;
    int lrFits = models.contains(Model.LR) ? seeds.length * shots.length + (includeAll ? 1 : 0) : 0;
    int nbFits = (int) models.stream().filter(Model::isNaiveBayes).count()
        * (seeds.length * shots.length + (includeAll ? 1 : 0));
    progress.start(nbFits + lrFits);

    List<Fit> pending = new ArrayList<>();
    List<LinearModel> fitted = new ArrayList<>();
    for (int si = 0; si < seeds.length; si++) {
      for (int b = 0; b < shots.length; b++) {
        GaussianStats[] st = grid.subset(si, b);
        fitAll(models, st, bucketed, si, b, shots[b], seeds[si], pending, fitted);
      }
    }
    if (includeAll) fitAll(models, grid.all(), bucketed, -1, shots.length, Fit.ALL, -1, pending,
        fitted);

    progress.stage("scoring " + fitted.size() + " models on " + test.rows()
        + " test rows (one pass)");
    double[][] eval = Passes.evaluate(test, fitted);
    List<Fit> fits = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      Fit p = pending.get(i);
      fits.add(new Fit(p.model(), p.shots(), p.seed(), p.nTrain(), eval[i][0] / test.rows(),
          eval[i][1] / test.rows(), p.iterations(), p.converged(), p.fitMs()));
    }
    bucketed.unpersist(false);
    test.blocks().unpersist(false);
    List<String> names = models.stream().map(m -> m.id).toList();
    return new Result(fits, LearningCurve.of(fits, names), train, test, classes, shots, includeAll,
        System.currentTimeMillis() - t0, Blas.implementation());
  }

  private void fitAll(List<Model> models, GaussianStats[] st, JavaRDD<RowBlock> bucketed,
      int seedIndex, int maxBucket, int shots, long seed, List<Fit> pending,
      List<LinearModel> fitted) {
    GaussianStats pooled = GaussianStats.pooled(st);
    long n = pooled.count();
    Scaler scaler = Scaler.fit(o.scaling, pooled);
    int k = st.length, d = pooled.dim();
    for (Model m : models) {
      long t = System.currentTimeMillis();
      LinearModel model;
      int iterations = 0;
      boolean converged = true;
      switch (m) {
        case NB -> model = NaiveBayes.sharedVariance(st, scaler, o.nbEpsilon);
        case NB_PERCLASS -> model = NaiveBayes.perClassVariance(st, scaler, PERCLASS_VAR_SMOOTHING);
        default -> {
          LogisticRegression.Result r = LogisticRegression.fit(
              Passes.softmaxTerm(bucketed, seedIndex, maxBucket, k, d, scaler), k, d, n, o.lrC,
              o.lrMaxIter, o.lrTol, scaler);
          model = r.model();
          iterations = r.lbfgs().iterations();
          converged = r.lbfgs().converged();
        }
      }
      long ms = System.currentTimeMillis() - t;
      pending.add(new Fit(m.id, shots, seed, n, Double.NaN, Double.NaN, iterations, converged, ms));
      fitted.add(model);
      progress.fitted(m.id, seed, Fit.shotsLabel(shots), n, iterations, converged, ms);
    }
  }

  private static void checkShots(int[] shots, List<Object> classes, long[] counts) {
    if (shots.length == 0) return;
    int max = shots[shots.length - 1];
    int worst = -1;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] < max && (worst < 0 || counts[c] < counts[worst])) worst = c;
    }
    if (worst >= 0) {
      throw new LinprobeException("class '" + classes.get(worst) + "' has only " + counts[worst]
          + " training rows, fewer than the " + max + " shots requested: lower --shots to at most "
          + counts[worst] + " (or use 'all')");
    }
  }

  private static long min(long[] v) {
    return Arrays.stream(v).min().orElse(0);
  }
}
