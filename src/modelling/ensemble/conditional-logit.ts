// Conditional (McFadden) logit over the three outcomes with class-specific feature values and
// shared coefficients:  logit_k = bias_k + sum_j beta_j * z[k][j],  p = softmax(logit).
// With z[k][m] = log p_m(k) this is logarithmic opinion pooling with learned weights: a handful
// of parameters instead of a full 3 x F weight matrix, which overfits the few thousand
// out-of-sample rows an ensemble has (each extra parameter costs about 1/(2n) of log loss).
import { minimiseLbfgs } from '../optimise/lbfgs';
import { softmaxInto } from './multinomial-logit';

export interface ConditionalLogit {
  featureCount: number;
  coefficients: number[];
  /** Per class (home, draw, away); the away bias is fixed at 0 for identifiability. */
  bias: [number, number, number];
}

export interface ConditionalTrainingSet {
  /** rows * 3 * featureCount: row i, class k, feature j at (i * 3 + k) * featureCount + j. */
  features: Float64Array;
  labels: Uint8Array;
  rows: number;
  /**
   * Per row, how many leading features may be non-zero in any class (the rest are 0 in all
   * three): the fit skips them. Absent: every feature is read.
   */
  widths?: Uint16Array;
}

/** The row's width for ConditionalTrainingSet.widths: 1 + its last feature non-zero in any class. */
export function rowWidth(features: Float64Array, offset: number, featureCount: number): number {
  for (let j = featureCount - 1; j >= 0; j--) {
    for (let k = 0; k < 3; k++) if (features[offset + k * featureCount + j] !== 0) return j + 1;
  }
  return 0;
}

export function conditionalLogitProbabilities(
  model: ConditionalLogit,
  z: ArrayLike<number>,
  offset = 0,
  out = new Float64Array(3),
): Float64Array {
  const J = model.featureCount;
  const logits = new Float64Array(3);
  for (let k = 0; k < 3; k++) {
    let s = model.bias[k];
    for (let j = 0; j < J; j++) s += model.coefficients[j] * z[offset + k * J + j];
    logits[k] = s;
  }
  softmaxInto(logits, out);
  return out;
}

/** Mean negative log-likelihood + l2 * ||beta - prior||^2, biases unpenalised. */
export function fitConditionalLogit(
  data: ConditionalTrainingSet,
  prior: ConditionalLogit,
  l2: number,
  start: ConditionalLogit = prior,
): ConditionalLogit {
  const J = prior.featureCount;
  const { features, labels, rows, widths } = data;
  if (rows === 0) return start;
  const logits = new Float64Array(3);
  // x = [beta_0..beta_{J-1}, bias_home, bias_draw]
  const objective = (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let value = 0;
    for (let i = 0; i < rows; i++) {
      const base = i * 3 * J;
      // Columns that are 0 in every class add nothing to a logit or to the gradient.
      const W = widths ? widths[i] : J;
      for (let k = 0; k < 3; k++) {
        let s = k < 2 ? x[J + k] : 0;
        const off = base + k * J;
        for (let j = 0; j < W; j++) s += x[j] * features[off + j];
        logits[k] = s;
      }
      // softmax, inlined: this loop is the ensembles' whole fitting cost
      const max = Math.max(logits[0], logits[1], logits[2]);
      const e0 = Math.exp(logits[0] - max);
      const e1 = Math.exp(logits[1] - max);
      const e2 = Math.exp(logits[2] - max);
      const sum = e0 + e1 + e2;
      const y = labels[i];
      // Residuals p_k - [k = y]: the gradient is sum_k r_k * z[k] in one pass over the features.
      const r0 = e0 / sum - (y === 0 ? 1 : 0);
      const r1 = e1 / sum - (y === 1 ? 1 : 0);
      const r2 = e2 / sum - (y === 2 ? 1 : 0);
      value -= Math.log(Math.max((y === 0 ? e0 : y === 1 ? e1 : e2) / sum, 1e-300));
      const off1 = base + J;
      const off2 = base + 2 * J;
      for (let j = 0; j < W; j++) {
        grad[j] += r0 * features[base + j] + r1 * features[off1 + j] + r2 * features[off2 + j];
      }
      grad[J] += r0;
      grad[J + 1] += r1;
    }
    value /= rows;
    for (let j = 0; j < J + 2; j++) grad[j] /= rows;
    for (let j = 0; j < J; j++) {
      const d = x[j] - prior.coefficients[j];
      value += l2 * d * d;
      grad[j] += 2 * l2 * d;
    }
    return value;
  };
  const x0 = Float64Array.from([...start.coefficients, start.bias[0], start.bias[1]]);
  const { x } = minimiseLbfgs(objective, x0, {
    maxIterations: 100,
    gradientTolerance: 1e-5,
    functionTolerance: 1e-12,
  });
  return { featureCount: J, coefficients: Array.from(x.subarray(0, J)), bias: [x[J], x[J + 1], 0] };
}
