// Aggregate metrics over many forecasts, and paired comparisons of two models on the same matches.
import type { OutcomeProbabilities } from '../types';
import {
  binaryCalibration,
  DEFAULT_CALIBRATION_BINS,
  outcomeCalibration,
  type BinaryForecast,
} from './calibration';
import {
  binaryBrier,
  binaryLogLoss,
  brierScore,
  logLoss,
  predictedOutcome,
  rankedProbabilityScore,
  type Outcome,
} from './scores';

export interface ScoredForecast {
  probabilities: OutcomeProbabilities;
  outcome: Outcome;
}

export interface OutcomeMetrics {
  count: number;
  rps: number;
  logLoss: number;
  brier: number;
  accuracy: number;
  ece: number;
}

export interface BinaryMetrics {
  count: number;
  brier: number;
  logLoss: number;
  ece: number;
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length > 0 ? s / values.length : Number.NaN;
}

export function summariseOutcomes(
  forecasts: readonly ScoredForecast[],
  binCount = DEFAULT_CALIBRATION_BINS,
): OutcomeMetrics {
  return {
    count: forecasts.length,
    rps: mean(forecasts.map((f) => rankedProbabilityScore(f.probabilities, f.outcome))),
    logLoss: mean(forecasts.map((f) => logLoss(f.probabilities, f.outcome))),
    brier: mean(forecasts.map((f) => brierScore(f.probabilities, f.outcome))),
    accuracy: mean(forecasts.map((f) => (predictedOutcome(f.probabilities) === f.outcome ? 1 : 0))),
    ece: outcomeCalibration(forecasts, binCount).expectedCalibrationError,
  };
}

export function summariseBinary(
  forecasts: readonly BinaryForecast[],
  binCount = DEFAULT_CALIBRATION_BINS,
): BinaryMetrics {
  return {
    count: forecasts.length,
    brier: mean(forecasts.map((f) => binaryBrier(f.probability, f.happened))),
    logLoss: mean(forecasts.map((f) => binaryLogLoss(f.probability, f.happened))),
    ece: binaryCalibration(forecasts, binCount).expectedCalibrationError,
  };
}

export interface PairedComparison {
  count: number;
  meanA: number;
  meanB: number;
  /** mean(a - b): negative means A scores lower (better, for losses) than B. */
  meanDifference: number;
  /** Sample standard deviation of the differences over sqrt(count). */
  standardError: number;
  /** meanDifference / standardError. */
  z: number;
}

/** Paired comparison of per-match losses of two models on the same matches, in the same order. */
export function pairedComparison(a: ArrayLike<number>, b: ArrayLike<number>): PairedComparison {
  if (a.length !== b.length)
    throw new Error(`paired comparison needs equal lengths (${a.length} vs ${b.length})`);
  const n = a.length;
  const diffs = new Float64Array(n);
  for (let i = 0; i < n; i++) diffs[i] = a[i] - b[i];
  const meanDifference = mean(diffs);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (diffs[i] - meanDifference) ** 2;
  const standardError = n > 1 ? Math.sqrt(ss / (n - 1) / n) : Number.NaN;
  return {
    count: n,
    meanA: mean(a),
    meanB: mean(b),
    meanDifference,
    standardError,
    z: meanDifference / standardError,
  };
}
