package linprobe.math

import breeze.linalg.{DenseVector, NumericOps, norm, scaleAdd}
import breeze.linalg.operators.{DenseVectorSupportMethods, OpAdd, OpMulInner, OpMulScalar, OpSet,
  OpSub}
import breeze.linalg.support.{CanCopy, CanCreateZerosLike}
import breeze.math.{Field, MutableInnerProductModule}
import breeze.optimize.{DiffFunction, FirstOrderException, FirstOrderMinimizer, LBFGS,
  NaNHistory, StepSizeUnderflow, StrongWolfeLineSearch}
import breeze.util.LazyLogger
import dev.ludovic.netlib.blas.BLAS

/**
 * The vector space Breeze's L-BFGS runs in here: plain double arrays, with the arithmetic of
 * Breeze's own space for DenseVector[Double] (DenseVector.space_Double), operation for operation
 * (the same dot product paths, the same norm, the same element-wise updates), so a run takes the
 * same steps to the same bits (tested against Breeze's unmodified LBFGS on DenseVector, and each
 * operation against Breeze's).
 *
 * Why not DenseVector itself: its constructor initializes Breeze's operator objects (every
 * DenseVector, SparseVector, HashVector and matrix operation Breeze defines), about 1,400 classes
 * and 0.8 s of a cold JVM's time, of which linprobe's L-BFGS uses four (dot, norm, axpy, scale).
 * A job pays that once, in its first fit; on a small table that is a large share of the run.
 */
object ArraySpace extends MutableInnerProductModule[Array[Double], Double] {
  private type A = Array[Double]

  /**
   * Breeze's test for its native BLAS path (breeze.linalg.usingNatives), where the native dot
   * product is reproducible (Blas.nativeDot; else Breeze's Java loop, as without native BLAS).
   */
  private lazy val natives = Blas.nativeDot()

  /** Breeze's canDotD for vectors of offset 0 and stride 1: a dot b. */
  def dot(a: A, b: A): Double = {
    require(a.length == b.length, "Vectors must have same length")
    val n = a.length
    if (n < DenseVectorSupportMethods.MAX_SMALL_DOT_PRODUCT_LENGTH) {
      DenseVectorSupportMethods.smallDotProduct_Double(a, b, n)
    } else if (n <= 300 || !natives) {
      DenseVectorSupportMethods.dotProduct_Double(a, 0, b, 0, n)
    } else {
      BLAS.getInstance.ddot(n, b, 0, 1, a, 0, 1)
    }
  }

  /** Breeze's norm of a DenseVector[Double] (p = 2, from its values visitor). */
  def norm2(v: A): Double = {
    val p = 2.0
    var sum = 0.0
    var i = 0
    while (i < v.length) {
      sum += math.pow(math.abs(v(i)), p)
      i += 1
    }
    math.pow(sum, 1.0 / p)
  }

  /** Breeze's axpy(a, x, y) for DenseVector[Double]: y += x * a, element by element. */
  def axpy(a: Double, x: A, y: A): Unit = {
    require(x.length == y.length, "Vectors must have same length")
    val xs = if (x eq y) x.clone() else x
    var i = 0
    while (i < xs.length) {
      y(i) += xs(i) * a
      i += 1
    }
  }

  /** Breeze's v *= s for DenseVector[Double]. */
  def scale(v: A, s: Double): Unit = {
    var i = 0
    while (i < v.length) {
      v(i) = v(i) * s
      i += 1
    }
  }

