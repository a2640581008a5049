package linprobe.math

import breeze.linalg.{DenseVector, norm}
import breeze.optimize.{DiffFunction, FirstOrderMinimizer, LBFGS, LineSearch, StepSizeUnderflow,
  StrongWolfeLineSearch}

/**
 * The project's only Scala: Java cannot implement Breeze's DiffFunction (javac rejects the two
 * inherited apply methods), so this adapts a Java LossFunction and runs Breeze's L-BFGS.
 */
object BreezeLbfgs {
  private type V = DenseVector[Double]

  /**
   * Breeze's L-BFGS, optionally starting from curvature pairs of an earlier run (see
   * [[Curvature]]): its first history is those pairs, and a first step along a quasi-Newton
   * direction starts its line search at 1, as every later one does (Breeze's first step, along
   * the bare gradient, starts at 1 / |gradient|). A failed line search resets the history to
   * empty, as in Breeze.
   */
  private final class Seeded(maxIter: Int, m: Int, tolerance: Double,
                             private var seed: LBFGS.ApproximateInverseHessian[V])
      extends LBFGS[V](maxIter, m, tolerance) {
    override protected def initialHistory(f: DiffFunction[V], x: V): History = {
      val h = if (seed != null) seed else new LBFGS.ApproximateInverseHessian[V](m)
      seed = null
      h
    }

    override protected def determineStepSize(state: State, f: DiffFunction[V], dir: V): Double = {
      val ff = LineSearch.functionFromSearchDirection(f, state.x, dir)
      val search = new StrongWolfeLineSearch(maxZoomIter = 10, maxLineSearchIter = 10)
      val first = state.iter == 0 && state.history.historyLength == 0
      val alpha = search.minimize(ff, if (first) 1.0 / norm(dir) else 1.0)
      if (alpha * norm(state.grad) < 1e-10) throw new StepSizeUnderflow
      alpha
    }
  }

  def minimize(f: LossFunction, x0: Array[Double], maxIter: Int, memory: Int,
               tolerance: Double): LbfgsResult =
    minimize(f, x0, maxIter, memory, tolerance, null, 0.0, keep = false)

  /**
   * @param start curvature pairs to start from (already shifted to this objective), or null
   * @param strength this objective's L2 strength, recorded with the pairs the run ends with
   * @param keep return the pairs the run ends with (else the result's curvature is null: at
   *     1,000 classes they are hundreds of megabytes)
   */
  def minimize(f: LossFunction, x0: Array[Double], maxIter: Int, memory: Int,
               tolerance: Double, start: Curvature, strength: Double, keep: Boolean): LbfgsResult = {
    var evaluations = 0
    val diff = new DiffFunction[V] {
      override def calculate(x: V): (Double, V) = {
        evaluations += 1
        val grad = new Array[Double](x.length)
        // the loss function only reads x: pass Breeze's own array when it is a plain one
        val xs = if (x.offset == 0 && x.stride == 1 && x.data.length == x.length) x.data else x.toArray
        val value = f.lossAndGradient(xs, grad)
        (value, DenseVector(grad))
      }
    }
    val seed =
      if (start == null || start.steps.isEmpty) null
      else new LBFGS.ApproximateInverseHessian[V](memory,
        start.steps.toIndexedSeq.take(memory).map(DenseVector(_)),
        start.gradDeltas.toIndexedSeq.take(memory).map(DenseVector(_)))
    val lbfgs = new Seeded(maxIter, memory, tolerance, seed)
    val states = lbfgs.iterations(diff, DenseVector(x0.clone()))
    var state = states.next()
    while (states.hasNext) state = states.next()
    val reason = state.convergenceReason
    val converged = reason.exists {
      case FirstOrderMinimizer.FunctionValuesConverged | FirstOrderMinimizer.GradientConverged => true
      case _ => false
    }
    val curvature = if (!keep) null else {
      // the history's pairs are private to Breeze's LBFGS; a case class shows its fields in
      // order (m, memStep, memGradDelta: checked, for a Breeze upgrade). Breeze is done with
      // them, so plain vectors are handed over without a copy.
      require(state.history.productArity == 3 && state.history.productElement(0) == memory,
        "Breeze's LBFGS.ApproximateInverseHessian is not (m, memStep, memGradDelta)")
      def arrays(i: Int) = state.history.productElement(i).asInstanceOf[IndexedSeq[V]]
        .map(v => if (v.offset == 0 && v.stride == 1 && v.data.length == v.length) v.data else v.toArray)
        .toArray
      new Curvature(strength, arrays(1), arrays(2))
    }
    new LbfgsResult(state.x.toArray, state.value, state.iter, converged,
      reason.map(_.reason).getOrElse("none"), evaluations, curvature)
  }
}
