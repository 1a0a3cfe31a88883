// Newton's method with an Armijo line search, for the small fits that are refitted every week
// from a warm start (Dixon-Coles, the ordered logit of the rating models, the stacks' conditional
// logit). From last week's optimum, a few rows later, one or two Newton steps land on the new
// optimum, where L-BFGS spent 7 to 30 passes over the rows rebuilding curvature that is cheap to
// compute exactly.

/** The objective at x with its gradient and Hessian (n * n, row-major, symmetric). */
export interface SecondOrderEvaluation {
  value: number;
  gradient: Float64Array;
  hessian: Float64Array;
}

export interface NewtonOptions {
  maxSteps?: number;
  /**
   * Stop when the Newton decrement g'H^-1 g is this small: the objective is then within half of
   * it of its minimum (exactly so for a quadratic), and the final full step is taken unchecked.
   */
  decrementTolerance?: number;
  /** Points the objective is not defined at (the line search shortens the step instead). */
  feasible?: (x: Float64Array) => boolean;
}

export interface NewtonResult {
  x: Float64Array;
  /** Newton steps taken. */
  iterations: number;
  /** Objective evaluations (passes over the data). */
  evaluations: number;
  converged: boolean;
}

/** Armijo constant: accept a step that achieves this share of the predicted decrease. */
const SUFFICIENT_DECREASE = 0.25;
const MAX_HALVINGS = 30;

export function minimiseNewton(
  f: (x: Float64Array) => SecondOrderEvaluation,
  x0: Float64Array,
  options: NewtonOptions = {},
): NewtonResult {
  const maxSteps = options.maxSteps ?? 50;
  const tolerance = options.decrementTolerance ?? 2e-14;
  const feasible = options.feasible ?? (() => true);
  const n = x0.length;
  const x = Float64Array.from(x0);
  const trial = new Float64Array(n);
  let current = f(x);
  let evaluations = 1;
  if (!Number.isFinite(current.value)) return { x, iterations: 0, evaluations, converged: false };
  for (let step = 0; step < maxSteps; step++) {
    const direction = newtonDirection(current, n);
    if (!direction) return { x, iterations: step, evaluations, converged: false };
    let decrement = 0;
    for (let i = 0; i < n; i++) decrement += current.gradient[i] * direction[i];
    if (!(decrement > tolerance)) {
      for (let i = 0; i < n; i++) trial[i] = x[i] - direction[i];
      if (feasible(trial)) x.set(trial);
      return { x, iterations: step + 1, evaluations, converged: true };
    }
    let accepted: SecondOrderEvaluation | undefined;
    for (let halving = 0, length = 1; halving < MAX_HALVINGS; halving++, length /= 2) {
      for (let i = 0; i < n; i++) trial[i] = x[i] - length * direction[i];
      if (!feasible(trial)) continue;
      const next = f(trial);
      evaluations++;
      if (next.value <= current.value - SUFFICIENT_DECREASE * length * decrement) {
        accepted = next;
        break;
      }
    }
    // No step decreases the objective: rounding has the last word, x is as good as it gets.
    if (!accepted) return { x, iterations: step, evaluations, converged: true };
    x.set(trial);
    current = accepted;
  }
  return { x, iterations: maxSteps, evaluations, converged: false };
}

/**
 * H^-1 g; where H is singular or not positive definite (a column that is 0 in every row, with no
 * penalty on it), H + mu I with the smallest mu of a growing series that makes it so: still a
 * descent direction, and the line search takes care of the rest.
 */
function newtonDirection(
  { gradient, hessian }: SecondOrderEvaluation,
  n: number,
): Float64Array | undefined {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(hessian[i * n + i]));
  const damped = Float64Array.from(hessian);
  for (let mu = 0; mu <= 1e6 * (scale || 1); mu = mu === 0 ? 1e-10 * (scale || 1) : mu * 100) {
    for (let i = 0; i < n; i++) damped[i * n + i] = hessian[i * n + i] + mu;
    const direction = solveSymmetricPositiveDefinite(damped, gradient, n);
    if (direction) return direction;
  }
  return undefined;
}

/**
 * Solves A x = b for a symmetric positive definite n * n A (row-major) by Cholesky; undefined
 * when A is not positive definite.
 */
export function solveSymmetricPositiveDefinite(
  a: Float64Array,
  b: Float64Array,
  n: number,
): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
