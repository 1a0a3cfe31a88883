// Walk-forward backtest. Leakage is prevented by construction, not by model discipline:
//  - matches are deep-copied and frozen once, sorted by kickoff;
//  - for the week starting Monday T, every model's fit receives a frozen slice of the matches with
//    kickoff < T (a binary search on the sorted array), and a frozen slice of the walk-forward
//    history of earlier weeks;
//  - predict receives a frozen fixture built field by field without goals.
// Every fit is audited (count, latest kickoff, optionally every id) so tests can verify it.
import { outcomeOf, type Outcome } from '../metrics/scores';
import type { MatchInput } from '../types';
import type { BacktestModel, Fixture, HistoricalPrediction, Prediction } from './types';
import { weekStart } from './weeks';
import { byKickoff, isFinished } from '../match-order';

/** [from, until) in ms since the epoch. */
export interface PredictionWindow {
  from: number;
  until: number;
}

export interface BacktestOptions {
  /** Predict finished matches with predictFrom <= kickoff < predictUntil. */
  predictFrom: number;
  predictUntil: number;
  /** Competitions predicted over a window of their own instead (a league whose data ends earlier). */
  windows?: Readonly<Record<string, PredictionWindow>>;
  /** Keep every training id per fit in the audit (memory heavy; for tests). */
  auditIds?: boolean;
  /** Called after each week, e.g. for a progress bar. */
  onWeek?: (done: number, total: number) => void;
}

export interface FitAudit {
  model: string;
  weekStart: number;
  trainingCount: number;
  /** Latest kickoff in the training data (-Infinity when empty). */
  maxTrainingKickoff: number;
  historyCount: number;
  maxHistoryKickoff: number;
  trainingIds?: string[];
  historyIds?: string[];
  fitMs: number;
}

export interface ModelPrediction extends Prediction {
  /** Index into BacktestResult.fits of the fit that produced it. */
  fit: number;
}

export interface MatchPredictions {
  matchId: string;
  kickoff: number;
  weekStart: number;
  competition: string;
  season: string;
  homeGoals: number;
  awayGoals: number;
  outcome: Outcome;
  byModel: Record<string, ModelPrediction>;
}

export interface BacktestResult {
  models: string[];
  matches: MatchPredictions[];
  fits: FitAudit[];
  timings: Record<string, { fits: number; fitMs: number; predictMs: number }>;
  totalMs: number;
}

/** A copy of a phase-keyed price object with every level frozen. */
function freezePhases<T extends object>(phases: T): T {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(phases)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, Object.freeze({ ...(v as object) })]),
    ),
  ) as T;
}

function deepFreezeMatch(m: MatchInput): MatchInput {
  const odds = m.odds
    ? Object.freeze({
        ...(m.odds.opening ? { opening: Object.freeze({ ...m.odds.opening }) } : {}),
        ...(m.odds.closing ? { closing: Object.freeze({ ...m.odds.closing }) } : {}),
        ...(m.odds.ou25 ? { ou25: freezePhases(m.odds.ou25) } : {}),
        ...(m.odds.btts ? { btts: freezePhases(m.odds.btts) } : {}),
      })
    : undefined;
  return Object.freeze({ ...m, ...(odds ? { odds } : {}) });
}

/** The fixture as known before kickoff: copied field by field so no result can ride along. */
export function toFixture(m: MatchInput): Fixture {
  return Object.freeze({
    id: m.id,
    kickoff: m.kickoff,
    homeTeam: m.homeTeam,
    awayTeam: m.awayTeam,
    competition: m.competition,
    season: m.season,
    neutral: m.neutral,
    ...(m.odds ? { odds: m.odds } : {}),
  });
}

/** First index whose kickoff is >= time (matches sorted by kickoff). */
function lowerBound(sorted: readonly MatchInput[], time: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].kickoff < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function maxKickoff(items: readonly { kickoff: number }[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const m of items) if (m.kickoff > max) max = m.kickoff;
  return max;
}

