// Trains a servable model from plain matches: an optional hyperparameter search on a validation
// window, a walk-forward backtest on the latest held-out weeks (the version's metrics), then the
// final fit on everything before asOf. Pure and deterministic: same matches and settings, same
// parameters and metrics.
import {
  runBacktest,
  toFixture,
  type BacktestResult,
  type PredictionWindow,
} from '../backtest/backtester';
import { compareModels, evaluateBacktest, type ModelReport } from '../backtest/evaluate';
import { marketLineModel } from '../backtest/market-line';
import {
  dixonColesModel,
  eloModel,
  marketRatingModel,
  piRatingModel,
  poissonFilterModel,
  timescaleInputs,
  timescaleModels,
  type Timescales,
} from '../backtest/models';
import { TUNED_TIMESCALES } from '../tuning/defaults';
import { fitMarketRating, type MarketRatingParameters } from '../market-rating';
import { fitPoissonFilter, type PoissonFilterParameters } from '../poisson-filter';
import { fitPiRating, type PiRatingParameters } from '../pi-rating';
import { perCompetition } from '../backtest/per-competition';
import type { BacktestModel, HistoricalPrediction } from '../backtest/types';
import { fitDixonColes } from '../dixon-coles/fit';
import type { DixonColesParameters } from '../dixon-coles/model';
import { fitElo, type EloParameters } from '../elo/fit';
import { ensembleModel, type EnsembleParameters } from '../ensemble/ensemble-model';
import type { PairedComparison } from '../metrics/summary';
import { coordinateSearch } from '../tuning/search';
import type { MatchInput } from '../types';
import {
  withHyperparameter,
  type ServedHyperparameters,
  type ServedModelType,
} from './hyperparameters';
import {
  DIXON_COLES_INPUT,
  ELO_INPUT,
  MARKET_RATING_INPUT,
  PI_RATING_INPUT,
  POISSON_FILTER_INPUT,
  type ServedModelParameters,
} from './served-model';
import { byKickoff, isFinished } from '../match-order';

const WEEK_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;
const SERVED = 'served';
const OPENING = 'opening-line';
const CLOSING = 'closing-line';

export interface TrainingSpec {
  type: ServedModelType;
  hyperparameters: ServedHyperparameters;
  /** Fit time: only matches that kicked off before it are used. */
  asOf: number;
  /** Held-out weeks before asOf scored by the walk-forward backtest. */
  evaluationWeeks: number;
  /** "group.name" → values to try (coordinate search on the weeks before the held-out ones). */
  searchSpace?: Record<string, number[]>;
}

export interface TrainingProgress {
  /** 0..1 over the whole training. */
  fraction: number;
  message: string;
}

export interface ModelEvaluation {
  /** Held-out window [from, until) in ms since epoch. */
  from: number;
  until: number;
  /** Competitions whose data ended before [from, until), scored on their own last weeks. */
  windowsByCompetition?: Record<string, PredictionWindow>;
  matches: number;
  model?: ModelReport;
  openingLine?: ModelReport;
  closingLine?: ModelReport;
  /** RPS of the model minus the opening line on the matches both priced (negative = better). */
  versusOpeningLine?: PairedComparison;
  byCompetition: Record<string, { matches: number; rps: number }>;
}

export interface SearchTrial {
  hyperparameters: Record<string, number>;
  validationRps: number;
}

export interface TrainedModel {
  parameters: ServedModelParameters;
  evaluation: ModelEvaluation;
  search?: { trials: SearchTrial[]; chosen: Record<string, number> };
  matchesUsed: number;
}

