// Ordered logit mapping a rating difference to away < draw < home probabilities, fitted by maximum
// likelihood (Newton's method). With x = slope * difference:
//   P(away) = s(c1 - x),  P(away or draw) = s(c2 - x),  P(home) = 1 - s(c2 - x),  c1 < c2
// (every step keeps the cutpoints ordered).
import type { OutcomeProbabilities } from '../types';

export interface OrderedLogit {
  /** Probability increase per unit of the (scaled) difference; positive favours home. */
  slope: number;
  /** Ordered cutpoints [away|draw, draw|home]. */
  cutpoints: [number, number];
}

/** Observations: difference, outcome 0 = away, 1 = draw, 2 = home, weight. */
export interface OrderedLogitData {
  differences: Float64Array;
  outcomes: Uint8Array;
  weights: Float64Array;
}

/** Prior used when there is no data: no rating effect, base rates of about 29% away, 26% draw. */
export const DEFAULT_ORDERED_LOGIT: OrderedLogit = { slope: 1, cutpoints: [-0.9, 0.2] };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function orderedLogitProbabilities(
  model: OrderedLogit,
  difference: number,
): OutcomeProbabilities {
  const x = model.slope * difference;
  const away = sigmoid(model.cutpoints[0] - x);
  const awayOrDraw = sigmoid(model.cutpoints[1] - x);
  return { home: 1 - awayOrDraw, draw: Math.max(awayOrDraw - away, 0), away };
}

/** Tiny ridge on the three parameters keeps the problem strictly convex on degenerate data. */
const RIDGE = 1e-6;
/**
 * Newton stops when the decrement is this small: the mean log-likelihood is then within 1e-14 of
 * its maximum and, the problem being well conditioned, the parameters within about 1e-7.
 */
const NEWTON_DECREMENT_TOLERANCE = 2e-14;
const MAX_NEWTON_STEPS = 50;

/**
 * Fits by Newton's method on (c1, c2, slope), where the negative log-likelihood is convex
 * (Pratt 1981): a warm start (last week's fit, a few rows fewer) converges in one or two passes
 * over the rows, where L-BFGS took about seven (each pass is an exp per row over every past
 * match, and the Elo and pi-rating fits refit this every week: it was a fifth of the backtest).
 */
export function fitOrderedLogit(
  data: OrderedLogitData,
  start: OrderedLogit = DEFAULT_ORDERED_LOGIT,
): OrderedLogit {
  let totalWeight = 0;
  for (let i = 0; i < data.weights.length; i++) totalWeight += data.weights[i];
  if (totalWeight <= 0) return start;
  const at = (c1: number, c2: number, slope: number) =>
    orderedLogitPass(data, 1 / totalWeight, c1, c2, slope);
  let c1 = start.cutpoints[0];
  let c2 = Math.max(start.cutpoints[1], c1 + 1e-3);
  let slope = start.slope;
  let current = at(c1, c2, slope);
  for (let step = 0; step < MAX_NEWTON_STEPS; step++) {
    const { gradient } = current;
    const direction = solveSymmetric3(current.hessian, gradient);
    if (!direction) break;
    // The Newton decrement g'H^-1 g: twice how far the objective is above its minimum.
    const decrement =
      gradient[0] * direction[0] + gradient[1] * direction[1] + gradient[2] * direction[2];
    if (decrement <= NEWTON_DECREMENT_TOLERANCE) {
      // Converged: the full step is exact to rounding, and no pass is needed to confirm it.
      if (c2 - direction[1] > c1 - direction[0]) {
        c1 -= direction[0];
        c2 -= direction[1];
        slope -= direction[2];
      }
      break;
    }
    // Backtracking (Armijo) keeps every step downhill and the cutpoints ordered.
    let length = 1;
    let next: OrderedLogitPass | undefined;
    for (let halvings = 0; halvings < 30; halvings++, length /= 2) {
      const n1 = c1 - length * direction[0];
      const n2 = c2 - length * direction[1];
      if (!(n2 > n1)) continue;
      const trial = at(n1, n2, slope - length * direction[2]);
      if (trial.value <= current.value - 0.25 * length * decrement) {
        next = trial;
        break;
      }
    }
    if (!next) break;
    c1 -= length * direction[0];
    c2 -= length * direction[1];
    slope -= length * direction[2];
    current = next;
  }
  return { slope, cutpoints: [c1, c2] };
}

