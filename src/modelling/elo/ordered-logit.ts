// Ordered logit mapping a rating difference to away < draw < home probabilities, fitted by maximum
// likelihood with L-BFGS. With x = slope * difference:
//   P(away) = s(c1 - x),  P(away or draw) = s(c2 - x),  P(home) = 1 - s(c2 - x),  c2 = c1 + exp(u),
// so the cutpoints stay ordered without constraints.
import { minimiseLbfgs } from '../optimise/lbfgs';
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

export function fitOrderedLogit(
  data: OrderedLogitData,
  start: OrderedLogit = DEFAULT_ORDERED_LOGIT,
): OrderedLogit {
  const { differences, outcomes, weights } = data;
  const n = differences.length;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += weights[i];
  if (totalWeight <= 0) return start;

  const objective = (p: Float64Array, grad: Float64Array): number => {
    const c1 = p[0];
    const gap = Math.exp(p[1]);
    const slope = p[2];
    // One exponential per row: with E = exp(x - c1), s1 = 1 / (1 + E) and
    // s2 = sigmoid(c2 - x) = 1 / (1 + E * exp(-gap)).
    const shrink = Math.exp(-gap);
    let value = 0;
    let gC1 = 0;
    let gGap = 0;
    let gSlope = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (w === 0) continue;
      const d = differences[i];
      const e = Math.exp(slope * d - c1);
      const s1 = 1 / (1 + e);
      const s2 = 1 / (1 + e * shrink);
      // dz1, dz2: derivatives of the negative log-likelihood wrt z1 = c1 - x and z2 = c2 - x.
      let dz1 = 0;
      let dz2 = 0;
      const y = outcomes[i];
      if (y === 0) {
        value -= w * Math.log(s1);
        dz1 = -(1 - s1);
      } else if (y === 2) {
        value -= w * Math.log(1 - s2);
        dz2 = s2;
      } else {
        const p1 = Math.max(s2 - s1, 1e-300);
        value -= w * Math.log(p1);
        dz1 = (s1 * (1 - s1)) / p1;
        dz2 = -(s2 * (1 - s2)) / p1;
      }
      gC1 += w * (dz1 + dz2);
      gGap += w * dz2;
      gSlope -= w * d * (dz1 + dz2);
    }
    // Normalise by total weight so tolerances do not depend on the sample size.
    const scale = 1 / totalWeight;
    grad[0] = gC1 * scale + 2 * RIDGE * p[0];
    grad[1] = gGap * gap * scale + 2 * RIDGE * p[1];
    grad[2] = gSlope * scale + 2 * RIDGE * p[2];
    return value * scale + RIDGE * (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
  };

  const gap0 = Math.max(start.cutpoints[1] - start.cutpoints[0], 1e-3);
  const x0 = Float64Array.from([start.cutpoints[0], Math.log(gap0), start.slope]);
  const { x } = minimiseLbfgs(objective, x0, {
    maxIterations: 100,
    gradientTolerance: 1e-6,
    functionTolerance: 1e-12,
  });
  return { slope: x[2], cutpoints: [x[0], x[0] + Math.exp(x[1])] };
}