function backtestModels(type: ServedModelType, hp: ServedHyperparameters): BacktestModel[] {
  const elo = perCompetition(eloModel(hp.elo, ELO_INPUT));
  const dc = perCompetition(
    dixonColesModel(hp.dixonColes, { windowDays: hp.dixonColes.windowDays }, DIXON_COLES_INPUT),
  );
  if (type === 'elo') return [perCompetition(eloModel(hp.elo, SERVED))];
  if (type === 'dixon-coles') {
    return [
      perCompetition(
        dixonColesModel(hp.dixonColes, { windowDays: hp.dixonColes.windowDays }, SERVED),
      ),
    ];
  }
  const filter = perCompetition(poissonFilterModel(hp.poissonFilter, POISSON_FILTER_INPUT));
  if (!readsMarket(hp)) {
    const variants = timescalesOf(hp);
    return [
      elo,
      dc,
      filter,
      ...(readsPiRating(hp) ? [perCompetition(piRatingModel(hp.piRating, PI_RATING_INPUT))] : []),
      ...(variants ? timescaleModels(hp.elo, hp.poissonFilter, variants) : []),
      ensembleModel(ensembleSpec(hp)),
    ];
  }
  const rating = perCompetition(marketRatingModel(hp.marketRating, MARKET_RATING_INPUT));
  return [elo, dc, filter, rating, ensembleModel(ensembleSpec(hp))];
}

/** The odds-aware ensemble also reads the market rating (see README "Prediction models"). */
const readsMarket = (hp: ServedHyperparameters) => hp.ensemble.market !== 'none';

/** The time-scale variants the statistical ensemble reads (as bench:models' ensemble-stat). */
function timescalesOf(hp: ServedHyperparameters): Timescales | undefined {
  return !readsMarket(hp) && hp.ensemble.timescales === 'multi' ? TUNED_TIMESCALES : undefined;
}

/** Pi-ratings: read by the statistical ensemble with the variants, as bench:models' ensemble-stat. */
const readsPiRating = (hp: ServedHyperparameters) => timescalesOf(hp) !== undefined;

function ensembleSpec(hp: ServedHyperparameters) {
  return {
    name: SERVED,
    inputs: readsMarket(hp)
      ? [ELO_INPUT, DIXON_COLES_INPUT, POISSON_FILTER_INPUT, MARKET_RATING_INPUT]
      : [
          ELO_INPUT,
          DIXON_COLES_INPUT,
          POISSON_FILTER_INPUT,
          ...(readsPiRating(hp) ? [PI_RATING_INPUT] : []),
          ...timescaleInputs(timescalesOf(hp) ?? { elo: {}, poissonFilter: {} }),
        ],
    l2: hp.ensemble.l2,
    ...(hp.ensemble.seasonProgress === 'matches' ? { seasonProgress: true } : {}),
    ...(hp.ensemble.closedDoors === 'table' ? { closedDoors: true } : {}),
    ...(hp.ensemble.market !== 'none' ? { market: hp.ensemble.market } : {}),
    ...(readsMarket(hp) && hp.ensemble.goals && hp.ensemble.goals !== 'none'
      ? { goals: hp.ensemble.goals }
      : {}),
  };
}

/**
 * The held-out window [from, until) before asOf, and, for a competition whose data ended before
 * that window (a data set that stops earlier than the rest of a global run's, e.g. past seasons
 * beside a live league), a window of the same length before its own last match: else that
 * competition would add nothing to the metrics, and a global run of only such data none at all.
 */
export interface HeldOutWindows extends PredictionWindow {
  byCompetition: Record<string, PredictionWindow>;
}

export function heldOutWindows(
  training: readonly MatchInput[],
  asOf: number,
  length: number,
): HeldOutWindows {
  const from = asOf - length;
  const lastKickoff = new Map<string, number>();
  for (const m of training)
    lastKickoff.set(
      m.competition,
      Math.max(m.kickoff, lastKickoff.get(m.competition) ?? -Infinity),
    );
  const byCompetition: Record<string, PredictionWindow> = {};
  for (const [competition, last] of [...lastKickoff].sort(([a], [b]) => a.localeCompare(b))) {
    if (last >= from) continue;
    // As the service picks asOf: the day after the last match.
    const until = (Math.floor(last / DAY_MS) + 1) * DAY_MS;
    byCompetition[competition] = { from: until - length, until };
  }
  return { from, until: asOf, byCompetition };
}

