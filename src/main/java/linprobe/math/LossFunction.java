package linprobe.math;

/** A differentiable objective: returns f(x) and writes its gradient into grad; x is only read. */
@FunctionalInterface
public interface LossFunction {
  double lossAndGradient(double[] x, double[] grad);
}