  override def scalars: Field[Double] = Field.fieldDouble
  override val hasOps: A => NumericOps[A] = v => new NumericOps[A] { override def repr: A = v }
  override val normImpl: norm.Impl[A, Double] = new norm.Impl[A, Double] {
    override def apply(v: A): Double = norm2(v)
  }
  override val dotVV: OpMulInner.Impl2[A, A, Double] = new OpMulInner.Impl2[A, A, Double] {
    override def apply(a: A, b: A): Double = dot(a, b)
  }
  override val scaleAddVV: scaleAdd.InPlaceImpl3[A, Double, A] =
    new scaleAdd.InPlaceImpl3[A, Double, A] {
      override def apply(y: A, a: Double, x: A): Unit = axpy(a, x, y)
    }
  override val mulIntoVS: OpMulScalar.InPlaceImpl2[A, Double] =
    new OpMulScalar.InPlaceImpl2[A, Double] {
      override def apply(v: A, s: Double): Unit = scale(v, s)
    }
  override val mulVS: OpMulScalar.Impl2[A, Double, A] = new OpMulScalar.Impl2[A, Double, A] {
    override def apply(v: A, s: Double): A = {
      val out = v.clone()
      scale(out, s)
      out
    }
  }
  /** Breeze's a + b and a += b: b scaled by 1 and added. */
  override val addIntoVV: OpAdd.InPlaceImpl2[A, A] = new OpAdd.InPlaceImpl2[A, A] {
    override def apply(a: A, b: A): Unit = axpy(1.0, b, a)
  }
  override val addVV: OpAdd.Impl2[A, A, A] = new OpAdd.Impl2[A, A, A] {
    override def apply(a: A, b: A): A = {
      val out = a.clone()
      axpy(1.0, b, out)
      out
    }
  }
  /** Breeze's a - b and a -= b: b scaled by -1 and added. */
  override val subIntoVV: OpSub.InPlaceImpl2[A, A] = new OpSub.InPlaceImpl2[A, A] {
    override def apply(a: A, b: A): Unit = axpy(-1.0, b, a)
  }
  override val subVV: OpSub.Impl2[A, A, A] = new OpSub.Impl2[A, A, A] {
    override def apply(a: A, b: A): A = {
      val out = a.clone()
      axpy(-1.0, b, out)
      out
    }
  }
  override val setIntoVV: OpSet.InPlaceImpl2[A, A] = new OpSet.InPlaceImpl2[A, A] {
    override def apply(a: A, b: A): Unit = {
      require(a.length == b.length, "Vectors must have same length")
      System.arraycopy(b, 0, a, 0, b.length)
    }
  }
  override val copy: CanCopy[A] = new CanCopy[A] {
    override def apply(v: A): A = v.clone()
  }
  override val zeroLike: CanCreateZerosLike[A, A] = new CanCreateZerosLike[A, A] {
    override def apply(v: A): A = new Array[Double](v.length)
  }
}

/**
 * With ArraySpace, the project's only Scala: Java cannot implement Breeze's DiffFunction (javac
 * rejects the two inherited apply methods), so this adapts a Java LossFunction and runs Breeze's
 * L-BFGS.
 */
object BreezeLbfgs {
  private type V = Array[Double]
  private implicit val space: MutableInnerProductModule[V, Double] = ArraySpace

  /** How Breeze's FirstOrderMinimizer words a failed line search it recovers from. */
  final val Recovered = "Failure! Resetting history"