/** The same windows moved `by` earlier (the validation weeks before the held-out ones). */
function earlier(windows: HeldOutWindows, by: number): HeldOutWindows {
  const move = (w: PredictionWindow) => ({ from: w.from - by, until: w.until - by });
  const byCompetition = Object.fromEntries(
    Object.entries(windows.byCompetition).map(([competition, w]) => [competition, move(w)]),
  );
  return { ...move(windows), byCompetition };
}

/**
 * The walk-forward backtest of the windows. The ensemble also needs its inputs' out-of-sample
 * history, so its backtest starts one window length earlier and only the windows are scored.
 */
function backtest(
  matches: readonly MatchInput[],
  type: ServedModelType,
  hp: ServedHyperparameters,
  windows: HeldOutWindows,
  onWeek?: (done: number, total: number) => void,
): BacktestResult {
  const warmUp = type === 'ensemble' ? windows.until - windows.from : 0;
  const withWarmUp = (w: PredictionWindow) => ({ from: w.from - warmUp, until: w.until });
  return runBacktest(
    matches,
    [
      ...backtestModels(type, hp),
      marketLineModel('opening', OPENING),
      marketLineModel('closing', CLOSING),
    ],
    {
      predictFrom: windows.from - warmUp,
      predictUntil: windows.until,
      windows: Object.fromEntries(
        Object.entries(windows.byCompetition).map(([c, w]) => [c, withWarmUp(w)]),
      ),
      ...(onWeek ? { onWeek } : {}),
    },
  );
}

function evaluate(result: BacktestResult, windows: HeldOutWindows): ModelEvaluation {
  const inWindow = (m: { kickoff: number; competition: string }) =>
    m.kickoff >= (windows.byCompetition[m.competition]?.from ?? windows.from);
  const report = evaluateBacktest(result, inWindow);
  const byCompetition: ModelEvaluation['byCompetition'] = {};
  for (const [competition, models] of Object.entries(report.byCompetition)) {
    const served = models[SERVED];
    if (served)
      byCompetition[competition] = { matches: served.outcomes.count, rps: served.outcomes.rps };
  }
  const comparison = compareModels(result, SERVED, OPENING, 'rps', inWindow);
  const ownWindows = Object.keys(windows.byCompetition).length > 0;
  return {
    from: windows.from,
    until: windows.until,
    ...(ownWindows ? { windowsByCompetition: windows.byCompetition } : {}),
    matches: report.count,
    ...(report.overall[SERVED] ? { model: report.overall[SERVED] } : {}),
    ...(report.overall[OPENING] ? { openingLine: report.overall[OPENING] } : {}),
    ...(report.overall[CLOSING] ? { closingLine: report.overall[CLOSING] } : {}),
    ...(comparison.count > 1 ? { versusOpeningLine: comparison } : {}),
    byCompetition,
  };
}

/** Earlier out-of-sample predictions in the form the ensemble's fit reads. */
function historyOf(result: BacktestResult, byId: Map<string, MatchInput>): HistoricalPrediction[] {
  return result.matches.map((m) => ({
    matchId: m.matchId,
    kickoff: m.kickoff,
    competition: m.competition,
    season: m.season,
    outcome: m.outcome,
    fixture: toFixture(byId.get(m.matchId) as MatchInput),
    predictions: Object.fromEntries(
      Object.entries(m.byModel).map(([name, p]) => [name, { probabilities: p.probabilities }]),
    ),
  }));
}

function averageGoals(training: readonly MatchInput[]): ServedModelParameters['averageGoals'] {
  const sums = new Map<string, { home: number; away: number; n: number }>();
  for (const m of training) {
    const s = sums.get(m.competition) ?? { home: 0, away: 0, n: 0 };
    s.home += m.homeGoals as number;
    s.away += m.awayGoals as number;
    s.n++;
    sums.set(m.competition, s);
  }
  return Object.fromEntries(
    [...sums]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([c, s]) => [c, { home: s.home / s.n, away: s.away / s.n }]),
  );
}

