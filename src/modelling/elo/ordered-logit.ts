// Ordered logit mapping a rating difference to away < draw < home probabilities, fitted by maximum
// likelihood (Newton's method). With x = slope * difference:
//   P(away) = s(c1 - x),  P(away or draw) = s(c2 - x),  P(home) = 1 - s(c2 - x),  c1 < c2
// (every step keeps the cutpoints ordered).
import { minimiseNewton, type SecondOrderEvaluation } from '../optimise/newton';
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
 * Fits by Newton's method on (c1, c2, slope), where the negative log-likelihood is convex
 * (Pratt 1981): from a warm start (last week's fit, a few rows fewer) it converges in about three
 * passes over the rows, where L-BFGS took seven (each pass is an exponential per row over every
 * past match, and the Elo and pi-rating fits refit this every week).
 */
export function fitOrderedLogit(
  data: OrderedLogitData,
  start: OrderedLogit = DEFAULT_ORDERED_LOGIT,
): OrderedLogit {
  let totalWeight = 0;
  for (let i = 0; i < data.weights.length; i++) totalWeight += data.weights[i];
  if (totalWeight <= 0) return start;
  const c1 = start.cutpoints[0];
  const x0 = Float64Array.from([c1, Math.max(start.cutpoints[1], c1 + 1e-3), start.slope]);
  const { x } = minimiseNewton((p) => orderedLogitPass(data, 1 / totalWeight, p), x0, {
    feasible: (p) => p[1] > p[0],
  });
  return { slope: x[2], cutpoints: [x[0], x[1]] };
}

/**
 * Weighted mean negative log-likelihood (plus the ridge) with its gradient and Hessian, in one
 * pass. With z1 = c1 - x, z2 = c2 - x (x = slope * difference): P(away) = s(z1),
 * P(draw) = s(z2) - s(z1), P(home) = 1 - s(z2); every row contributes through f(z1, z2) only.
 */
function orderedLogitPass(
  { differences, outcomes, weights }: OrderedLogitData,
  scale: number,
  [c1, c2, slope]: Float64Array,
): SecondOrderEvaluation {
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
  const [h1, h2, hs] = [h11 * scale + r, h22 * scale + r, hss * scale + r];
  const [x12, x1s, x2s] = [h12 * scale, h1s * scale, h2s * scale];
  return {
    value: value * scale + RIDGE * (c1 * c1 + c2 * c2 + slope * slope),
    gradient: Float64Array.of(g1 * scale + r * c1, g2 * scale + r * c2, gs * scale + r * slope),
    hessian: Float64Array.of(h1, x12, x1s, x12, h2, x2s, x1s, x2s, hs),
  };
}
