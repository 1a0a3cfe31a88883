// A trained model as the service stores and serves it: plain JSON parameters, and one function
// that turns them and a fixture into a full score matrix plus the components that explain it.
import { marketProbabilities, type OddsPhase } from '../backtest/market-line';
import { marketGoalsFeatures } from '../market-scores/features';
import { marketScoreMatrix, marketScoreSummary, solveMarketScores } from '../market-scores/model';
import type { Fixture, Prediction } from '../backtest/types';
import { expectedGoals, dixonColesScoreMatrix } from '../dixon-coles/model';
import type { DixonColesParameters } from '../dixon-coles/model';
import { EloState, type EloParameters } from '../elo/fit';
import { EloPredictor } from '../elo/predictor';
import { ensembleModel, type EnsembleParameters } from '../ensemble/ensemble-model';
import { predictMarketRating, type MarketRatingParameters } from '../market-rating/model';
import { expectedGoalsFromMatrix, matchResult } from '../markets/markets';
import { predictPoissonFilter, type PoissonFilterParameters } from '../poisson-filter/model';
import { predictPiRating, type PiRatingParameters } from '../pi-rating/model';
import { conditionOnResult, matrixForResult } from '../markets/outcome-matrix';
import { venueAverageGoals } from '../neutral-venue';
import type { ScoreMatrix } from '../markets/score-matrix';
import type { MatchInput, OutcomeProbabilities } from '../types';
import type { ServedHyperparameters, ServedModelType } from './hyperparameters';

export const ELO_INPUT = 'elo';
export const DIXON_COLES_INPUT = 'dixon-coles';
export const MARKET_RATING_INPUT = 'market-rating';
export const POISSON_FILTER_INPUT = 'poisson-filter';
export const PI_RATING_INPUT = 'pi-rating';

export interface ServedModelParameters {
  type: ServedModelType;
  /** Every training match kicked off before this instant (ms since epoch). */
  asOf: number;
  competitions: string[];
  /** Per competition (the leagues share no teams). */
  elo?: Record<string, EloParameters>;
  dixonColes?: Record<string, DixonColesParameters>;
  /** Odds-aware ensembles only: ratings from earlier matches' closing lines. */
  marketRating?: Record<string, MarketRatingParameters>;
  /** Ensembles trained since the Poisson filter exists: its per-competition ratings. */
  poissonFilter?: Record<string, PoissonFilterParameters>;
  /** Statistical ensembles that read pi-ratings (an entry of ensemble.inputs): per competition. */
  piRating?: Record<string, PiRatingParameters>;
  /**
   * Statistical ensembles reading variants at other time scales: per input name (an entry of
   * ensemble.inputs), per competition; each fit carries its own hyperparameters.
   */
  timescales?: {
    elo: Record<string, Record<string, EloParameters>>;
    poissonFilter: Record<string, Record<string, PoissonFilterParameters>>;
  };
  ensemble?: EnsembleParameters;
  /** Mean goals per competition, for result-only models' score matrices. */
  averageGoals: Record<string, { home: number; away: number }>;
  hyperparameters: ServedHyperparameters;
}

export interface EloComponent {
  homeRating: number;
  awayRating: number;
  homeAdvantage: number;
  /** Home - away rating difference including home advantage. */
  difference: number;
  probabilities: OutcomeProbabilities;
}

export interface DixonColesComponent {
  home: { attack: number; defence: number };
  away: { attack: number; defence: number };
  /** Multiplier on the home side's expected goals (exp of the log home advantage; 1 at neutral venues). */
  homeAdvantageFactor: number;
  rho: number;
  expectedGoals: { home: number; away: number };
  probabilities: OutcomeProbabilities;
}

export interface ServedForecast {
  matrix: ScoreMatrix;
  result: OutcomeProbabilities;
  components: {
    elo?: EloComponent;
    dixonColes?: DixonColesComponent;
    /** The market line the ensemble read, when it read one. */
    ensembleMarket?: { phase: string; probabilities: OutcomeProbabilities };
    marketRating?: OutcomeProbabilities;
    poissonFilter?: OutcomeProbabilities;
    piRating?: OutcomeProbabilities;
    /** The market's score model for the phase the ensemble reads (1X2 and over/under priced). */
    marketGoals?: MarketGoalsComponent;
  };
}