/** Final per-competition fits on every match before asOf. */
function finalFit(
  training: readonly MatchInput[],
  spec: TrainingSpec,
  hp: ServedHyperparameters,
  evaluation: BacktestResult,
): ServedModelParameters {
  const byCompetition = new Map<string, MatchInput[]>();
  for (const m of training) {
    const list = byCompetition.get(m.competition);
    if (list) list.push(m);
    else byCompetition.set(m.competition, [m]);
  }
  const competitions = [...byCompetition.keys()].sort();
  const needsElo = spec.type !== 'dixon-coles';
  const needsDc = spec.type !== 'elo';
  const needsRating = spec.type === 'ensemble' && readsMarket(hp);
  const needsFilter = spec.type === 'ensemble';
  const elo: Record<string, EloParameters> = {};
  const dixonColes: Record<string, DixonColesParameters> = {};
  const marketRating: Record<string, MarketRatingParameters> = {};
  const poissonFilter: Record<string, PoissonFilterParameters> = {};
  const needsPi = spec.type === 'ensemble' && readsPiRating(hp);
  const piRating: Record<string, PiRatingParameters> = {};
  const variants = spec.type === 'ensemble' ? timescalesOf(hp) : undefined;
  const eloTimescales: Record<string, Record<string, EloParameters>> = {};
  const filterTimescales: Record<string, Record<string, PoissonFilterParameters>> = {};
  for (const name of Object.keys(variants?.elo ?? {})) eloTimescales[name] = {};
  for (const name of Object.keys(variants?.poissonFilter ?? {})) filterTimescales[name] = {};
  for (const competition of competitions) {
    const matches = byCompetition.get(competition) as MatchInput[];
    if (needsElo) elo[competition] = fitElo(matches, spec.asOf, hp.elo);
    if (needsRating)
      marketRating[competition] = fitMarketRating(matches, spec.asOf, hp.marketRating);
    if (needsFilter)
      poissonFilter[competition] = fitPoissonFilter(matches, spec.asOf, hp.poissonFilter);
    if (needsPi) piRating[competition] = fitPiRating(matches, spec.asOf, hp.piRating);
    for (const [name, o] of Object.entries(variants?.elo ?? {}))
      eloTimescales[name][competition] = fitElo(matches, spec.asOf, { ...hp.elo, ...o });
    for (const [name, o] of Object.entries(variants?.poissonFilter ?? {})) {
      filterTimescales[name][competition] = fitPoissonFilter(matches, spec.asOf, {
        ...hp.poissonFilter,
        ...o,
      });
    }
    if (needsDc) {
      const from = spec.asOf - hp.dixonColes.windowDays * DAY_MS;
      const window = matches.filter((m) => m.kickoff >= from);
      if (window.length > 0)
        dixonColes[competition] = fitDixonColes(window, spec.asOf, hp.dixonColes);
    }
  }
  let ensemble: EnsembleParameters | undefined;
  if (spec.type === 'ensemble') {
    const byId = new Map(training.map((m) => [m.id, m]));
    const history = historyOf(evaluation, byId);
    // Fixtures without odds, and with 1X2 but no over/under prices, in the context make the fit
    // include the fallbacks that fixtures without those stored prices need at prediction time.
    const last = training[training.length - 1];
    const withoutOdds = toFixture({ ...last, odds: undefined });
    const oneXTwoOnly = toFixture({
      ...last,
      odds: {
        opening: { home: 2.5, draw: 3.2, away: 2.9 },
        closing: { home: 2.5, draw: 3.2, away: 2.9 },
      },
    });
    // The training matches give the history rows' season progress and the served schedule.
    ensemble = ensembleModel(ensembleSpec(hp)).fit(
      training,
      {
        asOf: spec.asOf,
        fixtures: [withoutOdds, oneXTwoOnly],
        history,
      },
      undefined,
    );
  }
  return {
    type: spec.type,
    asOf: spec.asOf,
    competitions,
    ...(needsElo ? { elo } : {}),
    ...(needsDc ? { dixonColes } : {}),
    ...(needsRating ? { marketRating } : {}),
    ...(needsFilter ? { poissonFilter } : {}),
    ...(needsPi ? { piRating } : {}),
    ...(variants ? { timescales: { elo: eloTimescales, poissonFilter: filterTimescales } } : {}),
    ...(ensemble ? { ensemble } : {}),
    averageGoals: averageGoals(training),
    hyperparameters: hp,
  };
}

