// Conditional (McFadden) logit over the three outcomes with class-specific feature values and
// shared coefficients:  logit_k = bias_k + sum_j beta_j * z[k][j],  p = softmax(logit).
// With z[k][m] = log p_m(k) this is logarithmic opinion pooling with learned weights: a handful
// of parameters instead of a full 3 x F weight matrix, which overfits the few thousand
// out-of-sample rows an ensemble has (each extra parameter costs about 1/(2n) of log loss).
import { minimiseNewton, type SecondOrderEvaluation } from '../optimise/newton';
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

/**
 * Mean negative log-likelihood + l2 * ||beta - prior||^2, biases unpenalised, minimised by
 * Newton's method (convex: a softmax of linear functions): from the previous fit it takes about
 * three passes over the rows; L-BFGS took about 30 on these ill-conditioned columns (the sources'
 * log-probabilities are strongly correlated) and stopped short of the optimum.
 */
export function fitConditionalLogit(
  data: ConditionalTrainingSet,
  prior: ConditionalLogit,
  l2: number,
  start: ConditionalLogit = prior,
): ConditionalLogit {
  const J = prior.featureCount;
  if (data.rows === 0) return start;
  const x0 = Float64Array.from([...start.coefficients, start.bias[0], start.bias[1]]);
  const { x } = minimiseNewton((p) => conditionalLogitPass(data, prior, l2, p), x0);
  return { featureCount: J, coefficients: Array.from(x.subarray(0, J)), bias: [x[J], x[J + 1], 0] };
}

/**
 * The objective, its gradient and its Hessian in one pass over the rows;
 * x = [beta_0..beta_{J-1}, bias_home, bias_draw]. Per row, with p the softmax and z_k class k's
 * columns (the bias columns included), the gradient is sum_k (p_k - [k = y]) z_k and the Hessian
 * sum_k p_k (z_k - m)(z_k - m)', m = sum_k p_k z_k. Only a row's non-zero columns are visited.
 */
function conditionalLogitPass(
  { features, labels, rows, widths }: ConditionalTrainingSet,
  prior: ConditionalLogit,
  l2: number,
  x: Float64Array,
): SecondOrderEvaluation {
  const J = prior.featureCount;
  const n = J + 2;
  const gradient = new Float64Array(n);
  const hessian = new Float64Array(n * n);
  // A row's centred columns z_k - m per class, over its active indices (its leading W features,
  // then the two bias columns).
  const centred = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const active = new Int32Array(n);
  let value = 0;
  for (let i = 0; i < rows; i++) {
    const base = i * 3 * J;
    const W = widths ? widths[i] : J;
    let s0 = x[J];
    let s1 = x[J + 1];
    let s2 = 0;
    for (let j = 0; j < W; j++) {
      s0 += x[j] * features[base + j];
      s1 += x[j] * features[base + J + j];
      s2 += x[j] * features[base + 2 * J + j];
    }
    const max = Math.max(s0, s1, s2);
    const e0 = Math.exp(s0 - max);
    const e1 = Math.exp(s1 - max);
    const e2 = Math.exp(s2 - max);
    const sum = e0 + e1 + e2;
    const p0 = e0 / sum;
    const p1 = e1 / sum;
    const p2 = e2 / sum;
    const y = labels[i];
    value -= Math.log(Math.max(y === 0 ? p0 : y === 1 ? p1 : p2, 1e-300));
    const r0 = p0 - (y === 0 ? 1 : 0);
    const r1 = p1 - (y === 1 ? 1 : 0);
    const r2 = p2 - (y === 2 ? 1 : 0);
    const [z0, z1, z2] = centred;
    for (let j = 0; j < W; j++) {
      const a = features[base + j];
      const b = features[base + J + j];
      const c = features[base + 2 * J + j];
      gradient[j] += r0 * a + r1 * b + r2 * c;
      const mean = p0 * a + p1 * b + p2 * c;
      z0[j] = a - mean;
      z1[j] = b - mean;
      z2[j] = c - mean;
      active[j] = j;
    }
    gradient[J] += r0;
    gradient[J + 1] += r1;
    // The bias columns: [1, 0, 0] and [0, 1, 0] across the classes.
    z0[W] = 1 - p0;
    z1[W] = -p0;
    z2[W] = -p0;
    active[W] = J;
    z0[W + 1] = -p1;
    z1[W + 1] = 1 - p1;
    z2[W + 1] = -p1;
    active[W + 1] = J + 1;
    for (let a = 0; a < W + 2; a++) {
      const w0 = p0 * z0[a];
      const w1 = p1 * z1[a];
      const w2 = p2 * z2[a];
      const row = active[a] * n;
      for (let b = 0; b <= a; b++) hessian[row + active[b]] += w0 * z0[b] + w1 * z1[b] + w2 * z2[b];
    }
  }
  value /= rows;
  for (let j = 0; j < n; j++) gradient[j] /= rows;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b <= a; b++) {
      hessian[a * n + b] /= rows;
      hessian[b * n + a] = hessian[a * n + b];
    }
  }
  for (let j = 0; j < J; j++) {
    const d = x[j] - prior.coefficients[j];
    value += l2 * d * d;
    gradient[j] += 2 * l2 * d;
    hessian[j * n + j] += 2 * l2;
  }
  return { value, gradient, hessian };
}
