// Metrics of a backtest: per model overall, per competition and per season, plus paired comparisons.
import { brierScore, logLoss, rankedProbabilityScore } from '../metrics/scores';
import {
  pairedComparison,
  summariseBinary,
  summariseOutcomes,
  type BinaryMetrics,
  type OutcomeMetrics,
  type PairedComparison,
} from '../metrics/summary';
import type { BacktestResult, MatchPredictions } from './backtester';

export interface ModelReport {
  outcomes: OutcomeMetrics;
  over25?: BinaryMetrics;
  btts?: BinaryMetrics;
}

export interface BacktestReport {
  /** Matches evaluated. */
  count: number;
  overall: Record<string, ModelReport>;
  byCompetition: Record<string, Record<string, ModelReport>>;
  bySeason: Record<string, Record<string, ModelReport>>;
}

export type LossName = 'rps' | 'logLoss' | 'brier';

function reportModel(matches: readonly MatchPredictions[], model: string): ModelReport | undefined {
  const scored = matches.filter((m) => m.byModel[model]);
  if (scored.length === 0) return undefined;
  const report: ModelReport = {
    outcomes: summariseOutcomes(
      scored.map((m) => ({ probabilities: m.byModel[model].probabilities, outcome: m.outcome })),
    ),
  };
  const over = scored.filter((m) => m.byModel[model].over25 !== undefined);
  if (over.length > 0) {
    report.over25 = summariseBinary(
      over.map((m) => ({
        probability: m.byModel[model].over25 as number,
        happened: m.homeGoals + m.awayGoals > 2.5,
      })),
    );
  }
  const btts = scored.filter((m) => m.byModel[model].btts !== undefined);
  if (btts.length > 0) {
    report.btts = summariseBinary(
      btts.map((m) => ({
        probability: m.byModel[model].btts as number,
        happened: m.homeGoals > 0 && m.awayGoals > 0,
      })),
    );
  }
  return report;
}

function reportAll(matches: readonly MatchPredictions[], models: readonly string[]) {
  const out: Record<string, ModelReport> = {};
  for (const model of models) {
    const r = reportModel(matches, model);
    if (r) out[model] = r;
  }
  return out;
}

function groupBy(matches: readonly MatchPredictions[], key: (m: MatchPredictions) => string) {
  const groups = new Map<string, MatchPredictions[]>();
  for (const m of matches) {
    const k = key(m);
    const list = groups.get(k);
    if (list) list.push(m);
    else groups.set(k, [m]);
  }
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Which predicted matches count, e.g. only the test seasons after an ensemble warm-up. */
export type MatchFilter = (m: MatchPredictions) => boolean;

const ALL: MatchFilter = () => true;

export function evaluatedMatches(
  result: BacktestResult,
  include: MatchFilter = ALL,
): MatchPredictions[] {
  return result.matches.filter(include);
}

export function evaluateBacktest(
  result: BacktestResult,
  include: MatchFilter = ALL,
): BacktestReport {
  const matches = evaluatedMatches(result, include);
  return {
    count: matches.length,
    overall: reportAll(matches, result.models),
    byCompetition: Object.fromEntries(
      groupBy(matches, (m) => m.competition).map(([k, g]) => [k, reportAll(g, result.models)]),
    ),
    bySeason: Object.fromEntries(
      groupBy(matches, (m) => m.season).map(([k, g]) => [k, reportAll(g, result.models)]),
    ),
  };
}

const LOSSES = { rps: rankedProbabilityScore, logLoss, brier: brierScore };

/** Paired comparison of model a vs model b on the matches both predicted (a - b; negative = a better). */
export function compareModels(
  result: BacktestResult,
  a: string,
  b: string,
  loss: LossName = 'rps',
  include: MatchFilter = ALL,
): PairedComparison {
  const both = evaluatedMatches(result, include).filter((m) => m.byModel[a] && m.byModel[b]);
  const f = LOSSES[loss];
  return pairedComparison(
    both.map((m) => f(m.byModel[a].probabilities, m.outcome)),
    both.map((m) => f(m.byModel[b].probabilities, m.outcome)),
  );
}