interface OrderedLogitPass {
  value: number;
  /** d/d(c1, c2, slope). */
  gradient: [number, number, number];
  /** Upper triangle: [c1c1, c1c2, c1s, c2c2, c2s, ss]. */
  hessian: [number, number, number, number, number, number];
}

/**
 * Weighted mean negative log-likelihood (plus the ridge) with its gradient and Hessian, in one
 * pass. With z1 = c1 - x, z2 = c2 - x (x = slope * difference): P(away) = s(z1),
 * P(draw) = s(z2) - s(z1), P(home) = 1 - s(z2); every row contributes through f(z1, z2) only.
 */
function orderedLogitPass(
  { differences, outcomes, weights }: OrderedLogitData,
  scale: number,
  c1: number,
  c2: number,
  slope: number,
): OrderedLogitPass {
  // One exponential per row: with E = exp(x - c1), s1 = 1 / (1 + E), s2 = 1 / (1 + E * shrink).
  const shrink = Math.exp(c1 - c2);
  let value = 0;
  let g1 = 0,
    g2 = 0,
    gs = 0;
  let h11 = 0,
    h12 = 0,
    h1s = 0,
    h22 = 0,
    h2s = 0,
    hss = 0;
  for (let i = 0; i < differences.length; i++) {
    const w = weights[i];
    if (w === 0) continue;
    const d = differences[i];
    const e = Math.exp(slope * d - c1);
    const s1 = 1 / (1 + e);
    const s2 = 1 / (1 + e * shrink);
    // First and second derivatives of the row's -log-likelihood wrt z1 and z2.
    let f1 = 0,
      f2 = 0,
      f11 = 0,
      f22 = 0,
      f12 = 0;
    const y = outcomes[i];
    if (y === 0) {
      value -= w * Math.log(s1);
      f1 = -(1 - s1);
      f11 = s1 * (1 - s1);
    } else if (y === 2) {
      value -= w * Math.log(1 - s2);
      f2 = s2;
      f22 = s2 * (1 - s2);
    } else {
      const p = Math.max(s2 - s1, 1e-300);
      const a1 = s1 * (1 - s1);
      const a2 = s2 * (1 - s2);
      value -= w * Math.log(p);
      f1 = a1 / p;
      f2 = -a2 / p;
      f11 = (a1 * (1 - 2 * s1) * p + a1 * a1) / (p * p);
      f22 = (a2 * a2 - a2 * (1 - 2 * s2) * p) / (p * p);
      f12 = -(a1 * a2) / (p * p);
    }
    // dz1 = (1, 0, -d), dz2 = (0, 1, -d) in (c1, c2, slope).
    const fs = f1 + f2;
    const f1s = f11 + f12;
    const f2s = f12 + f22;
    g1 += w * f1;
    g2 += w * f2;
    gs -= w * d * fs;
    h11 += w * f11;
    h12 += w * f12;
    h22 += w * f22;
    h1s -= w * d * f1s;
    h2s -= w * d * f2s;
    hss += w * d * d * (f1s + f2s);
  }
  const r = 2 * RIDGE;
  return {
    value: value * scale + RIDGE * (c1 * c1 + c2 * c2 + slope * slope),
    gradient: [g1 * scale + r * c1, g2 * scale + r * c2, gs * scale + r * slope],
    hessian: [
      h11 * scale + r,
      h12 * scale,
      h1s * scale,
      h22 * scale + r,
      h2s * scale,
      hss * scale + r,
    ],
  };
}

/** Solves H x = b for a symmetric positive definite 3 x 3 H (Cholesky); undefined if it is not. */
function solveSymmetric3(
  [a, b, c, d, e, f]: OrderedLogitPass['hessian'],
  rhs: [number, number, number],
): [number, number, number] | undefined {
  const l11 = Math.sqrt(a);
  const l21 = b / l11;
  const l31 = c / l11;
  const l22sq = d - l21 * l21;
  if (!(a > 0) || !(l22sq > 0)) return undefined;
  const l22 = Math.sqrt(l22sq);
  const l32 = (e - l31 * l21) / l22;
  const l33sq = f - l31 * l31 - l32 * l32;
  if (!(l33sq > 0)) return undefined;
  const l33 = Math.sqrt(l33sq);
  const y1 = rhs[0] / l11;
  const y2 = (rhs[1] - l21 * y1) / l22;
  const y3 = (rhs[2] - l31 * y1 - l32 * y2) / l33;
  const x3 = y3 / l33;
  const x2 = (y2 - l32 * x3) / l22;
  const x1 = (y1 - l21 * x2 - l31 * x3) / l11;
  return [x1, x2, x3];
}