/** Training matches: finished, before asOf, sorted by kick-off then id (a stable order). */
export function trainingMatches(matches: readonly MatchInput[], asOf: number): MatchInput[] {
  return matches.filter((m) => isFinished(m) && m.kickoff < asOf).sort(byKickoff);
}

export function trainServedModel(
  matches: readonly MatchInput[],
  spec: TrainingSpec,
  onProgress: (progress: TrainingProgress) => void = () => undefined,
): TrainedModel {
  const training = trainingMatches(matches, spec.asOf);
  if (training.length === 0) throw new RangeError('no finished matches before the fit time');
  const held = spec.evaluationWeeks * WEEK_MS;
  const windows = heldOutWindows(training, spec.asOf, held);
  const validation = earlier(windows, held);
  const paths = Object.keys(spec.searchSpace ?? {});
  const searchShare = paths.length > 0 ? 0.6 : 0;

  let hp = spec.hyperparameters;
  let search: TrainedModel['search'];
  if (paths.length > 0) {
    const space = spec.searchSpace as Record<string, number[]>;
    const trialsPlanned = 1 + paths.reduce((n, p) => n + space[p].length, 0) * 2;
    const trials: SearchTrial[] = [];
    const start = Object.fromEntries(paths.map((p) => [p, readPath(hp, p)]));
    const best = coordinateSearch<Record<string, number>>(
      start,
      space,
      (values) => {
        let candidate = spec.hyperparameters;
        for (const [p, v] of Object.entries(values))
          candidate = withHyperparameter(candidate, p, v);
        // Validation: the weeks before the held-out ones, so the reported metrics stay honest.
        const result = backtest(training, spec.type, candidate, validation);
        const rps = evaluate(result, validation).model?.outcomes.rps ?? Infinity;
        trials.push({ hyperparameters: values, validationRps: rps });
        onProgress({
          fraction: (searchShare * Math.min(trials.length, trialsPlanned)) / trialsPlanned,
          message: `search trial ${trials.length}: ${JSON.stringify(values)} → validation RPS ${rps.toFixed(5)}`,
        });
        return rps;
      },
      { rounds: 2 },
    );
    for (const [p, v] of Object.entries(best.params)) hp = withHyperparameter(hp, p, v);
    search = { trials, chosen: best.params };
  }

  onProgress({
    fraction: searchShare,
    message: `backtest of the last ${spec.evaluationWeeks} weeks`,
  });
  const result = backtest(training, spec.type, hp, windows, (done, total) =>
    onProgress({
      fraction: searchShare + (1 - searchShare) * 0.9 * (done / Math.max(total, 1)),
      message: `backtest week ${done}/${total}`,
    }),
  );
  const evaluation = evaluate(result, windows);
  onProgress({ fraction: searchShare + (1 - searchShare) * 0.9, message: 'final fit' });
  const parameters = finalFit(training, spec, hp, result);
  onProgress({ fraction: 1, message: 'done' });
  return { parameters, evaluation, matchesUsed: training.length, ...(search ? { search } : {}) };
}

function readPath(hp: ServedHyperparameters, path: string): number {
  const [group, name] = path.split('.') as [keyof ServedHyperparameters, string];
  return (hp[group] as unknown as Record<string, number>)[name];
}
