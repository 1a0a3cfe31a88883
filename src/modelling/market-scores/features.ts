// What the stacked ensemble reads from a fixture's goal market (over/under 2.5) for one phase.
import { marketProbabilities, type OddsPhase } from '../backtest/market-line';
import type { BacktestModel, Fixture } from '../backtest/types';
import type { OutcomeProbabilities } from '../types';
import {
  marketOverProbability,
  marketScoreSummary,
  solveGoalsImpliedScores,
  solveMarketScores,
} from './model';

/**
 * 'implied': the goals-implied 1X2 (solveGoalsImpliedScores) as one more pooled source;
 * 'draw-feature': logit P(over 2.5) as a column of the draw class only (a learned slope of the
 * draw's log-odds on the expected goal total); 'both'.
 */
export type GoalsFeatures = 'implied' | 'draw-feature' | 'both';

export const GOALS_FEATURES: readonly GoalsFeatures[] = ['implied', 'draw-feature', 'both'];

export interface MarketGoals {
  /** Margin-free P(over 2.5). */
  over: number;
  overLogit: number;
  /** 1X2 of the score model matching the 1X2 supremacy and the over/under price. */
  implied: OutcomeProbabilities;
}

/**
 * Draw inflation (log factor) of the goals-implied score model; Poisson alone under-prices draws.
 * Validation (ensemble+opening / +closing RPS): 0 gave 0.19090 / 0.18951, 0.1 0.19090 / 0.18951,
 * 0.25 0.19089 / 0.18951; 0.1 keeps the goals-implied row closest to the line (0.19141 vs 0.19149
 * and 0.19153; the opening line 0.19140). Solving the inflation from the BTTS price as well
 * (three goal-market equations) was worse: 0.19091 / 0.18954.
 */
export const GOALS_IMPLIED_DRAW_INFLATION = 0.1;

// The backtester freezes each match's odds once and the ensembles re-read them every week: cache
// by the identity of the fixture's odds object (both markets' prices of every phase hang off it).
const cache = new WeakMap<object, Partial<Record<OddsPhase, MarketGoals | null>>>();

function compute(fixture: Fixture, phase: OddsPhase): MarketGoals | undefined {
  const result = marketProbabilities(fixture, phase);
  const over = marketOverProbability(fixture, phase);
  if (!result || over === undefined) return undefined;
  const scores = solveGoalsImpliedScores(result, over, GOALS_IMPLIED_DRAW_INFLATION);
  if (!scores) return undefined;
  return {
    over,
    overLogit: Math.log(over / (1 - over)),
    implied: marketScoreSummary(scores).result,
  };
}

/** The fixture's goal-market features for a phase; undefined without both 1X2 and O/U prices. */
export function marketGoalsFeatures(fixture: Fixture, phase: OddsPhase): MarketGoals | undefined {
  const odds = fixture.odds;
  if (!odds?.ou25?.[phase]) return undefined;
  let byPhase = cache.get(odds);
  if (!byPhase) cache.set(odds, (byPhase = {}));
  let features = byPhase[phase];
  if (features === undefined) byPhase[phase] = features = compute(fixture, phase) ?? null;
  return features ?? undefined;
}

/**
 * The goal market as a "model" for the benchmark: the goals-implied 1X2, the market's own
 * P(over 2.5), and P(both score) of the exact score model (1X2 and over/under reproduced).
 */
export function goalsImpliedModel(phase: OddsPhase, name: string): BacktestModel<null> {
  return {
    name,
    fit: () => null,
    predict(_params, fixture) {
      const goals = marketGoalsFeatures(fixture, phase);
      const result = marketProbabilities(fixture, phase);
      if (!goals || !result) return undefined;
      const exact = solveMarketScores(result, goals.over);
      return {
        probabilities: goals.implied,
        over25: goals.over,
        ...(exact ? { btts: marketScoreSummary(exact).btts } : {}),
      };
    },
  };
}
