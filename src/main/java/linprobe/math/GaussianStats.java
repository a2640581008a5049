package linprobe.math;

import java.util.Arrays;

/**
 * Mergeable sufficient statistics of one class: count, per-feature mean, M2 (sum of squared
 * deviations from the mean), min and max. Rows are added by Welford's update and states are
 * merged by Chan, Golub and LeVeque's parallel formula, never by "sum of squares minus squared
 * mean", which cancels catastrophically on embeddings with a large offset.
 */
public final class GaussianStats implements Mergeable<GaussianStats> {
  private static final long serialVersionUID = 1L;

  private long count;
  private final double[] mean;
  private final double[] m2;
  private final double[] min;
  private final double[] max;

  public GaussianStats(int dim) {
    this.mean = new double[dim];
    this.m2 = new double[dim];
    this.min = new double[dim];
    this.max = new double[dim];
    Arrays.fill(min, Double.POSITIVE_INFINITY);
    Arrays.fill(max, Double.NEGATIVE_INFINITY);
  }

  private GaussianStats(long count, double[] mean, double[] m2) {
    this.count = count;
    this.mean = mean;
    this.m2 = m2;
    this.min = null;
    this.max = null;
  }

  /**
   * Count, mean and M2 without min and max, sharing this one's arrays: what naive Bayes needs
   * of a class (its range matters only pooled over the classes, for the scaler), half the bytes
   * to ship. Such statistics merge only with others without their range.
   */
  public GaussianStats withoutRange() {
    return new GaussianStats(count, mean, m2);
  }

  /** Whether min and max are known (not dropped by {@link #withoutRange}). */
  public boolean hasRange() {
    return min != null;
  }

  public int dim() {
    return mean.length;
  }

  public long count() {
    return count;
  }

  public double[] mean() {
    return mean;
  }

  public double[] m2() {
    return m2;
  }

  /** Per-feature minimum; null without the range ({@link #withoutRange}). */
  public double[] min() {
    return min;
  }

  /** Per-feature maximum; null without the range ({@link #withoutRange}). */
  public double[] max() {
    return max;
  }

  /** Adds the row stored at x[offset .. offset + dim). */
  public GaussianStats add(float[] x, int offset) {
    count++;
    double inv = 1.0 / count;
    for (int j = 0; j < mean.length; j++) {
      double v = x[offset + j];
      double delta = v - mean[j];
      mean[j] += delta * inv;
      m2[j] += delta * (v - mean[j]);
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
    return this;
  }

  public GaussianStats add(double[] x) {
    float[] f = new float[x.length];
    for (int j = 0; j < x.length; j++) f[j] = (float) x[j];
    return add(f, 0);
  }

  /** Merges other into this (Chan et al.); other is left unchanged. */
  @Override
  public GaussianStats merge(GaussianStats other) {
    if (other.mean.length != mean.length) {
      throw new IllegalArgumentException("dimension " + other.mean.length + " != " + mean.length);
    }
    if ((min == null) != (other.min == null)) {
      throw new IllegalStateException("statistics with and without their range do not merge");
    }
    if (other.count == 0) return this;
    if (count == 0) {
      count = other.count;
      System.arraycopy(other.mean, 0, mean, 0, mean.length);
      System.arraycopy(other.m2, 0, m2, 0, m2.length);
      if (min == null) return this;
      System.arraycopy(other.min, 0, min, 0, min.length);
      System.arraycopy(other.max, 0, max, 0, max.length);
      return this;
    }
    double na = count, nb = other.count, n = na + nb;
    for (int j = 0; j < mean.length; j++) {
      double delta = other.mean[j] - mean[j];
      mean[j] += delta * (nb / n);
      m2[j] += other.m2[j] + delta * delta * (na * nb / n);
      if (min == null) continue;
      if (other.min[j] < min[j]) min[j] = other.min[j];
      if (other.max[j] > max[j]) max[j] = other.max[j];
    }
    count += other.count;
    return this;
  }

  public GaussianStats copy() {
    return zeroLike(this).merge(this);
  }

  /** Empty statistics of s's dimension, with a range if s has one. */
  private static GaussianStats zeroLike(GaussianStats s) {
    int d = s.mean.length;
    return s.min != null ? new GaussianStats(d) : new GaussianStats(0, new double[d], new double[d]);
  }

  /** Biased (ddof 0) variance of feature j. */
  public double variance(int j) {
    return count == 0 ? 0.0 : m2[j] / count;
  }

  /** Statistics of the data after the per-feature affine map x -> (x - offset) * invScale. */
  public GaussianStats scaled(Scaler s) {
    GaussianStats t = min == null ? new GaussianStats(count, new double[mean.length],
        new double[mean.length]) : new GaussianStats(mean.length);
    t.count = count;
    for (int j = 0; j < mean.length; j++) {
      double a = s.offset()[j], c = s.invScale()[j];
      t.mean[j] = (mean[j] - a) * c;
      t.m2[j] = m2[j] * c * c;
      if (min == null) continue;
      t.min[j] = (min[j] - a) * c;
      t.max[j] = (max[j] - a) * c;
    }
    return t;
  }

  /** Merge of all classes: the statistics of the whole subset. */
  public static GaussianStats pooled(GaussianStats[] perClass) {
    GaussianStats all = zeroLike(perClass[0]);
    for (GaussianStats s : perClass) all.merge(s);
    return all;
  }
}
