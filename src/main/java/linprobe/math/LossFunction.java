package linprobe.math;

/**
 * A differentiable objective: returns f(x) and writes its gradient into grad. x is only read, and
 * only during the call (the caller may rewrite it for the next one: the optimizer's trial points
 * share one array); every element of grad is written (it arrives with old contents).
 */
@FunctionalInterface
public interface LossFunction {
  double lossAndGradient(double[] x, double[] grad);
}
