// Hyperparameter search on the VALIDATION window (seasons 2016-2017..2018-2019), never on the
// test window (2019-2020..2023-2024). Prints the best values for src/modelling/tuning/defaults.ts.
//   node -r @swc-node/register bench/tune-models.ts
import { evaluateBacktest, runBacktest } from '../src/modelling/backtest';
import { coordinateSearch, type SearchStep } from '../src/modelling/tuning/search';
import {
  DEFAULT_SUITE,
  MODEL_NAMES,
  modelSuite,
  type SuiteConfig,
} from '../src/modelling/tuning/suite';
import { timescaleInputs, type Timescales } from '../src/modelling/backtest/models';
import { DEFAULT_MARKET_RATING_HYPERPARAMETERS } from '../src/modelling/market-rating/model';
import { DEFAULT_POISSON_FILTER_HYPERPARAMETERS } from '../src/modelling/poisson-filter/model';
import { DEFAULT_PI_RATING_HYPERPARAMETERS } from '../src/modelling/pi-rating/model';
import type { MatchInput } from '../src/modelling/types';
import { loadHistory } from './history-data';

const VALIDATION_SEASONS = ['2016-2017', '2017-2018', '2018-2019'];
const WARM_UP_SEASON = '2015-2016';
/** The benchmark's ensembles train on three warm-up seasons of walk-forward history. */
const ENSEMBLE_WARM_UP = '2013-2014';

const all = loadHistory();
const start = (s: string) => Math.min(...all.filter((m) => m.season === s).map((m) => m.kickoff));
const end = Math.max(...all.filter((m) => m.season === '2018-2019').map((m) => m.kickoff)) + 1;
const matches: MatchInput[] = all.filter((m) => m.kickoff < end);
const validation = new Set(VALIDATION_SEASONS);

function validationRps(config: SuiteConfig, model: string, from: string): number {
  const result = runBacktest(matches, modelSuite({ ...config, only: config.only }), {
    predictFrom: start(from),
    predictUntil: end,
  });
  return evaluateBacktest(result, (m) => validation.has(m.season)).overall[model].outcomes.rps;
}

const log = (what: string) => (s: { params: object; score: number }) =>
  console.log(`${what} ${s.score.toFixed(5)} ${JSON.stringify(s.params)}`);

// TUNE_ONLY=elo|dc|pf|market|ensemble|goals|stacker|timescales|pi|season runs one search; the others
// keep the current defaults.
const ONLY = process.env.TUNE_ONLY;
function search<P extends object>(name: string, start: P, run: () => SearchStep<P>): SearchStep<P> {
  if (ONLY && ONLY !== name) return { params: start, score: Number.NaN };
  const best = run();
  console.log(`best ${name}`, best);
  return best;
}

const elo = search('elo', DEFAULT_SUITE.elo, () =>
  coordinateSearch(
    DEFAULT_SUITE.elo,
    {
      k: [15, 20, 25, 30],
      homeAdvantage: [50, 65, 80],
      seasonRegression: [0, 0.15, 0.3],
      newTeamOffset: [0, -40, -80],
      goalDifference: ['none', 'world-football', 'log'],
      logitHalfLifeDays: [0, 730],
    },
    (hp) =>
      validationRps(
        { ...DEFAULT_SUITE, elo: hp, only: [MODEL_NAMES.elo] },
        MODEL_NAMES.elo,
        VALIDATION_SEASONS[0],
      ),
    { onStep: log('elo') },
  ),
);

const dcStart = { ...DEFAULT_SUITE.dixonColes, windowDays: DEFAULT_SUITE.dixonColesWindowDays };
const dc = search('dc', dcStart, () =>
  coordinateSearch(
    dcStart,
    { xi: [0.001, 0.0015, 0.002, 0.003], ridge: [0.3, 1, 3, 10], windowDays: [730, 1100, 1500] },
    ({ windowDays, ...hp }) =>
      validationRps(
        {
          ...DEFAULT_SUITE,
          dixonColes: hp,
          dixonColesWindowDays: windowDays,
          only: [MODEL_NAMES.dixonColes],
        },
        MODEL_NAMES.dixonColes,
        VALIDATION_SEASONS[0],
      ),
    { onStep: log('dc') },
  ),
);

