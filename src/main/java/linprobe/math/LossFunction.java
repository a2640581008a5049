package linprobe.math;

/** A differentiable objective: returns f(x) and writes its gradient into grad. */
@FunctionalInterface
public interface LossFunction {
  double lossAndGradient(double[] x, double[] grad);
}
