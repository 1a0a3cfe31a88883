// The market's score model: home and away Poisson means, plus a draw inflation, that reproduce a
// fixture's margin-free 1X2 and over/under 2.5 probabilities. The betting markets price the
// result and the goal total separately; a score model that agrees with both turns them into one
// distribution, so it also gives the market's own both-teams-to-score, correct scores, etc.
//
// Two solves:
//  - exact: log home mean, log away mean and the draw inflation reproduce P(home), P(draw) and
//    P(over 2.5) (three equations, three unknowns);
//  - goals-implied: the draw inflation is fixed and the two means reproduce P(home) - P(away)
//    and P(over 2.5). Its draw probability is the one the total-goals market implies, which can
//    differ from the 1X2 market's own draw price: an ensemble source for the draw.
import { impliedProbabilities } from '../odds/margin';
import type { OddsPhase } from '../backtest/market-line';
import type { Fixture } from '../backtest/types';
import { createScoreMatrix, poissonProbabilities, type ScoreMatrix } from '../markets/score-matrix';
import type { OutcomeProbabilities } from '../types';

export interface MarketScores {
  homeRate: number;
  awayRate: number;
  /** Log of the factor on every draw cell (before renormalisation); 0: independent Poisson. */
  drawInflation: number;
}

export interface MarketScoreSummary {
  result: OutcomeProbabilities;
  over25: number;
  btts: number;
}

const MAX_GOALS = 10;
const TOLERANCE = 1e-10;
const MAX_ITERATIONS = 60;
const MIN_LOG_RATE = Math.log(0.02);
const MAX_LOG_RATE = Math.log(8);
const MAX_INFLATION = 3;

/** P(home), P(draw), P(away), P(over 2.5), P(both score) of the inflated Poisson scores. */
export function marketScoreSummary(s: MarketScores): MarketScoreSummary {
  const ph = poissonProbabilities(s.homeRate, MAX_GOALS);
  const pa = poissonProbabilities(s.awayRate, MAX_GOALS);
  const c = Math.exp(s.drawInflation);
  let home = 0;
  let draw = 0;
  let away = 0;
  let under = 0;
  let noneScore = 0;
  for (let h = 0; h <= MAX_GOALS; h++) {
    for (let a = 0; a <= MAX_GOALS; a++) {
      let v = ph[h] * pa[a];
      if (h === a) {
        v *= c;
        draw += v;
      } else if (h > a) home += v;
      else away += v;
      if (h + a <= 2) under += v;
      if (h === 0 || a === 0) noneScore += v;
    }
  }
  const total = home + draw + away;
  return {
    result: { home: home / total, draw: draw / total, away: away / total },
    over25: 1 - under / total,
    btts: 1 - noneScore / total,
  };
}

/** The score matrix of the solution (e.g. for correct scores or an explanation). */
export function marketScoreMatrix(s: MarketScores, maxGoals = MAX_GOALS): ScoreMatrix {
  const ph = poissonProbabilities(s.homeRate, maxGoals);
  const pa = poissonProbabilities(s.awayRate, maxGoals);
  const c = Math.exp(s.drawInflation);
  return createScoreMatrix(maxGoals, (h, a) => ph[h] * pa[a] * (h === a ? c : 1));
}

/**
 * P(home), P(draw), P(away) and P(over 2.5) of the inflated Poisson scores at log means (h, a)
 * and draw inflation d, with their partial derivatives in (h, a, d): one pass over the cells.
 * A cell's probability v moves by v (h - homeMean) per unit of log home mean (the Poisson
 * probability's own slope), by v (a - awayMean) per unit of log away mean, and by v in d on the
 * draw diagonal; the probabilities are the sums over the total, hence (dS - P dT) / T.
 */