const pfStart = DEFAULT_SUITE.poissonFilter ?? DEFAULT_POISSON_FILTER_HYPERPARAMETERS;
const pf = search('pf', pfStart, () =>
  coordinateSearch(
    pfStart,
    {
      initialVariance: [0.015, 0.02, 0.03, 0.06],
      dailyVariance: [0, 0.000005, 0.00001, 0.00002, 0.00004],
      seasonVariance: [0.005, 0.01, 0.02, 0.04],
      seasonRegression: [-0.05, 0, 0.1, 0.2],
      newTeamAttack: [-0.35, -0.25, -0.15],
      newTeamDefence: [-0.3, -0.2, -0.1],
      leagueVariance: [0.0004, 0.001, 0.002],
      rho: [-0.1, -0.05, 0],
    },
    (hp) =>
      validationRps(
        { ...DEFAULT_SUITE, poissonFilter: hp, only: [MODEL_NAMES.poissonFilter] },
        MODEL_NAMES.poissonFilter,
        VALIDATION_SEASONS[0],
      ),
    { onStep: log('poisson filter') },
  ),
);

// Market rating: scored by the opening-odds ensemble it feeds (its purpose), on validation only,
// with the ensembles' three warm-up seasons as in the benchmark.
const marketStart = DEFAULT_SUITE.marketRating ?? DEFAULT_MARKET_RATING_HYPERPARAMETERS;
const market = search('market', marketStart, () =>
  coordinateSearch(
    marketStart,
    {
      k: [0.2, 0.3, 0.5, 0.7, 1],
      goalK: [0, 0.02, 0.05],
      driftK: [0, 0.1, 0.2, 0.3, 0.5],
      newTeamOffset: [0, -0.3],
    },
    (marketRating) => {
      const result = runBacktest(
        matches,
        modelSuite({
          ...DEFAULT_SUITE,
          marketRating,
          only: [
            MODEL_NAMES.elo,
            MODEL_NAMES.dixonColes,
            MODEL_NAMES.poissonFilter,
            MODEL_NAMES.marketRating,
            MODEL_NAMES.withOpening,
          ],
        }),
        { predictFrom: start(ENSEMBLE_WARM_UP), predictUntil: end },
      );
      return evaluateBacktest(result, (m) => validation.has(m.season)).overall[
        MODEL_NAMES.withOpening
      ].outcomes.rps;
    },
    { onStep: log('market rating (ensemble+opening RPS)'), rounds: 1 },
  ),
);

const tuned: SuiteConfig = {
  ...DEFAULT_SUITE,
  elo: elo.params,
  dixonColes: { xi: dc.params.xi, ridge: dc.params.ridge },
  dixonColesWindowDays: dc.params.windowDays,
  marketRating: market.params,
  poissonFilter: pf.params,
};
// The ensembles need a warm-up season of walk-forward predictions before the validation window.
const ensembleStart = { ensembleL2: DEFAULT_SUITE.ensembleL2 };
search('ensemble', ensembleStart, () =>
  coordinateSearch(
    ensembleStart,
    { ensembleL2: [0, 0.001, 0.003, 0.01, 0.03] },
    ({ ensembleL2 }) => {
      const config = {
        ...tuned,
        ensembleL2,
        only: [
          MODEL_NAMES.elo,
          MODEL_NAMES.dixonColes,
          MODEL_NAMES.poissonFilter,
          MODEL_NAMES.marketRating,
          ...(tuned.timescales ? timescaleInputs(tuned.timescales) : []),
          MODEL_NAMES.statistical,
          MODEL_NAMES.withOpening,
        ],
      };
      const result = runBacktest(matches, modelSuite(config), {
        predictFrom: start(WARM_UP_SEASON),
        predictUntil: end,
      });
      const r = evaluateBacktest(result, (m) => validation.has(m.season)).overall;
      return r[MODEL_NAMES.statistical].outcomes.rps + r[MODEL_NAMES.withOpening].outcomes.rps;
    },
    { onStep: log('ensemble (stat + opening RPS)') },
  ),
);