function checkModelOrder(models: readonly BacktestModel[]): void {
  const seen = new Set<string>();
  for (const model of models) {
    if (seen.has(model.name)) throw new Error(`duplicate model name ${model.name}`);
    for (const input of model.inputs ?? []) {
      if (!seen.has(input)) throw new Error(`model ${model.name} needs ${input} to run before it`);
    }
    seen.add(model.name);
  }
}

export function runBacktest(
  matches: readonly MatchInput[],
  models: readonly BacktestModel[],
  options: BacktestOptions,
): BacktestResult {
  const started = performance.now();
  checkModelOrder(models);
  const sorted: readonly MatchInput[] = Object.freeze(matches.map(deepFreezeMatch).sort(byKickoff));

  const weeks = new Map<number, MatchInput[]>();
  for (const m of sorted) {
    const window = options.windows?.[m.competition];
    const from = window?.from ?? options.predictFrom;
    const until = window?.until ?? options.predictUntil;
    if (m.kickoff < from || m.kickoff >= until || !isFinished(m)) continue;
    const week = weekStart(m.kickoff);
    const list = weeks.get(week);
    if (list) list.push(m);
    else weeks.set(week, [m]);
  }

  const result: BacktestResult = {
    models: models.map((m) => m.name),
    matches: [],
    fits: [],
    timings: Object.fromEntries(models.map((m) => [m.name, { fits: 0, fitMs: 0, predictMs: 0 }])),
    totalMs: 0,
  };
  const previous = new Map<string, unknown>();
  const history: HistoricalPrediction[] = [];
  let done = 0;

  for (const [week, weekMatches] of weeks) {
    const training = Object.freeze(sorted.slice(0, lowerBound(sorted, week)));
    const pastHistory = Object.freeze(history.slice());
    const fixtures = Object.freeze(weekMatches.map(toFixture));
    const context = Object.freeze({ asOf: week, fixtures, history: pastHistory });
    const inputs = fixtures.map(() => ({}) as Record<string, Prediction>);
    // The same frozen data goes to every model this week: audit it once.
    const maxTrainingKickoff = maxKickoff(training);
    const maxHistoryKickoff = maxKickoff(pastHistory);
    const records: MatchPredictions[] = weekMatches.map((m) => ({
      matchId: m.id,
      kickoff: m.kickoff,
      weekStart: week,
      competition: m.competition,
      season: m.season,
      homeGoals: m.homeGoals as number,
      awayGoals: m.awayGoals as number,
      outcome: outcomeOf(m.homeGoals as number, m.awayGoals as number),
      byModel: {},
    }));

    for (const model of models) {
      const t0 = performance.now();
      const params = model.fit(training, context, previous.get(model.name));
      const fitMs = performance.now() - t0;
      previous.set(model.name, params);
      const fitIndex = result.fits.length;
      result.fits.push({
        model: model.name,
        weekStart: week,
        trainingCount: training.length,
        maxTrainingKickoff,
        historyCount: pastHistory.length,
        maxHistoryKickoff,
        ...(options.auditIds
          ? {
              trainingIds: training.map((m) => m.id),
              historyIds: pastHistory.map((h) => h.matchId),
            }
          : {}),
        fitMs,
      });
      const timing = result.timings[model.name];
      timing.fits++;
      timing.fitMs += fitMs;

      const t1 = performance.now();
      fixtures.forEach((fixture, i) => {
        const prediction = model.predict(params, fixture, Object.freeze({ ...inputs[i] }));
        if (!prediction) return;
        inputs[i][model.name] = prediction;
        records[i].byModel[model.name] = { ...prediction, fit: fitIndex };
      });
      timing.predictMs += performance.now() - t1;
    }

    // Only now, with the week's predictions final, do its results join the history.
    records.forEach((r, i) => {
      history.push(
        Object.freeze({
          matchId: r.matchId,
          kickoff: r.kickoff,
          competition: r.competition,
          season: r.season,
          outcome: r.outcome,
          fixture: fixtures[i],
          predictions: Object.freeze({ ...inputs[i] }),
        }),
      );
    });
    result.matches.push(...records);
    options.onWeek?.(++done, weeks.size);
  }
  result.totalMs = performance.now() - started;
  return result;
}
