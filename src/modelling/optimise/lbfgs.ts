// Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright, algorithms 7.4, 3.5, 3.6).
// Unconstrained: bounded parameters are reparametrised by the caller (e.g. rho = c * tanh(theta)).
// All work buffers are allocated once per call, so the only per-iteration cost is the objective.

export interface LbfgsOptions {
  /** Maximum number of L-BFGS iterations (line searches). Default 200. */
  maxIterations?: number;
  /** Converged when the largest absolute gradient component is at most this. Default 1e-6. */
  gradientTolerance?: number;
  /** Number of correction pairs kept. Default 8. */
  memory?: number;
  /**
   * Also converged when an iteration lowers the value by less than
   * functionTolerance * max(1, |f|). Default 0 (disabled): only the gradient test counts.
   */
  functionTolerance?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  /** Number of objective evaluations. */
  evaluations: number;
  /** Largest absolute gradient component at x. */
  gradientNorm: number;
}

/** f writes the gradient into grad and returns the value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

const ARMIJO_C1 = 1e-4;
const CURVATURE_C2 = 0.9;
const MAX_LINE_SEARCH_EVALUATIONS = 40;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db); NaN when it does not exist. */
function cubicMinimiser(a: number, fa: number, da: number, b: number, fb: number, db: number) {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return Number.NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/** Line search state shared between the bracketing phase and zoom. */
class LineSearch {
  evaluations = 0;
  private readonly n: number;

  constructor(
    private readonly f: Objective,
    private readonly x: Float64Array,
    private readonly d: Float64Array,
    private readonly xTrial: Float64Array,
    private readonly gTrial: Float64Array,
  ) {
    this.n = x.length;
  }

  /** Evaluates phi(step) = f(x + step d); leaves the point and gradient in xTrial/gTrial. */
  private phi(step: number): { value: number; slope: number } {
    for (let i = 0; i < this.n; i++) this.xTrial[i] = this.x[i] + step * this.d[i];
    this.evaluations++;
    const value = this.f(this.xTrial, this.gTrial);
    return { value, slope: dot(this.gTrial, this.d) };
  }

  /**
   * Finds a step satisfying the strong Wolfe conditions. Returns the step with xTrial/gTrial
   * holding the accepted point, its value, or undefined when no acceptable step was found.
   */
  run(
    f0: number,
    slope0: number,
    initialStep: number,
  ): { step: number; value: number } | undefined {
    const sufficient = (step: number, value: number) => value <= f0 + ARMIJO_C1 * step * slope0;
    const curvatureOk = (slope: number) => Math.abs(slope) <= -CURVATURE_C2 * slope0;

    let prevStep = 0;
    let prevValue = f0;
    let prevSlope = slope0;
    let step = initialStep;
    let first = true;
    while (this.evaluations < MAX_LINE_SEARCH_EVALUATIONS) {
      const { value, slope } = this.phi(step);
      if (!Number.isFinite(value) || !Number.isFinite(slope)) {
        // Overflow far along the ray: pull back towards the last finite point.
        step = prevStep + 0.1 * (step - prevStep);
        continue;
      }
      if (!sufficient(step, value) || (!first && value >= prevValue)) {
        return this.zoom(f0, slope0, prevStep, prevValue, prevSlope, step, value, slope);
      }
      if (curvatureOk(slope)) return { step, value };
      if (slope >= 0)
        return this.zoom(f0, slope0, step, value, slope, prevStep, prevValue, prevSlope);
      prevStep = step;
      prevValue = value;
      prevSlope = slope;
      step *= 2;
      first = false;
    }
    return prevStep > 0 ? this.settle(prevStep) : undefined;
  }

  private zoom(
    f0: number,
    slope0: number,
    lo: number,
    fLo: number,
    dLo: number,
    hi: number,
    fHi: number,
    dHi: number,
  ): { step: number; value: number } | undefined {
    while (this.evaluations < MAX_LINE_SEARCH_EVALUATIONS) {
      const left = Math.min(lo, hi);
      const width = Math.abs(hi - lo);
      if (width <= 1e-16 * Math.max(1, Math.abs(lo))) break;
      let step = cubicMinimiser(lo, fLo, dLo, hi, fHi, dHi);
      // Safeguard: stay inside the interval, away from its ends.
      if (!(step >= left + 0.1 * width && step <= left + 0.9 * width)) step = 0.5 * (lo + hi);
      const { value, slope } = this.phi(step);
      if (!Number.isFinite(value) || value > f0 + ARMIJO_C1 * step * slope0 || value >= fLo) {
        hi = step;
        fHi = Number.isFinite(value) ? value : fLo + 1e10;
        dHi = Number.isFinite(slope) ? slope : 0;
      } else {
        if (Math.abs(slope) <= -CURVATURE_C2 * slope0) return { step, value };
        if (slope * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dHi = dLo;
        }
        lo = step;
        fLo = value;
        dLo = slope;
      }
    }
    // No strong-Wolfe step, but lo still gives sufficient decrease: accept it.
    return lo > 0 ? this.settle(lo) : undefined;
  }

  private settle(step: number): { step: number; value: number } {
    return { step, value: this.phi(step).value };
  }
}

export function minimiseLbfgs(
  f: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.gradientTolerance ?? 1e-6;
  const functionTolerance = options.functionTolerance ?? 0;
  const m = Math.max(1, options.memory ?? 8);
  const n = x0.length;

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const xTrial = new Float64Array(n);
  const gTrial = new Float64Array(n);
  const sHistory = new Float64Array(m * n);
  const yHistory = new Float64Array(m * n);
  const rhoHistory = new Float64Array(m);
  const alpha = new Float64Array(m);

  let value = f(x, g);
  let evaluations = 1;
  if (!Number.isFinite(value)) {
    return { x, value, iterations: 0, converged: false, evaluations, gradientNorm: maxAbs(g) };
  }
  let stored = 0; // number of valid correction pairs
  let newest = -1; // ring index of the newest pair
  let iterations = 0;
  let converged = maxAbs(g) <= tolerance;

  while (!converged && iterations < maxIterations) {
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = 0; k < stored; k++) {
      const j = (newest - k + m) % m;
      const off = j * n;
      let sd = 0;
      for (let i = 0; i < n; i++) sd += sHistory[off + i] * d[i];
      alpha[j] = rhoHistory[j] * sd;
      for (let i = 0; i < n; i++) d[i] -= alpha[j] * yHistory[off + i];
    }
    if (stored > 0) {
      const off = newest * n;
      let yy = 0;
      for (let i = 0; i < n; i++) yy += yHistory[off + i] * yHistory[off + i];
      const gamma = 1 / (rhoHistory[newest] * yy);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = stored - 1; k >= 0; k--) {
      const j = (newest - k + m) % m;
      const off = j * n;
      let yd = 0;
      for (let i = 0; i < n; i++) yd += yHistory[off + i] * d[i];
      const beta = rhoHistory[j] * yd;
      for (let i = 0; i < n; i++) d[i] += (alpha[j] - beta) * sHistory[off + i];
    }

    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dot(g, d);
    }
    // Without curvature information the scale is unknown: take a cautious first step.
    const initialStep = stored === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    const search = new LineSearch(f, x, d, xTrial, gTrial);
    const accepted = search.run(value, slope, initialStep);
    evaluations += search.evaluations;
    iterations++;
    if (!accepted || !(accepted.value <= value)) {
      if (stored > 0) {
        stored = 0; // bad curvature memory: retry once with steepest descent
        continue;
      }
      break;
    }

    // Store the new correction pair only when the curvature condition holds.
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const s = xTrial[i] - x[i];
      const y = gTrial[i] - g[i];
      sy += s * y;
      yy += y * y;
    }
    if (sy > 1e-12 * yy) {
      const next = (newest + 1) % m;
      const off = next * n;
      for (let i = 0; i < n; i++) {
        sHistory[off + i] = xTrial[i] - x[i];
        yHistory[off + i] = gTrial[i] - g[i];
      }
      rhoHistory[next] = 1 / sy;
      newest = next;
      stored = Math.min(stored + 1, m);
    }

    const decrease = value - accepted.value;
    x.set(xTrial);
    g.set(gTrial);
    value = accepted.value;
    converged =
      maxAbs(g) <= tolerance ||
      (functionTolerance > 0 && decrease <= functionTolerance * Math.max(1, Math.abs(value)));
  }

  return { x, value, iterations, converged, evaluations, gradientNorm: maxAbs(g) };
}
