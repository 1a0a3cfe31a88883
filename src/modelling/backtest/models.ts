// Adapters from the statistical models to the backtester's fit/predict contract.
import { fitDixonColes } from '../dixon-coles/fit';
import {
  dixonColesScoreMatrix,
  type DixonColesHyperparameters,
  type DixonColesParameters,
} from '../dixon-coles/model';
import { fitElo, type EloParameters } from '../elo/fit';
import { EloPredictor } from '../elo/predictor';
import type { EloHyperparameters } from '../elo/rating';
import { bothTeamsToScore, matchResult, overUnder } from '../markets/markets';
import { fitMarketRating } from '../market-rating/fit';
import {
  predictMarketRating,
  type MarketRatingHyperparameters,
  type MarketRatingParameters,
} from '../market-rating/model';
import { fitPoissonFilter } from '../poisson-filter/fit';
import {
  predictPoissonFilter,
  type PoissonFilterHyperparameters,
  type PoissonFilterParameters,
} from '../poisson-filter/model';
import { fitPiRating } from '../pi-rating/fit';
import {
  predictPiRating,
  type PiRatingHyperparameters,
  type PiRatingParameters,
} from '../pi-rating/model';
import type { MatchInput } from '../types';
import { perCompetition } from './per-competition';
import type { BacktestModel } from './types';

const DAY_MS = 86_400_000;

export function eloModel(hp: EloHyperparameters, name = 'elo'): BacktestModel<EloParameters> {
  return {
    name,
    fit: (training, context, previous) => fitElo(training, context.asOf, hp, previous),
    predict: (params, fixture) => ({
      probabilities: new EloPredictor(params).predict(fixture as MatchInput),
    }),
  };
}

export interface DixonColesModelOptions {
  /**
   * Only matches this many days before asOf are passed to the fit: with the usual decay they
   * weigh little, and dropping them bounds the cost of a refit.
   */
  windowDays: number;
}

export function dixonColesModel(
  hp: DixonColesHyperparameters,
  options: DixonColesModelOptions,
  name = 'dixon-coles',
): BacktestModel<DixonColesParameters | undefined> {
  return {
    name,
    fit(training, context, previous) {
      const from = context.asOf - options.windowDays * DAY_MS;
      const window = training.filter((m) => m.kickoff >= from);
      if (!window.some((m) => m.homeGoals !== undefined)) return previous;
      return fitDixonColes(window, context.asOf, hp, previous);
    },
    predict(params, fixture) {
      if (!params) return undefined;
      const matrix = dixonColesScoreMatrix(params, fixture);
      return {
        probabilities: matchResult(matrix),
        over25: overUnder(matrix, 2.5).over,
        btts: bothTeamsToScore(matrix).yes,
      };
    },
  };
}

/**
 * Ratings from past matches' closing lines. Its predictions use no odds of the fixture itself, but
 * they do use market prices of earlier matches, so it feeds only the market-aware ensembles.
 */
export function marketRatingModel(
  hp: MarketRatingHyperparameters,
  name = 'market-rating',
): BacktestModel<MarketRatingParameters> {
  return {
    name,
    fit: (training, context, previous) => fitMarketRating(training, context.asOf, hp, previous),
    predict: (params, fixture) => ({ probabilities: predictMarketRating(params, fixture) }),
  };
}

/** Dynamic Poisson ratings (Kalman-filtered attack/defence random walks); continues each week. */
export function poissonFilterModel(
  hp: PoissonFilterHyperparameters,
  name = 'poisson-filter',
): BacktestModel<PoissonFilterParameters> {
  return {
    name,
    fit: (training, context, previous) => fitPoissonFilter(training, context.asOf, hp, previous),
    predict(params, fixture) {
      const { probabilities, over25, btts } = predictPoissonFilter(params, fixture);
      return { probabilities, over25, btts };
    },
  };
}

/** Pi-ratings (separate home and away ratings per team). */
export function piRatingModel(
  hp: PiRatingHyperparameters,
  name = 'pi-rating',
): BacktestModel<PiRatingParameters> {
  return {
    name,
    fit: (training, context, previous) => fitPiRating(training, context.asOf, hp, previous),
    predict: (params, fixture) => ({ probabilities: predictPiRating(params, fixture) }),
  };
}

/**
 * Second time scales of the cheap rating families, as extra inputs of the statistical ensemble:
 * each named variant is the base model's hyperparameters with a few overridden (e.g. Elo with a
 * higher or lower k, a Poisson filter with more volatility). Their own forecasts are worse than the
 * tuned compromise, but a stack that sees a fast and a slow memory side by side can weigh a team's
 * recent form against its long-run strength.
 */
export interface Timescales {
  elo: Readonly<Record<string, Partial<EloHyperparameters>>>;
  poissonFilter: Readonly<Record<string, Partial<PoissonFilterHyperparameters>>>;
}

/** The variants' input names, Elo ones first, in a fixed order. */
export function timescaleInputs(timescales: Timescales): string[] {
  return [...Object.keys(timescales.elo), ...Object.keys(timescales.poissonFilter)];
}

/** The variants as per-competition backtest models named by their input names. */
export function timescaleModels(
  elo: EloHyperparameters,
  filter: PoissonFilterHyperparameters,
  timescales: Timescales,
): BacktestModel[] {
  return [
    ...Object.entries(timescales.elo).map(([name, o]) =>
      perCompetition(eloModel({ ...elo, ...o }, name)),
    ),
    ...Object.entries(timescales.poissonFilter).map(([name, o]) =>
      perCompetition(poissonFilterModel({ ...filter, ...o }, name)),
    ),
  ];
}
