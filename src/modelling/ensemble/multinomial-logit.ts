// Multinomial logistic regression over three ordered-agnostic classes (home, draw, away):
//   logit_k = bias_k + sum_f weights[k][f] * x_f,  p = softmax(logit),
// fitted by L-BFGS on the mean negative log-likelihood plus l2 * ||weights - prior||^2.
// Shrinking towards a prior (not towards 0) matters here: with log-probability features the
// natural prior is logarithmic pooling (weight 1/M on each model's log p_k for class k), so a
// heavily regularised ensemble is a sensible average rather than a uniform forecast.
import { minimiseLbfgs } from '../optimise/lbfgs';

export const CLASS_COUNT = 3;

export interface MultinomialLogit {
  featureCount: number;
  /** [class][feature], classes in home, draw, away order. */
  weights: number[][];
  bias: number[];
}

export interface TrainingSet {
  /** Row-major, rows * featureCount. */
  features: Float64Array;
  /** 0 = home, 1 = draw, 2 = away. */
  labels: Uint8Array;
  rows: number;
  /** Optional per-row weights (default 1). */
  weights?: Float64Array;
}

const BIAS_RIDGE = 1e-6;

export function softmaxInto(logits: Float64Array, out: Float64Array): void {
  const max = Math.max(logits[0], logits[1], logits[2]);
  let sum = 0;
  for (let k = 0; k < CLASS_COUNT; k++) {
    out[k] = Math.exp(logits[k] - max);
    sum += out[k];
  }
  for (let k = 0; k < CLASS_COUNT; k++) out[k] /= sum;
}

export function predictMultinomial(
  model: MultinomialLogit,
  x: ArrayLike<number>,
): [number, number, number] {
  const logits = new Float64Array(CLASS_COUNT);
  for (let k = 0; k < CLASS_COUNT; k++) {
    let z = model.bias[k];
    const w = model.weights[k];
    for (let f = 0; f < model.featureCount; f++) z += w[f] * x[f];
    logits[k] = z;
  }
  const p = new Float64Array(CLASS_COUNT);
  softmaxInto(logits, p);
  return [p[0], p[1], p[2]];
}

function pack(model: MultinomialLogit): Float64Array {
  const F = model.featureCount;
  const x = new Float64Array(CLASS_COUNT * (F + 1));
  for (let k = 0; k < CLASS_COUNT; k++) {
    for (let f = 0; f < F; f++) x[k * (F + 1) + f] = model.weights[k][f];
    x[k * (F + 1) + F] = model.bias[k];
  }
  return x;
}

function unpack(x: Float64Array, F: number): MultinomialLogit {
  const weights: number[][] = [];
  const bias: number[] = [];
  for (let k = 0; k < CLASS_COUNT; k++) {
    weights.push(Array.from(x.subarray(k * (F + 1), k * (F + 1) + F)));
    bias.push(x[k * (F + 1) + F]);
  }
  return { featureCount: F, weights, bias };
}

export function fitMultinomialLogit(
  data: TrainingSet,
  prior: MultinomialLogit,
  l2: number,
  start: MultinomialLogit = prior,
): MultinomialLogit {
  const F = prior.featureCount;
  const stride = F + 1;
  const { features, labels, rows } = data;
  let totalWeight = 0;
  for (let i = 0; i < rows; i++) totalWeight += data.weights ? data.weights[i] : 1;
  if (totalWeight <= 0) return start;
  const priorX = pack(prior);
  const logits = new Float64Array(CLASS_COUNT);
  const p = new Float64Array(CLASS_COUNT);

  const objective = (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let value = 0;
    for (let i = 0; i < rows; i++) {
      const w = data.weights ? data.weights[i] : 1;
      if (w === 0) continue;
      const off = i * F;
      for (let k = 0; k < CLASS_COUNT; k++) {
        const base = k * stride;
        let z = x[base + F];
        for (let f = 0; f < F; f++) z += x[base + f] * features[off + f];
        logits[k] = z;
      }
      softmaxInto(logits, p);
      const y = labels[i];
      value -= w * Math.log(Math.max(p[y], 1e-300));
      for (let k = 0; k < CLASS_COUNT; k++) {
        const r = w * (p[k] - (k === y ? 1 : 0));
        const base = k * stride;
        for (let f = 0; f < F; f++) grad[base + f] += r * features[off + f];
        grad[base + F] += r;
      }
    }
    const scale = 1 / totalWeight;
    value *= scale;
    for (let j = 0; j < x.length; j++) {
      grad[j] *= scale;
      const isBias = j % stride === F;
      const lambda = isBias ? BIAS_RIDGE : l2;
      const d = x[j] - (isBias ? 0 : priorX[j]);
      value += lambda * d * d;
      grad[j] += 2 * lambda * d;
    }
    return value;
  };

  const { x } = minimiseLbfgs(objective, pack(start), {
    maxIterations: 200,
    gradientTolerance: 1e-6,
    functionTolerance: 1e-10,
  });
  return unpack(x, F);
}
