// Proper scoring rules for 1X2 forecasts. Outcomes are ordered home < draw < away, which is what
// makes the ranked probability score meaningful (a home forecast is "closer" to a draw than to an away).
import type { OutcomeProbabilities } from '../types';

export type Outcome = 'home' | 'draw' | 'away';

export const OUTCOMES: readonly Outcome[] = ['home', 'draw', 'away'];

/** Log loss never reaches infinity: probabilities are clamped to this floor. */
export const PROBABILITY_FLOOR = 1e-15;

export function outcomeOf(homeGoals: number, awayGoals: number): Outcome {
  if (homeGoals > awayGoals) return 'home';
  if (homeGoals < awayGoals) return 'away';
  return 'draw';
}

/** RPS for three ordered categories: mean squared distance of the two cumulative sums. */
export function rankedProbabilityScore(p: OutcomeProbabilities, outcome: Outcome): number {
  const cumHome = p.home - (outcome === 'home' ? 1 : 0);
  const cumDraw = p.home + p.draw - (outcome === 'away' ? 0 : 1);
  return (cumHome * cumHome + cumDraw * cumDraw) / 2;
}

/** Natural-log loss of the observed outcome. */
export function logLoss(p: OutcomeProbabilities, outcome: Outcome): number {
  return -Math.log(Math.max(p[outcome], PROBABILITY_FLOOR));
}

/** Multiclass Brier score: sum over the three outcomes of (p - indicator)^2, in [0, 2]. */
export function brierScore(p: OutcomeProbabilities, outcome: Outcome): number {
  let sum = 0;
  for (const o of OUTCOMES) {
    const diff = p[o] - (o === outcome ? 1 : 0);
    sum += diff * diff;
  }
  return sum;
}

/** Outcome with the highest probability; ties go to the earlier one in home, draw, away order. */
export function predictedOutcome(p: OutcomeProbabilities): Outcome {
  let best: Outcome = 'home';
  for (const o of OUTCOMES) if (p[o] > p[best]) best = o;
  return best;
}

/** Binary event (over 2.5, both teams to score): squared error of the probability. */
export function binaryBrier(p: number, happened: boolean): number {
  const diff = p - (happened ? 1 : 0);
  return diff * diff;
}

export function binaryLogLoss(p: number, happened: boolean): number {
  return -Math.log(Math.max(happened ? p : 1 - p, PROBABILITY_FLOOR));
}