export function summaryWithSlopes(
  logHome: number,
  logAway: number,
  drawInflation: number,
): { values: number[]; slopes: number[][] } {
  const homeMean = Math.exp(logHome);
  const awayMean = Math.exp(logAway);
  const ph = poissonProbabilities(homeMean, MAX_GOALS);
  const pa = poissonProbabilities(awayMean, MAX_GOALS);
  const c = Math.exp(drawInflation);
  // Sums over home wins, draws, away wins and at most 2 goals, and their slopes in the two log
  // means (the inflation's slope is the draw sum itself, or the 0-0 and 1-1 cells for "under").
  let home = 0;
  let homeByH = 0;
  let homeByA = 0;
  let draw = 0;
  let drawByH = 0;
  let drawByA = 0;
  let away = 0;
  let awayByH = 0;
  let awayByA = 0;
  let under = 0;
  let underByH = 0;
  let underByA = 0;
  let underByInflation = 0;
  for (let h = 0; h <= MAX_GOALS; h++) {
    for (let a = 0; a <= MAX_GOALS; a++) {
      const v = h === a ? ph[h] * pa[a] * c : ph[h] * pa[a];
      const byH = v * (h - homeMean);
      const byA = v * (a - awayMean);
      if (h > a) {
        home += v;
        homeByH += byH;
        homeByA += byA;
      } else if (h === a) {
        draw += v;
        drawByH += byH;
        drawByA += byA;
      } else {
        away += v;
        awayByH += byH;
        awayByA += byA;
      }
      if (h + a <= 2) {
        under += v;
        underByH += byH;
        underByA += byA;
        if (h === a) underByInflation += v;
      }
    }
  }
  const total = home + draw + away;
  const totalSlopes = [homeByH + drawByH + awayByH, homeByA + drawByA + awayByA, draw];
  const sums = [home, draw, away, under];
  const slopes = [
    [homeByH, homeByA, 0],
    [drawByH, drawByA, draw],
    [awayByH, awayByA, 0],
    [underByH, underByA, underByInflation],
  ];
  const values = sums.map((sum) => sum / total);
  const normalisedSlopes = slopes.map((row, k) =>
    row.map((slope, j) => (slope - values[k] * totalSlopes[j]) / total),
  );
  // P(over 2.5) = 1 - P(at most 2 goals).
  values[3] = 1 - values[3];
  normalisedSlopes[3] = normalisedSlopes[3].map((slope) => -slope);
  return { values, slopes: normalisedSlopes };
}

/** Solves A d = -r for a small dense system by Gaussian elimination with partial pivoting. */
function solveLinear(a: number[][], r: number[]): number[] | undefined {
  const n = r.length;
  const m = a.map((row, i) => [...row, -r[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(m[i][col]) > Math.abs(m[pivot][col])) pivot = i;
    if (Math.abs(m[pivot][col]) < 1e-14) return undefined;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let i = col + 1; i < n; i++) {
      const f = m[i][col] / m[col][col];
      for (let j = col; j <= n; j++) m[i][j] -= f * m[col][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let j = i + 1; j < n; j++) s -= m[i][j] * x[j];
    x[i] = s / m[i][i];
  }
  return x;
}

/** Residuals of a system at x, and their Jacobian (row i: d residual i / d x). */
type System = (x: number[]) => { residuals: number[]; jacobian: number[][] };

const maxAbs = (values: number[]) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * Damped Newton on residuals(x) = 0 with the analytic Jacobian; x is clamped to [lo, hi] per
 * coordinate. Returns undefined when it does not reach the tolerance.
 */
function newton(system: System, x0: number[], lo: number[], hi: number[]): number[] | undefined {
  let x = [...x0];
  let { residuals, jacobian } = system(x);
  let norm = maxAbs(residuals);
  for (let it = 0; it < MAX_ITERATIONS && norm > TOLERANCE; it++) {
    const d = solveLinear(jacobian, residuals);
    if (!d) return undefined;
    let step = 1;
    let improved = false;
    for (let k = 0; k < 30; k++, step /= 2) {
      const candidate = x.map((v, j) => Math.min(hi[j], Math.max(lo[j], v + step * d[j])));
      const next = system(candidate);
      const nextNorm = maxAbs(next.residuals);
      if (nextNorm < norm) {
        x = candidate;
        ({ residuals, jacobian } = next);
        norm = nextNorm;
        improved = true;
        break;
      }
    }
    if (!improved) break;
  }
  return norm <= 1e-8 ? x : undefined;
}

/** Independent-Poisson starting means for a total-goals probability and a home share. */
function startingRates(over25: number, homeMinusAway: number): [number, number] {
  // Total goals ~ Poisson(t): P(total > 2.5) rises monotonically in t; bisection on t.
  let lo = 0.05;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const t = 0.5 * (lo + hi);
    const under = Math.exp(-t) * (1 + t + (t * t) / 2);
    if (1 - under < over25) lo = t;
    else hi = t;
  }
  const total = 0.5 * (lo + hi);
  const share = Math.min(0.85, Math.max(0.15, 0.5 + 0.5 * homeMinusAway));
  return [Math.log(total * share), Math.log(total * (1 - share))];
}