export interface MarketGoalsComponent {
  phase: string;
  /** Margin-free P(over 2.5) of the over/under price. */
  over25: number;
  /** The 1X2 the goal total implies (what the ensemble pools when it reads goals). */
  goalsImplied: OutcomeProbabilities;
  /** Poisson means and draw inflation reproducing the 1X2 and over/under prices. */
  expectedGoals?: { home: number; away: number };
  /** P(both teams score) of that score model. */
  btts?: number;
}

function marketGoalsComponent(
  fixture: Fixture,
  phase: OddsPhase,
): MarketGoalsComponent | undefined {
  const goals = marketGoalsFeatures(fixture, phase);
  const result = marketProbabilities(fixture, phase);
  if (!goals || !result) return undefined;
  const exact = solveMarketScores(result, goals.over);
  const matrix = exact ? marketScoreMatrix(exact) : undefined;
  return {
    phase,
    over25: goals.over,
    goalsImplied: goals.implied,
    ...(matrix ? { expectedGoals: expectedGoalsFromMatrix(matrix) } : {}),
    ...(exact ? { btts: marketScoreSummary(exact).btts } : {}),
  };
}

/** Why a model cannot price a fixture (e.g. a competition it was not trained on). */
export class UnpriceableFixtureError extends Error {}

function eloComponent(params: EloParameters, fixture: Fixture): EloComponent {
  const { home, away, difference } = EloState.forFixture(params, fixture as MatchInput).difference(
    fixture as MatchInput,
  );
  return {
    homeRating: home.rating,
    awayRating: away.rating,
    homeAdvantage: fixture.neutral ? 0 : params.hyperparameters.homeAdvantage,
    difference,
    // The predictor's 1X2, which is symmetric at a neutral venue.
    probabilities: new EloPredictor(params).predict(fixture as MatchInput),
  };
}

function dixonColesComponent(
  params: DixonColesParameters,
  fixture: Fixture,
): { component: DixonColesComponent; matrix: ScoreMatrix } {
  const rating = (team: string) => {
    const i = params.teams.indexOf(team);
    if (i >= 0) return { attack: params.attack[i], defence: params.defence[i] };
    return params.newTeam ?? { attack: 0, defence: 0 };
  };
  const matrix = dixonColesScoreMatrix(params, fixture);
  return {
    matrix,
    component: {
      home: rating(fixture.homeTeam),
      away: rating(fixture.awayTeam),
      homeAdvantageFactor: fixture.neutral ? 1 : Math.exp(params.homeAdvantage),
      rho: params.rho,
      expectedGoals: expectedGoals(params, fixture),
      probabilities: matchResult(matrix),
    },
  };
}

function averageGoalsFor(params: ServedModelParameters, competition: string) {
  return params.averageGoals[competition] ?? { home: 1.5, away: 1.15 };
}

/**
 * The model's forecast for a fixture. Dixon-Coles gives the matrix directly; Elo's 1X2 is turned
 * into a matrix with the competition's average goals; the ensemble reshapes the Dixon-Coles
 * matrix to its own 1X2. Throws UnpriceableFixtureError for a competition outside the model.
 */