// Goal-market (over/under 2.5) features of the market-aware ensembles: scored by the sum of the
// validation RPS of ensemble+opening and ensemble+closing, warm-up from 2013-2014 as in the
// benchmark (three seasons of walk-forward history before the validation window).
search('goals', { marketGoals: DEFAULT_SUITE.marketGoals ?? 'none' }, () =>
  coordinateSearch(
    { marketGoals: DEFAULT_SUITE.marketGoals ?? 'none' } as { marketGoals: string },
    { marketGoals: ['none', 'implied', 'draw-feature', 'both'] },
    ({ marketGoals }) => {
      const config: SuiteConfig = {
        ...DEFAULT_SUITE,
        ...(marketGoals === 'none' ? { marketGoals: undefined } : { marketGoals }),
      } as SuiteConfig;
      const result = runBacktest(matches, modelSuite(config), {
        predictFrom: start(ENSEMBLE_WARM_UP),
        predictUntil: end,
      });
      const r = evaluateBacktest(result, (m) => validation.has(m.season)).overall;
      const rps = (m: string) => r[m]?.outcomes.rps ?? Number.NaN;
      console.log(
        `  goals ${marketGoals}: ` +
          [
            MODEL_NAMES.openingLine,
            MODEL_NAMES.openingGoals,
            MODEL_NAMES.withOpening,
            MODEL_NAMES.closingLine,
            MODEL_NAMES.closingGoals,
            MODEL_NAMES.withClosing,
            MODEL_NAMES.statistical,
          ]
            .map((m) => `${m} ${rps(m).toFixed(5)}`)
            .join(', '),
      );
      return rps(MODEL_NAMES.withOpening) + rps(MODEL_NAMES.withClosing);
    },
    { onStep: log('goals (opening + closing ensemble RPS)'), rounds: 1 },
  ),
);

// Stacker layout: per-competition home/draw intercepts, scored by the sum of the three
// ensembles' validation RPS (warm-up from 2013-2014).
search('stacker', { competitionIntercepts: DEFAULT_SUITE.competitionIntercepts }, () =>
  coordinateSearch(
    { competitionIntercepts: DEFAULT_SUITE.competitionIntercepts },
    { competitionIntercepts: [false, true] },
    ({ competitionIntercepts }) => {
      const result = runBacktest(matches, modelSuite({ ...DEFAULT_SUITE, competitionIntercepts }), {
        predictFrom: start(ENSEMBLE_WARM_UP),
        predictUntil: end,
      });
      const r = evaluateBacktest(result, (m) => validation.has(m.season)).overall;
      const names = [MODEL_NAMES.statistical, MODEL_NAMES.withOpening, MODEL_NAMES.withClosing];
      console.log(
        `  intercepts ${competitionIntercepts}: ` +
          names.map((m) => `${m} ${r[m].outcomes.rps.toFixed(5)}`).join(', '),
      );
      return names.reduce((s, m) => s + r[m].outcomes.rps, 0);
    },
    { onStep: log('stacker (sum of ensemble RPS)'), rounds: 1 },
  ),
);

