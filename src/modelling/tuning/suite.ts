// The standard set of models compared by the benchmark and the tuning search.
import type { DixonColesHyperparameters } from '../dixon-coles/model';
import type { EloHyperparameters } from '../elo/rating';
import type { MarketRatingHyperparameters } from '../market-rating/model';
import type { PoissonFilterHyperparameters } from '../poisson-filter/model';
import type { PiRatingHyperparameters } from '../pi-rating/model';
import { ensembleModel } from '../ensemble/ensemble-model';
import { marketLineModel } from '../backtest/market-line';
import { goalsImpliedModel, type GoalsFeatures } from '../market-scores/features';
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
import { perCompetition } from '../backtest/per-competition';
import type { BacktestModel } from '../backtest/types';
import {
  TUNED_DIXON_COLES,
  TUNED_DIXON_COLES_WINDOW_DAYS,
  TUNED_ELO,
  TUNED_CLOSED_DOORS,
  TUNED_ENSEMBLE_L2,
  TUNED_ENSEMBLE_REFIT_DAYS,
  TUNED_MARKET_GOALS,
  TUNED_MARKET_RATING,
  TUNED_PI_RATING,
  TUNED_POISSON_FILTER,
  TUNED_SEASON_PROGRESS,
  TUNED_TIMESCALES,
} from './defaults';

export const MODEL_NAMES = {
  elo: 'elo',
  dixonColes: 'dixon-coles',
  poissonFilter: 'poisson-filter',
  piRating: 'pi-rating',
  marketRating: 'market-rating',
  openingLine: 'opening-line',
  closingLine: 'closing-line',
  openingGoals: 'goals-implied-open',
  closingGoals: 'goals-implied-close',
  statistical: 'ensemble-stat',
  withOpening: 'ensemble+opening',
  withClosing: 'ensemble+closing',
} as const;

export interface SuiteConfig {
  elo: EloHyperparameters;
  dixonColes: DixonColesHyperparameters;
  dixonColesWindowDays: number;
  /** Dynamic Poisson ratings, a statistical input of every ensemble; undefined: off. */
  poissonFilter?: PoissonFilterHyperparameters;
  /**
   * Elo and Poisson-filter variants at other time scales, extra inputs of the statistical
   * ensemble only (TUNED_TIMESCALES); the filter variants need `poissonFilter`. Undefined: off.
   */
  timescales?: Timescales;
  /**
   * Pi-ratings, an input of the statistical ensemble only (TUNED_PI_RATING; the market-aware ones
   * gained nothing from them on validation). Undefined: off.
   */
  piRating?: PiRatingHyperparameters;
  /** Ratings from past closing lines, an input of the market-aware ensembles only; undefined: off. */
  marketRating?: MarketRatingHyperparameters;
  ensembleL2: number;
  /** Ensembles keep a fit this many days (EnsembleSpec.refitDays); 0 or absent: weekly. */
  ensembleRefitDays?: number;
  competitionIntercepts: boolean;
  /** Goal-market (over/under 2.5) features of the market-aware ensembles; undefined: none. */
  marketGoals?: GoalsFeatures;
  /** Every stack's weights also depend on the fixture's earliness (EnsembleSpec.seasonProgress). */
  seasonProgress?: boolean;
  /** Every stack's home/draw intercepts shift behind closed doors (EnsembleSpec.closedDoors). */
  closedDoors?: boolean;
  /** Leave out models (e.g. the ensembles while tuning the base models). */
  only?: readonly string[];
}

export const DEFAULT_SUITE: SuiteConfig = {
  elo: TUNED_ELO,
  dixonColes: TUNED_DIXON_COLES,
  dixonColesWindowDays: TUNED_DIXON_COLES_WINDOW_DAYS,
  poissonFilter: TUNED_POISSON_FILTER,
  marketRating: TUNED_MARKET_RATING,
  ensembleL2: TUNED_ENSEMBLE_L2,
  ensembleRefitDays: TUNED_ENSEMBLE_REFIT_DAYS,
  competitionIntercepts: false,
  marketGoals: TUNED_MARKET_GOALS,
  timescales: TUNED_TIMESCALES,
  piRating: TUNED_PI_RATING,
  seasonProgress: TUNED_SEASON_PROGRESS,
  closedDoors: TUNED_CLOSED_DOORS,
};

/**
 * Elo, Dixon-Coles, the Poisson filter (and their variants at other time scales), pi-ratings per
 * competition, the market rating, the two market lines, three stacked ensembles. The statistical ensemble never sees a price: the market rating
 * (built on earlier matches' odds) feeds only the ensembles that are given the fixture's odds.
 */
export function modelSuite(config: SuiteConfig = DEFAULT_SUITE): BacktestModel[] {
  const n = MODEL_NAMES;
  const stat: string[] = [n.elo, n.dixonColes];
  if (config.poissonFilter) stat.push(n.poissonFilter);
  const pi = config.piRating ? [n.piRating] : [];
  const timescales: Timescales | undefined = config.timescales && {
    elo: config.timescales.elo,
    poissonFilter: config.poissonFilter ? config.timescales.poissonFilter : {},
  };
  const common = {
    inputs: stat,
    l2: config.ensembleL2,
    competitionIntercepts: config.competitionIntercepts,
    ...(config.seasonProgress ? { seasonProgress: true } : {}),
    ...(config.closedDoors ? { closedDoors: true } : {}),
    ...(config.ensembleRefitDays ? { refitDays: config.ensembleRefitDays } : {}),
  };
  const withMarket = {
    ...common,
    inputs: config.marketRating ? [...stat, n.marketRating] : stat,
    ...(config.marketGoals ? { goals: config.marketGoals } : {}),
  };
  const all: BacktestModel[] = [
    perCompetition(eloModel(config.elo, n.elo)),
    perCompetition(
      dixonColesModel(config.dixonColes, { windowDays: config.dixonColesWindowDays }, n.dixonColes),
    ),
    ...(config.poissonFilter
      ? [perCompetition(poissonFilterModel(config.poissonFilter, n.poissonFilter))]
      : []),
    ...(timescales
      ? timescaleModels(config.elo, config.poissonFilter ?? TUNED_POISSON_FILTER, timescales)
      : []),
    ...(config.piRating ? [perCompetition(piRatingModel(config.piRating, n.piRating))] : []),
    ...(config.marketRating
      ? [perCompetition(marketRatingModel(config.marketRating, n.marketRating))]
      : []),
    marketLineModel('opening', n.openingLine),
    marketLineModel('closing', n.closingLine),
    goalsImpliedModel('opening', n.openingGoals),
    goalsImpliedModel('closing', n.closingGoals),
    ensembleModel({
      name: n.statistical,
      ...common,
      inputs: [...stat, ...pi, ...(timescales ? timescaleInputs(timescales) : [])],
    }),
    ensembleModel({ name: n.withOpening, ...withMarket, market: 'opening' }),
    ensembleModel({ name: n.withClosing, ...withMarket, market: 'closing' }),
  ];
  return config.only ? all.filter((m) => config.only?.includes(m.name)) : all;
}
