package linprobe.math

import breeze.linalg.DenseVector
import breeze.optimize.{DiffFunction, FirstOrderMinimizer, LBFGS}

/**
 * The project's only Scala: Java cannot implement Breeze's DiffFunction (javac rejects the two
 * inherited apply methods), so this adapts a Java LossFunction and runs Breeze's L-BFGS.
 */
object BreezeLbfgs {
  def minimize(f: LossFunction, x0: Array[Double], maxIter: Int, memory: Int,
               tolerance: Double): LbfgsResult = {
    var evaluations = 0
    val diff = new DiffFunction[DenseVector[Double]] {
      override def calculate(x: DenseVector[Double]): (Double, DenseVector[Double]) = {
        evaluations += 1
        val grad = new Array[Double](x.length)
        // the loss function only reads x: pass Breeze's own array when it is a plain one
        val xs = if (x.offset == 0 && x.stride == 1 && x.data.length == x.length) x.data else x.toArray
        val value = f.lossAndGradient(xs, grad)
        (value, DenseVector(grad))
      }
    }
    val lbfgs = new LBFGS[DenseVector[Double]](maxIter, memory, tolerance)
    val states = lbfgs.iterations(diff, DenseVector(x0.clone()))
    var state = states.next()
    while (states.hasNext) state = states.next()
    val reason = state.convergenceReason
    val converged = reason.exists {
      case FirstOrderMinimizer.FunctionValuesConverged | FirstOrderMinimizer.GradientConverged => true
      case _ => false
    }
    new LbfgsResult(state.x.toArray, state.value, state.iter, converged,
      reason.map(_.reason).getOrElse("none"), evaluations)
  }
}
