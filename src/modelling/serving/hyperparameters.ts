// Hyperparameters of the models the service trains and serves, with the tuned defaults.
import type { DixonColesHyperparameters } from '../dixon-coles/model';
import type { EloHyperparameters } from '../elo/rating';
import type { OddsPhase } from '../backtest/market-line';
import type { MarketRatingHyperparameters } from '../market-rating/model';
import type { PoissonFilterHyperparameters } from '../poisson-filter/model';
import type { PiRatingHyperparameters } from '../pi-rating/model';
import type { GoalsFeatures } from '../market-scores/features';
import {
  TUNED_CLOSED_DOORS,
  TUNED_DIXON_COLES,
  TUNED_DIXON_COLES_WINDOW_DAYS,
  TUNED_ELO,
  TUNED_ENSEMBLE_L2,
  TUNED_MARKET_GOALS,
  TUNED_MARKET_RATING,
  TUNED_PI_RATING,
  TUNED_POISSON_FILTER,
  TUNED_SEASON_PROGRESS,
} from '../tuning/defaults';

export const SERVED_MODEL_TYPES = ['elo', 'dixon-coles', 'ensemble'] as const;
export type ServedModelType = (typeof SERVED_MODEL_TYPES)[number];

export interface ServedHyperparameters {
  elo: EloHyperparameters;
  dixonColes: DixonColesHyperparameters & { windowDays: number };
  /**
   * The stacked ensemble: pull towards equal weights, which market line it reads, and what it
   * reads from the same phase's over/under 2.5 price (absent in settings stored before: none).
   * `timescales` 'multi': the statistical ensemble (market 'none') also reads Elo and Poisson-filter
   * variants at other time scales (TUNED_TIMESCALES) and pi-ratings, as bench:models' ensemble-stat
   * (absent in settings stored before: none); ensembles that read a market line ignore it.
   * `seasonProgress` 'matches': the stack's weights also depend on how many matches the sides have
   * played this season (EnsembleSpec.seasonProgress; absent in settings stored before: none).
   * `closedDoors` 'table': the stack's home and draw intercepts shift for matches played behind
   * closed doors (src/modelling/closed-doors.ts; absent in settings stored before: none).
   */
  ensemble: {
    l2: number;
    market: OddsPhase | 'none';
    goals?: GoalsFeatures | 'none';
    timescales?: 'multi' | 'none';
    seasonProgress?: 'matches' | 'none';
    closedDoors?: 'table' | 'none';
  };
  /** Ratings from earlier matches' closing lines: an input of the odds-aware ensemble only. */
  marketRating: MarketRatingHyperparameters;
  /** Dynamic Poisson ratings: an input of the ensemble (statistical, reads no odds). */
  poissonFilter: PoissonFilterHyperparameters;
  /** Pi-ratings: an input of the statistical ensemble with timescales 'multi'. */
  piRating: PiRatingHyperparameters;
}

export const DEFAULT_SERVED_HYPERPARAMETERS: ServedHyperparameters = {
  elo: TUNED_ELO,
  dixonColes: { ...TUNED_DIXON_COLES, windowDays: TUNED_DIXON_COLES_WINDOW_DAYS },
  ensemble: {
    l2: TUNED_ENSEMBLE_L2,
    market: 'opening',
    goals: TUNED_MARKET_GOALS,
    timescales: 'multi',
    seasonProgress: TUNED_SEASON_PROGRESS ? 'matches' : 'none',
    closedDoors: TUNED_CLOSED_DOORS ? 'table' : 'none',
  },
  marketRating: TUNED_MARKET_RATING,
  poissonFilter: TUNED_POISSON_FILTER,
  piRating: TUNED_PI_RATING,
};

/** Overrides as an API caller gives them: any subset of each group. */
export interface HyperparameterOverrides {
  elo?: Partial<EloHyperparameters>;
  marketRating?: Partial<MarketRatingHyperparameters>;
  poissonFilter?: Partial<PoissonFilterHyperparameters>;
  piRating?: Partial<PiRatingHyperparameters>;
  dixonColes?: Partial<ServedHyperparameters['dixonColes']>;
  ensemble?: Partial<ServedHyperparameters['ensemble']>;
}

/** The numeric hyperparameters a search space may vary, as "group.name" paths with their bounds. */
export const SEARCHABLE_HYPERPARAMETERS: Readonly<
  Record<string, { min: number; max: number; integer?: true }>
> = {
  'elo.k': { min: 1, max: 100 },
  'elo.homeAdvantage': { min: 0, max: 200 },
  'elo.newTeamOffset': { min: -300, max: 300 },
  'elo.seasonRegression': { min: 0, max: 1 },
  'elo.logitHalfLifeDays': { min: 0, max: 3650 },
  'dixonColes.xi': { min: 0, max: 0.02 },
  'dixonColes.ridge': { min: 0, max: 100 },
  'dixonColes.windowDays': { min: 60, max: 5000, integer: true },
  'ensemble.l2': { min: 0, max: 10 },
};

/** Defaults with the caller's overrides applied (a new object; defaults are never mutated). */
export function resolveHyperparameters(
  overrides: HyperparameterOverrides = {},
): ServedHyperparameters {
  const d = DEFAULT_SERVED_HYPERPARAMETERS;
  return {
    elo: { ...d.elo, ...overrides.elo },
    dixonColes: { ...d.dixonColes, ...overrides.dixonColes },
    ensemble: { ...d.ensemble, ...overrides.ensemble },
    marketRating: { ...d.marketRating, ...overrides.marketRating },
    poissonFilter: { ...d.poissonFilter, ...overrides.poissonFilter },
    piRating: { ...d.piRating, ...overrides.piRating },
  };
}

/** Sets one "group.name" path (see SEARCHABLE_HYPERPARAMETERS) on a copy. */
export function withHyperparameter(
  hp: ServedHyperparameters,
  path: string,
  value: number,
): ServedHyperparameters {
  const [group, name] = path.split('.') as [keyof ServedHyperparameters, string];
  return { ...hp, [group]: { ...hp[group], [name]: value } };
}

/** The hyperparameters a model type actually uses (so a version records only what mattered). */
export function relevantHyperparameters(
  type: ServedModelType,
  hp: ServedHyperparameters,
): Partial<ServedHyperparameters> {
  if (type === 'elo') return { elo: hp.elo };
  if (type === 'dixon-coles') return { dixonColes: hp.dixonColes };
  return hp;
}
