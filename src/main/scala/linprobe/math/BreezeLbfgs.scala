package linprobe.math

import breeze.linalg.{DenseVector, norm}
import breeze.optimize.{DiffFunction, FirstOrderException, FirstOrderMinimizer, LBFGS,
  StepSizeUnderflow, StrongWolfeLineSearch}

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
   * empty, as in Breeze. With floor (an objective known to float32 precision only) the search is
   * [[Float32LineSearch]], which also accepts steps on the approximate Wolfe conditions, and a
   * failed search (no step lowers it as far as float32 can tell) ends the run at once, quietly:
   * the caller continues from the last state in double.
   */
  private final class Seeded(check: FirstOrderMinimizer.ConvergenceCheck[V], m: Int,
                             private var seed: LBFGS.ApproximateInverseHessian[V], floor: Boolean)
      extends LBFGS[V](check, m) {
    override protected def initialHistory(f: DiffFunction[V], x: V): History = {
      val h = if (seed != null) seed else new LBFGS.ApproximateInverseHessian[V](m)
      seed = null
      h
    }

    /**
     * Breeze's LBFGS evaluates f through f.cached (the accepted point was already evaluated by
     * the line search); this cache is the same but keeps the last point in one array of its
     * own, rewritten, where Breeze's copies every point into a new one.
     */
    override protected def adjustFunction(f: DiffFunction[V]): DiffFunction[V] =
      new DiffFunction[V] {
        private var last: Array[Double] = null
        private var value = 0.0
        private var grad: V = null

        override def calculate(x: V): (Double, V) = {
          val xs = plain(x)
          val n = xs.length
          var same = last != null && last.length == n
          var i = 0
          while (same && i < n) {
            same = last(i) == xs(i) // as Breeze's DenseVector equality: NaN never, -0.0 == 0.0
            i += 1
          }
          if (!same) {
            val (v, g) = f.calculate(x)
            if (last == null || last.length != n) last = new Array[Double](n)
            System.arraycopy(xs, 0, last, 0, n)
            value = v
            grad = g
          }
          (value, grad)
        }
      }

    /** The points a line search tries, x + t dir: one array for the run, not one per try. */
    private var probe: Array[Double] = null

    /**
     * f along dir from x, as Breeze's LineSearch.functionFromSearchDirection but into probe.
     * Each point is computed as Breeze's takeStep computes the one it accepts (dir * t, then
     * + x), so the accepted point's evaluation is found in f's cache (adjustFunction's), as with
     * Breeze's own. The cache copies a point it keeps; the loss function only reads it.
     */
    private def along(f: DiffFunction[V], x: V, dir: V): DiffFunction[Double] = {
      val n = x.length
      if (probe == null || probe.length != n) probe = new Array[Double](n)
      val p = probe
      val point = DenseVector(p)
      val xs = plain(x)
      val ds = plain(dir)
      new DiffFunction[Double] {
        override def calculate(t: Double): (Double, Double) = {
          var i = 0
          while (i < n) {
            val step = ds(i) * t
            p(i) = step + xs(i)
            i += 1
          }
          val (value, grad) = f.calculate(point)
          (value, grad.dot(dir))
        }
      }
    }

    override protected def determineStepSize(state: State, f: DiffFunction[V], dir: V): Double = {
      val ff = along(f, state.x, dir)
      val first = state.iter == 0 && state.history.historyLength == 0
      val init = if (first) 1.0 / norm(dir) else 1.0
      try {
        val alpha =
          if (floor) Float32LineSearch.search(t => {
            val (value, slope) = ff.calculate(t)
            new Float32LineSearch.Point(t, value, slope)
          }, init)
          else new StrongWolfeLineSearch(maxZoomIter = 10, maxLineSearchIter = 10).minimize(ff, init)
        if (alpha * norm(state.grad) < 1e-10) throw new StepSizeUnderflow
        alpha
      } catch {
        case e: FirstOrderException if floor => throw new Float32LineSearch.Failed(e.toString)
      }
    }
  }

  /** What a run ended by a failed float32 search (see [[Seeded]]) reports as its reason. */
  private val PrecisionFloorReason = "line search failed at float32 precision"

  /**
   * @param start curvature pairs to start from (already shifted to this objective), or null
   * @param strength this objective's L2 strength, recorded with the pairs the run ends with
   * @param keep return the pairs the run ends with (else the result's curvature is null: at
   *     1,000 classes they are hundreds of megabytes)
   * @param valueScale NaN for Breeze's own tests (LBFGS(maxIter, m, tolerance)); else the same
   *     tests but the objective-value one absolute, tolerance x valueScale, instead of relative to
   *     this run's starting value: a run continuing another one that started at valueScale is
   *     held to that run's threshold, not to a stricter one relative to where it took over (it
   *     still needs 20 iterations of its own before that test can pass; the gradient test can
   *     pass at once)
   * @param floor f is known to float32 precision only: a failed line search ends the run at
   *     once, without Breeze's retry and error lines (reported as searchFailed)
   */
  def minimize(f: LossFunction, x0: Array[Double], maxIter: Int, memory: Int,
               tolerance: Double, start: Curvature, strength: Double, keep: Boolean,
               valueScale: Double, floor: Boolean): LbfgsResult = {
    val diff = new Objective(f)
    val seed =
      if (start == null || start.steps.isEmpty) null
      else new LBFGS.ApproximateInverseHessian[V](memory,
        start.steps.toIndexedSeq.take(memory).map(DenseVector(_)),
        start.gradDeltas.toIndexedSeq.take(memory).map(DenseVector(_)))
    val check =
      if (valueScale.isNaN) FirstOrderMinimizer.defaultConvergenceCheck[V](maxIter, tolerance)
      else FirstOrderMinimizer.maxIterationsReached[V](maxIter) ||
        FirstOrderMinimizer.functionValuesConverged[V](tolerance * math.abs(valueScale),
          relative = false, historyLength = 20) ||
        FirstOrderMinimizer.gradientConverged[V](tolerance) ||
        FirstOrderMinimizer.searchFailed[V]
    val lbfgs = new Seeded(check, memory, seed, floor)
    val states = lbfgs.iterations(diff, DenseVector(x0.clone()))
    var state = states.next()
    var floored = false
    try {
      while (states.hasNext) state = states.next()
    } catch {
      case _: Float32LineSearch.Failed => floored = true
    }
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
        .map(plain).toArray
      new Curvature(strength, arrays(1), arrays(2))
    }
    new LbfgsResult(state.x.toArray, state.value, state.iter, converged,
      if (floored) PrecisionFloorReason else reason.map(_.reason).getOrElse("none"), diff.evaluations,
      curvature, state.initialAdjVal, floored || reason.contains(FirstOrderMinimizer.SearchFailed))
  }

  /** v's own array when v is a plain vector (offset 0, stride 1, the whole array), else a copy. */
  private def plain(v: V): Array[Double] =
    if (v.offset == 0 && v.stride == 1 && v.data.length == v.length) v.data else v.toArray

  /** f as Breeze's DiffFunction, counting its evaluations. */
  private final class Objective(f: LossFunction) extends DiffFunction[V] {
    var evaluations = 0

    override def calculate(x: V): (Double, V) = {
      evaluations += 1
      val grad = new Array[Double](x.length)
      // the loss function only reads x: Breeze's own array when it is a plain one
      val value = f.lossAndGradient(plain(x), grad)
      (value, DenseVector(grad))
    }
  }

  /**
   * Breeze's own LBFGS(maxIter, memory, tolerance), unmodified, from x0: the reference the tests
   * hold [[minimize]] to. Without curvature pairs, value scale or floor, [[minimize]] takes the
   * same steps to the same bits and evaluates f as often (its cache and its line search reuse
   * arrays where Breeze's allocate new ones). Not used by the job.
   */
  def minimizeStock(f: LossFunction, x0: Array[Double], maxIter: Int, memory: Int,
                    tolerance: Double): LbfgsResult = {
    val diff = new Objective(f)
    val states = new LBFGS[V](maxIter, memory, tolerance).iterations(diff, DenseVector(x0.clone()))
    var state = states.next()
    while (states.hasNext) state = states.next()
    val reason = state.convergenceReason
    new LbfgsResult(state.x.toArray, state.value, state.iter, reason.isDefined,
      reason.map(_.reason).getOrElse("none"), diff.evaluations, null, state.initialAdjVal,
      reason.contains(FirstOrderMinimizer.SearchFailed))
  }
}