const validProbability = (p: number) => Number.isFinite(p) && p > 0 && p < 1;

/**
 * Means and draw inflation reproducing the given 1X2 and P(over 2.5) (to ~1e-10), or undefined
 * when no such score model exists (e.g. inconsistent or extreme prices).
 */
export function solveMarketScores(
  result: OutcomeProbabilities,
  over25: number,
): MarketScores | undefined {
  if (![result.home, result.draw, result.away, over25].every(validProbability)) return undefined;
  const [lh, la] = startingRates(over25, result.home - result.away);
  const x = newton(
    ([h, a, d]) => {
      const { values, slopes } = summaryWithSlopes(h, a, d);
      return {
        residuals: [values[0] - result.home, values[1] - result.draw, values[3] - over25],
        jacobian: [slopes[0], slopes[1], slopes[3]],
      };
    },
    [lh, la, 0],
    [MIN_LOG_RATE, MIN_LOG_RATE, -MAX_INFLATION],
    [MAX_LOG_RATE, MAX_LOG_RATE, MAX_INFLATION],
  );
  return x
    ? { homeRate: Math.exp(x[0]), awayRate: Math.exp(x[1]), drawInflation: x[2] }
    : undefined;
}

/**
 * Means with a fixed draw inflation that reproduce P(home) - P(away) and P(over 2.5): the draw
 * probability the goal-total market implies. undefined when there is no solution.
 */
export function solveGoalsImpliedScores(
  result: OutcomeProbabilities,
  over25: number,
  drawInflation = 0,
): MarketScores | undefined {
  if (![result.home, result.draw, result.away, over25].every(validProbability)) return undefined;
  const target = result.home - result.away;
  const [lh, la] = startingRates(over25, target);
  const x = newton(
    ([h, a]) => {
      const { values, slopes } = summaryWithSlopes(h, a, drawInflation);
      return {
        residuals: [values[0] - values[2] - target, values[3] - over25],
        // The draw inflation is fixed: only the two means' columns.
        jacobian: [
          [slopes[0][0] - slopes[2][0], slopes[0][1] - slopes[2][1]],
          [slopes[3][0], slopes[3][1]],
        ],
      };
    },
    [lh, la],
    [MIN_LOG_RATE, MIN_LOG_RATE],
    [MAX_LOG_RATE, MAX_LOG_RATE],
  );
  return x ? { homeRate: Math.exp(x[0]), awayRate: Math.exp(x[1]), drawInflation } : undefined;
}

// Each match's odds are frozen once by the backtester and re-read every week: cache by identity.
const overCache = new WeakMap<object, number | null>();

/** Margin-free (Shin) P(over 2.5) of the fixture's over/under prices for a phase. */
export function marketOverProbability(fixture: Fixture, phase: OddsPhase): number | undefined {
  const prices = fixture.odds?.ou25?.[phase];
  if (!prices) return undefined;
  let p = overCache.get(prices);
  if (p === undefined) {
    const implied = impliedProbabilities([prices.over, prices.under], 'shin');
    p = implied.ok ? implied.probabilities[0] : null;
    overCache.set(prices, p);
  }
  return p ?? undefined;
}