// Time-scale variants read by the statistical ensemble (TUNE_ONLY=timescales): none, a slow and a
// fast Elo, and those with two faster Poisson filters; validation RPS of ensemble-stat, warm-up
// from 2013-2014 as in the benchmark.
const TIMESCALE_CHOICES: Record<string, Timescales | undefined> = {
  none: undefined,
  elo: { elo: { 'elo-slow': { k: 6 }, 'elo-fast': { k: 30 } }, poissonFilter: {} },
  'elo+filter': DEFAULT_SUITE.timescales,
  'elo+filter+slow-filter': DEFAULT_SUITE.timescales && {
    elo: DEFAULT_SUITE.timescales.elo,
    poissonFilter: {
      ...DEFAULT_SUITE.timescales.poissonFilter,
      'poisson-filter-slow': { dailyVariance: 0, seasonVariance: 0.005 },
    },
  },
};
search('timescales', { timescales: 'elo+filter' }, () =>
  coordinateSearch(
    { timescales: 'elo+filter' },
    { timescales: Object.keys(TIMESCALE_CHOICES) },
    ({ timescales }) => {
      const config: SuiteConfig = {
        ...DEFAULT_SUITE,
        timescales: TIMESCALE_CHOICES[timescales],
        only: [
          MODEL_NAMES.elo,
          MODEL_NAMES.dixonColes,
          MODEL_NAMES.poissonFilter,
          ...timescaleInputs(TIMESCALE_CHOICES[timescales] ?? { elo: {}, poissonFilter: {} }),
          MODEL_NAMES.statistical,
        ],
      };
      const result = runBacktest(matches, modelSuite(config), {
        predictFrom: start(ENSEMBLE_WARM_UP),
        predictUntil: end,
      });
      return evaluateBacktest(result, (m) => validation.has(m.season)).overall[
        MODEL_NAMES.statistical
      ].outcomes.rps;
    },
    { onStep: log('timescales (ensemble-stat RPS)'), rounds: 1 },
  ),
);

// Pi-ratings read by the statistical ensemble (TUNE_ONLY=pi): scored by the validation RPS of
// ensemble-stat, warm-up from 2013-2014 as in the benchmark.
const piStart = DEFAULT_SUITE.piRating ?? DEFAULT_PI_RATING_HYPERPARAMETERS;
search('pi', piStart, () =>
  coordinateSearch(
    piStart,
    {
      learningRate: [0.025, 0.035, 0.045],
      crossLearningRate: [0.7, 0.9, 1],
      newTeamRating: [-0.5, -0.3, -0.15],
    },
    (piRating) => {
      const result = runBacktest(matches, modelSuite({ ...DEFAULT_SUITE, piRating }), {
        predictFrom: start(ENSEMBLE_WARM_UP),
        predictUntil: end,
      });
      const r = evaluateBacktest(result, (m) => validation.has(m.season)).overall;
      console.log(`  pi-rating alone ${r[MODEL_NAMES.piRating].outcomes.rps.toFixed(5)}`);
      return r[MODEL_NAMES.statistical].outcomes.rps;
    },
    { onStep: log('pi-rating (ensemble-stat RPS)'), rounds: 1 },
  ),
);

// Season progress in the stacks (TUNE_ONLY=season): validation RPS of the three ensembles with
// and without it, warm-up from 2013-2014 as in the benchmark.
search('season', { seasonProgress: DEFAULT_SUITE.seasonProgress ?? false }, () =>
  coordinateSearch(
    { seasonProgress: DEFAULT_SUITE.seasonProgress ?? false },
    { seasonProgress: [false, true] },
    ({ seasonProgress }) => {
      const result = runBacktest(matches, modelSuite({ ...DEFAULT_SUITE, seasonProgress }), {
        predictFrom: start(ENSEMBLE_WARM_UP),
        predictUntil: end,
      });
      const r = evaluateBacktest(result, (m) => validation.has(m.season)).overall;
      const names = [MODEL_NAMES.statistical, MODEL_NAMES.withOpening, MODEL_NAMES.withClosing];
      const bySeason = VALIDATION_SEASONS.map(
        (season) =>
          evaluateBacktest(result, (m) => m.season === season).overall[MODEL_NAMES.statistical]
            .outcomes.rps,
      );
      console.log(
        `  season progress ${seasonProgress}: ` +
          names.map((m) => `${m} ${r[m].outcomes.rps.toFixed(5)}`).join(', ') +
          ` (ensemble-stat by season ${bySeason.map((x) => x.toFixed(5)).join(' / ')})`,
      );
      return names.reduce((s, m) => s + r[m].outcomes.rps, 0);
    },
    { onStep: log('season progress (sum of ensemble RPS)'), rounds: 1 },
  ),
);