  /**
   * Breeze's L-BFGS, optionally starting from curvature pairs of an earlier run (see
   * [[Curvature]]): its first history is those pairs, and a first step along a quasi-Newton
   * direction starts its line search at 1, as every later one does (Breeze's first step, along
   * the bare gradient, starts at 1 / |gradient|). A failed line search resets the history to
   * empty, as in Breeze. With floor (an objective known to float32 precision only) the search is
   * [[Float32LineSearch]], which also accepts steps on the approximate Wolfe conditions, and a
   * failed search (no step lowers it as far as float32 can tell) ends the run at once, quietly:
   * the caller continues from the last state in double.
   *
   * Breeze allocates about six new vectors of the problem's size per iteration (the direction,
   * the step and its product, the gradient, the curvature pair); at 100 classes x 2,048
   * dimensions each is 1.6 MB, and the pair lives for m iterations, long enough to be copied into
   * the old generation. Here the run owns a few arrays and rewrites them: the direction, two
   * points, two gradients ([[Objective]]), and the pair that falls out of the memory takes the
   * new one. The same operations on the same values, so the same bits as Breeze's.
   */
  private final class Seeded(check: FirstOrderMinimizer.ConvergenceCheck[V], m: Int,
                             private var seed: LBFGS.ApproximateInverseHessian[V], floor: Boolean,
                             objective: Objective)
      extends LBFGS[V](check, m) {
    /**
     * Breeze logs a failed line search, which it recovers from by resetting the history, as an
     * ERROR ("Failure! Resetting history"), even in runs that then converge: at DEBUG here.
     * Its other errors (a second failure in a row, when it gives up) stay errors.
     */
    @transient private lazy val quiet: LazyLogger =
      new LazyLogger(org.slf4j.LoggerFactory.getLogger(getClass)) {
        override def error(msg: => String): Unit = {
          val m = msg
          if (m.startsWith(BreezeLbfgs.Recovered)) debug(m) else super.error(m)
        }
      }

    override protected def logger: LazyLogger = quiet

    override protected def initialHistory(f: DiffFunction[V], x: V): History = {
      val h = if (seed != null) seed else new LBFGS.ApproximateInverseHessian[V](m)
      seed = null
      made = 0 // a new history (a reset drops the pairs): none of its pairs is this run's yet
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

        override def calculate(xs: V): (Double, V) = {
          val n = xs.length
          var same = last != null && last.length == n
          var i = 0
          while (same && i < n) {
            same = last(i) == xs(i) // as Breeze's DenseVector equality: NaN never, -0.0 == 0.0
            i += 1
          }
          if (!same) {
            val (v, g) = f.calculate(xs)
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
      new DiffFunction[Double] {
        override def calculate(t: Double): (Double, Double) = {
          var i = 0
          while (i < n) {
            val step = dir(i) * t
            p(i) = step + x(i)
            i += 1
          }
          val (value, grad) = f.calculate(p)
          (value, ArraySpace.dot(grad, dir))
        }
      }
    }

    /** The direction's array, rewritten each iteration. */
    private var direction: Array[Double] = null

    /**
     * Breeze's ApproximateInverseHessian * grad, the same operations in the same order, into
     * the run's direction array instead of a copy of the gradient. Marks the state's gradient
     * as the one [[Objective]] must not write over while this iteration's line search runs.
     */
    override protected def chooseDescentDirection(state: State, fn: DiffFunction[V]): V = {
      import ArraySpace.{axpy, dot, scale}
      objective.keep = state.grad
      val steps = pairs(state.history, 1)
      val deltas = pairs(state.history, 2)
      val historyLength = steps.length
      val diag = if (historyLength > 0) {
        val sy = dot(steps.head, deltas.head)
        val yy = dot(deltas.head, deltas.head)
        if (sy < 0 || sy.isNaN) throw new NaNHistory
        sy / yy
      } else {
        1.0
      }
      val g = state.grad
      if (direction == null || direction.length != g.length) direction = new Array[Double](g.length)
      System.arraycopy(g, 0, direction, 0, g.length)
      val dir = direction
      val as = new Array[Double](m)
      val rho = new Array[Double](m)
      for (i <- 0 until historyLength) {
        rho(i) = dot(steps(i), deltas(i))
        as(i) = dot(steps(i), dir) / rho(i)
        if (as(i).isNaN) throw new NaNHistory
        axpy(-as(i), deltas(i), dir)
      }
      scale(dir, diag)
      for (i <- (historyLength - 1) to 0 by (-1)) {
        val beta = dot(deltas(i), dir) / rho(i)
        axpy(as(i) - beta, steps(i), dir)
      }
      scale(dir, -1.0)
      dir
    }

    /** The two arrays the points take in turn (never the current state's). */
    private var pointA: Array[Double] = null
    private var pointB: Array[Double] = null

    /** Breeze's x + dir * stepSize, element by element as Breeze computes it, into a run array. */
    override protected def takeStep(state: State, d: V, stepSize: Double): V = {
      val x = state.x
      val n = x.length
      if (pointA == null || pointA.length != n) {
        pointA = new Array[Double](n)
        pointB = new Array[Double](n)
      }
      val out = if (x eq pointA) pointB else pointA
      var i = 0
      while (i < n) {
        val step = d(i) * stepSize
        out(i) = x(i) + step
        i += 1
      }
      out
    }

    /**
     * How many of the history's pairs, the newest, this run made (at most m): the oldest is this
     * run's to rewrite only when all are. A seed's pairs, the caller's, are the oldest until
     * they leave, and are never rewritten.
     */
    private var made = 0

    /**
     * Breeze's update (newX - x, newGrad - grad, prepended, the memory's oldest dropped), the
     * dropped pair's arrays taking the new pair when this run made them.
     */
    override protected def updateHistory(newX: V, newGrad: V, newVal: Double,
                                         f: DiffFunction[V], oldState: State): History = {
      val steps = pairs(oldState.history, 1)
      val deltas = pairs(oldState.history, 2)
      val n = newX.length
      val recycle = steps.length == m && made == m
      val s = if (recycle) steps.last else new Array[Double](n)
      val y = if (recycle) deltas.last else new Array[Double](n)
      made = math.min(made + 1, m)
      difference(newX, oldState.x, s)
      difference(newGrad, oldState.grad, y)
      new LBFGS.ApproximateInverseHessian[V](m, (s +: steps).take(m), (y +: deltas).take(m))
    }

    override protected def determineStepSize(state: State, f: DiffFunction[V], dir: V): Double = {
      val ff = along(f, state.x, dir)
      val first = state.iter == 0 && state.history.historyLength == 0
      val init = if (first) 1.0 / ArraySpace.norm2(dir) else 1.0
      try {
        val alpha =
          if (floor) Float32LineSearch.search(t => {
            val (value, slope) = ff.calculate(t)
            new Float32LineSearch.Point(t, value, slope)
          }, init)
          else new StrongWolfeLineSearch(maxZoomIter = 10, maxLineSearchIter = 10).minimize(ff, init)
        if (alpha * ArraySpace.norm2(state.grad) < 1e-10) throw new StepSizeUnderflow
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
      else new LBFGS.ApproximateInverseHessian[V](memory, start.steps.toIndexedSeq.take(memory),
        start.gradDeltas.toIndexedSeq.take(memory))
    val check =
      if (valueScale.isNaN) FirstOrderMinimizer.defaultConvergenceCheck[V](maxIter, tolerance)
      else FirstOrderMinimizer.maxIterationsReached[V](maxIter) ||
        FirstOrderMinimizer.functionValuesConverged[V](tolerance * math.abs(valueScale),
          relative = false, historyLength = 20) ||
        FirstOrderMinimizer.gradientConverged[V](tolerance) ||
        FirstOrderMinimizer.searchFailed[V]
    val lbfgs = new Seeded(check, memory, seed, floor, diff)
    val states = lbfgs.iterations(diff, x0.clone())
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
      // Breeze and this run are done with the last history's arrays: handed over without a copy
      def arrays(i: Int) = pairs(state.history, i).toArray
      new Curvature(strength, arrays(1), arrays(2))
    }
    new LbfgsResult(state.x.clone(), state.value, state.iter, converged,
      if (floored) PrecisionFloorReason else reason.map(_.reason).getOrElse("none"), diff.evaluations,
      curvature, state.initialAdjVal, floored || reason.contains(FirstOrderMinimizer.SearchFailed))
  }

  /**
   * The history's steps (i = 1) or gradient differences (i = 2), newest first. They are private
   * to Breeze's LBFGS; a case class shows its fields in order (m, memStep, memGradDelta: checked,
   * for a Breeze upgrade).
   */
  private def pairs(h: LBFGS.ApproximateInverseHessian[V], i: Int): IndexedSeq[V] = {
    require(h.productArity == 3 && h.productElement(0) == h.m,
      "Breeze's LBFGS.ApproximateInverseHessian is not (m, memStep, memGradDelta)")
    h.productElement(i).asInstanceOf[IndexedSeq[V]]
  }

  /** out = a - b, element by element. */
  private def difference(a: Array[Double], b: Array[Double], out: Array[Double]): Unit = {
    var i = 0
    while (i < out.length) {
      out(i) = a(i) - b(i)
      i += 1
    }
  }

  /**
   * f as Breeze's DiffFunction, counting its evaluations. The gradients take two arrays in turn,
   * never keep (the optimizer's current state's, set by [[Seeded]]): an iteration's trial points
   * need only the last one's (the evaluation cache keeps the last point's), and the state before
   * the current one is done with once its pair is made.
   */
  private final class Objective(f: LossFunction) extends DiffFunction[V] {
    var evaluations = 0
    var keep: Array[Double] = null
    private var gradA: Array[Double] = null
    private var gradB: Array[Double] = null

    override def calculate(x: V): (Double, V) = {
      evaluations += 1
      if (gradA == null || gradA.length != x.length) {
        gradA = new Array[Double](x.length)
        gradB = new Array[Double](x.length)
      }
      val grad = if (keep eq gradA) gradB else gradA
      (f.lossAndGradient(x, grad), grad) // the loss function only reads x
    }
  }

  /**
   * Breeze's own LBFGS(maxIter, memory, tolerance), unmodified, on Breeze's DenseVector and its
   * own vector space, from x0: the reference the tests hold [[minimize]] to. Without curvature
   * pairs, value scale or floor, [[minimize]] takes the same steps to the same bits and evaluates
   * f as often (its cache and its line search reuse arrays where Breeze's allocate new ones).
   * Not used by the job.
   */
  def minimizeStock(f: LossFunction, x0: Array[Double], maxIter: Int, memory: Int,
                    tolerance: Double): LbfgsResult = {
    var evaluations = 0
    val diff = new DiffFunction[DenseVector[Double]] {
      override def calculate(x: DenseVector[Double]): (Double, DenseVector[Double]) = {
        evaluations += 1
        val grad = new Array[Double](x.length)
        (f.lossAndGradient(x.toArray, grad), DenseVector(grad))
      }
    }
    val states = new LBFGS[DenseVector[Double]](maxIter, memory, tolerance)
      .iterations(diff, DenseVector(x0.clone()))
    var state = states.next()
    while (states.hasNext) state = states.next()
    val reason = state.convergenceReason
    new LbfgsResult(state.x.toArray, state.value, state.iter, reason.isDefined,
      reason.map(_.reason).getOrElse("none"), evaluations, null, state.initialAdjVal,
      reason.contains(FirstOrderMinimizer.SearchFailed))
  }
}