export function forecastFixture(params: ServedModelParameters, fixture: Fixture): ServedForecast {
  const competition = fixture.competition;
  if (!params.competitions.includes(competition)) {
    throw new UnpriceableFixtureError(
      `the model was not trained on competition ${competition} (it covers ${params.competitions.join(', ')})`,
    );
  }
  const eloParams = params.elo?.[competition];
  const dcParams = params.dixonColes?.[competition];
  const elo = eloParams ? eloComponent(eloParams, fixture) : undefined;
  const dc = dcParams ? dixonColesComponent(dcParams, fixture) : undefined;

  if (params.type === 'elo') {
    if (!elo) throw new UnpriceableFixtureError(`no Elo ratings for ${competition}`);
    const goals = venueAverageGoals(averageGoalsFor(params, competition), fixture.neutral);
    const matrix = matrixForResult(elo.probabilities, goals);
    return { matrix, result: elo.probabilities, components: { elo } };
  }
  if (!dc) throw new UnpriceableFixtureError(`no Dixon-Coles fit for ${competition}`);
  if (params.type === 'dixon-coles') {
    return {
      matrix: dc.matrix,
      result: dc.component.probabilities,
      components: { dixonColes: dc.component },
    };
  }
  if (!elo || !params.ensemble) {
    throw new UnpriceableFixtureError(`the ensemble lacks a component for ${competition}`);
  }
  const inputs: Record<string, Prediction> = {
    [ELO_INPUT]: { probabilities: elo.probabilities },
    [DIXON_COLES_INPUT]: { probabilities: dc.component.probabilities },
  };
  if (params.ensemble.inputs.includes(POISSON_FILTER_INPUT)) {
    const filter = params.poissonFilter?.[competition];
    if (!filter) throw new UnpriceableFixtureError(`no Poisson filter ratings for ${competition}`);
    inputs[POISSON_FILTER_INPUT] = {
      probabilities: predictPoissonFilter(filter, fixture).probabilities,
    };
  }
  if (params.ensemble.inputs.includes(PI_RATING_INPUT)) {
    const pi = params.piRating?.[competition];
    if (!pi) throw new UnpriceableFixtureError(`no pi-ratings for ${competition}`);
    inputs[PI_RATING_INPUT] = { probabilities: predictPiRating(pi, fixture) };
  }
  for (const [name, fits] of Object.entries(params.timescales?.elo ?? {})) {
    if (!params.ensemble.inputs.includes(name)) continue;
    const fit = fits[competition];
    if (!fit) throw new UnpriceableFixtureError(`no ${name} ratings for ${competition}`);
    inputs[name] = { probabilities: eloComponent(fit, fixture).probabilities };
  }
  for (const [name, fits] of Object.entries(params.timescales?.poissonFilter ?? {})) {
    if (!params.ensemble.inputs.includes(name)) continue;
    const fit = fits[competition];
    if (!fit) throw new UnpriceableFixtureError(`no ${name} ratings for ${competition}`);
    inputs[name] = { probabilities: predictPoissonFilter(fit, fixture).probabilities };
  }
  const rating = params.marketRating?.[competition];
  if (params.ensemble.inputs.includes(MARKET_RATING_INPUT)) {
    if (!rating) throw new UnpriceableFixtureError(`no market rating for ${competition}`);
    inputs[MARKET_RATING_INPUT] = { probabilities: predictMarketRating(rating, fixture) };
  }
  const market = params.ensemble.market;
  const goals = params.ensemble.goals;
  const ensemble = ensembleModel({
    name: 'ensemble',
    inputs: params.ensemble.inputs,
    l2: params.hyperparameters.ensemble.l2,
    ...(params.ensemble.schedule ? { seasonProgress: true } : {}),
    ...(params.ensemble.closedDoors ? { closedDoors: true } : {}),
    ...(market ? { market } : {}),
    ...(goals ? { goals } : {}),
  });
  const prediction = ensemble.predict(params.ensemble, fixture, inputs);
  if (!prediction) throw new UnpriceableFixtureError('the ensemble could not price the fixture');
  const marketLine = market ? marketProbabilities(fixture, market) : undefined;
  const marketGoals = market ? marketGoalsComponent(fixture, market) : undefined;
  return {
    matrix: conditionOnResult(dc.matrix, prediction.probabilities),
    result: prediction.probabilities,
    components: {
      elo,
      dixonColes: dc.component,
      ...(inputs[MARKET_RATING_INPUT]
        ? { marketRating: inputs[MARKET_RATING_INPUT].probabilities }
        : {}),
      ...(inputs[POISSON_FILTER_INPUT]
        ? { poissonFilter: inputs[POISSON_FILTER_INPUT].probabilities }
        : {}),
      ...(inputs[PI_RATING_INPUT] ? { piRating: inputs[PI_RATING_INPUT].probabilities } : {}),
      ...(marketLine
        ? { ensembleMarket: { phase: market as string, probabilities: marketLine } }
        : {}),
      ...(marketGoals ? { marketGoals } : {}),
    },
  };
}
