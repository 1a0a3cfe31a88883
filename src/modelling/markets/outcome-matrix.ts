// Score matrices that agree with a given 1X2 forecast, so models that only forecast the result
// (Elo, the stacked ensemble) still price every goal market consistently with their 1X2.
import type { OutcomeProbabilities } from '../types';
import { matchResult } from './markets';
import {
  createScoreMatrix,
  DEFAULT_MAX_GOALS,
  poissonScoreMatrix,
  type ScoreMatrix,
} from './score-matrix';

const regionOf = (h: number, a: number): keyof OutcomeProbabilities =>
  h > a ? 'home' : h === a ? 'draw' : 'away';

/**
 * Rescales the home-win, draw and away-win cells so that the matrix's 1X2 equals `target`, keeping
 * the shape of the score distribution within each region (the scores a model finds likely).
 */
export function conditionOnResult(matrix: ScoreMatrix, target: OutcomeProbabilities): ScoreMatrix {
  const current = matchResult(matrix);
  return createScoreMatrix(matrix.maxGoals, (h, a) => {
    const region = regionOf(h, a);
    return current[region] > 0 ? (matrix.p[h][a] * target[region]) / current[region] : 0;
  });
}

/**
 * A Poisson score matrix with the given average goals whose home-minus-away win probability
 * matches `target` (a supremacy found by bisection), then conditioned on `target` exactly.
 */
export function matrixForResult(
  target: OutcomeProbabilities,
  averageGoals: { home: number; away: number },
  maxGoals = DEFAULT_MAX_GOALS,
): ScoreMatrix {
  const wanted = target.home - target.away;
  const at = (s: number) => {
    const m = poissonScoreMatrix(
      averageGoals.home * Math.exp(s / 2),
      averageGoals.away * Math.exp(-s / 2),
      maxGoals,
    );
    const r = matchResult(m);
    return { m, gap: r.home - r.away - wanted };
  };
  let lo = -6;
  let hi = 6;
  let best = at(0);
  for (let i = 0; i < 50 && Math.abs(best.gap) > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    best = at(mid);
    if (best.gap > 0) hi = mid;
    else lo = mid;
  }
  return conditionOnResult(best.m, target);
}
