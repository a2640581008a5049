package linprobe.curve;

import java.util.ArrayList;
import java.util.List;

/**
 * A fitted probe's numbers on the test set, from the one scoring pass.
 *
 * @param error 0-1 test error
 * @param logloss mean cross-entropy (probabilities clipped at the machine epsilon)
 * @param top5Error share of test rows whose true class is not among the 5 highest scores; NaN
 *     with 5 classes or fewer (every class is among the top 5)
 * @param balancedError 1 - the mean of the per-class recalls over the classes present in the
 *     test set (CLIP_benchmark's 1 - mean_per_class_recall)
 * @param recall per class index: correctly classified test rows of the class / its test rows;
 *     NaN for a class with no test rows
 */
public record Scores(double error, double logloss, double top5Error, double balancedError,
    List<Double> recall) {
  /** The top-k of top-k error. */
  public static final int TOP = 5;

  public Scores {
    recall = List.copyOf(recall);
  }

  /**
   * The rates from a model's counts over the test rows.
   *
   * @param misclassified test rows whose highest score is not the true class
   * @param crossEntropy summed clipped cross-entropy
   * @param top5Misses test rows whose true class is not among the 5 highest scores
   * @param correct per class: test rows of the class classified correctly
   * @param classCounts per class: test rows of the class
   * @param rows test rows
   */
  public static Scores of(double misclassified, double crossEntropy, double top5Misses,
      double[] correct, long[] classCounts, long rows) {
    List<Double> recall = new ArrayList<>(classCounts.length);
    double sum = 0;
    int present = 0;
    for (int c = 0; c < classCounts.length; c++) {
      if (classCounts[c] == 0) {
        recall.add(Double.NaN);
        continue;
      }
      double r = correct[c] / classCounts[c];
      recall.add(r);
      sum += r;
      present++;
    }
    return new Scores(misclassified / rows, crossEntropy / rows,
        classCounts.length > TOP ? top5Misses / rows : Double.NaN,
        present == 0 ? Double.NaN : 1 - sum / present, recall);
  }
}
