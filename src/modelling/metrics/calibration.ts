// Reliability diagrams and expected calibration error (ECE) with equal-width probability bins.
import type { OutcomeProbabilities } from '../types';
import { OUTCOMES, type Outcome } from './scores';

export interface ReliabilityBin {
  /** Bin covers [lower, upper); the last bin also includes 1. */
  lower: number;
  upper: number;
  count: number;
  meanForecast: number;
  observedFrequency: number;
}

export interface Calibration {
  bins: ReliabilityBin[];
  /** Sum over bins of (count / total) * |meanForecast - observedFrequency|. */
  expectedCalibrationError: number;
}

export interface BinaryForecast {
  probability: number;
  happened: boolean;
}

export const DEFAULT_CALIBRATION_BINS = 10;

/** Calibration of binary forecasts. Empty bins are kept (count 0) so diagrams line up. */
export function binaryCalibration(
  forecasts: readonly BinaryForecast[],
  binCount = DEFAULT_CALIBRATION_BINS,
): Calibration {
  const count = new Float64Array(binCount);
  const sumForecast = new Float64Array(binCount);
  const sumHappened = new Float64Array(binCount);
  for (const { probability, happened } of forecasts) {
    const b = Math.min(binCount - 1, Math.max(0, Math.floor(probability * binCount)));
    count[b]++;
    sumForecast[b] += probability;
    if (happened) sumHappened[b]++;
  }
  const total = forecasts.length;
  let ece = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < binCount; b++) {
    const meanForecast = count[b] > 0 ? sumForecast[b] / count[b] : 0;
    const observedFrequency = count[b] > 0 ? sumHappened[b] / count[b] : 0;
    if (total > 0) ece += (count[b] / total) * Math.abs(meanForecast - observedFrequency);
    bins.push({
      lower: b / binCount,
      upper: (b + 1) / binCount,
      count: count[b],
      meanForecast,
      observedFrequency,
    });
  }
  return { bins, expectedCalibrationError: ece };
}

/**
 * Class-wise calibration of 1X2 forecasts: each match contributes three one-vs-rest forecasts
 * (home, draw, away) and the ECE is the mean of the three per-class ECEs.
 */
export function outcomeCalibration(
  forecasts: readonly { probabilities: OutcomeProbabilities; outcome: Outcome }[],
  binCount = DEFAULT_CALIBRATION_BINS,
): { perOutcome: Record<Outcome, Calibration>; expectedCalibrationError: number } {
  const perOutcome = {} as Record<Outcome, Calibration>;
  let ece = 0;
  for (const o of OUTCOMES) {
    perOutcome[o] = binaryCalibration(
      forecasts.map((f) => ({ probability: f.probabilities[o], happened: f.outcome === o })),
      binCount,
    );
    ece += perOutcome[o].expectedCalibrationError / OUTCOMES.length;
  }
  return { perOutcome, expectedCalibrationError: ece };
}
