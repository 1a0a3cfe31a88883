// Dixon & Coles (1997): independent Poisson goals with a correction tau on the four low scores.
//   log lambda_home = intercept + homeAdvantage (0 at a neutral venue) + attack[home] - defence[away]
//   log lambda_away = intercept + attack[away] - defence[home]
// A higher `defence` means a better defence (fewer goals conceded). 0 is the league average.
import type { MatchInput } from '../types';
import {
  DEFAULT_MAX_GOALS,
  createScoreMatrix,
  poissonProbabilities,
} from '../markets/score-matrix';
import type { ScoreMatrix } from '../markets/score-matrix';

export interface DixonColesHyperparameters {
  /** Time decay per day: a match d days before asOf has weight exp(-xi d). */
  xi: number;
  /** Penalty ridge * sum(attack^2 + defence^2) added to the weighted negative log-likelihood. */
  ridge: number;
  /** Bounds on rho; default [-0.2, 0.2]. */
  rhoMin?: number;
  rhoMax?: number;
}

export interface DixonColesParameters {
  model: 'dixon-coles';
  teams: string[];
  attack: number[];
  defence: number[];
  intercept: number;
  homeAdvantage: number;
  rho: number;
  /** Fit time (ms since epoch): only matches that kicked off strictly before it were used. */
  asOf: number;
  hyperparameters: DixonColesHyperparameters;
  matchesUsed: number;
  /**
   * Ratings used for a team absent from `teams` (typically a promoted side): the mean rating of
   * the teams that joined in the latest season of the fit window, or 0/0 (league average) when
   * no team joined. Optional so that older serialised parameters stay valid.
   */
  newTeam?: { attack: number; defence: number };
  /** Optimiser diagnostics. */
  iterations?: number;
  converged?: boolean;
}

export const DEFAULT_RHO_MIN = -0.2;
export const DEFAULT_RHO_MAX = 0.2;

/** The Dixon-Coles low-score correction factor. */
export function tau(home: number, away: number, lambda: number, mu: number, rho: number): number {
  if (home === 0 && away === 0) return 1 - lambda * mu * rho;
  if (home === 0 && away === 1) return 1 + lambda * rho;
  if (home === 1 && away === 0) return 1 + mu * rho;
  if (home === 1 && away === 1) return 1 - rho;
  return 1;
}

/** Score distribution for known rates; negative tau cells are clamped to 0 and renormalised. */
export function dixonColesMatrixFromRates(
  homeRate: number,
  awayRate: number,
  rho: number,
  maxGoals = DEFAULT_MAX_GOALS,
): ScoreMatrix {
  const ph = poissonProbabilities(homeRate, maxGoals);
  const pa = poissonProbabilities(awayRate, maxGoals);
  return createScoreMatrix(maxGoals, (h, a) => ph[h] * pa[a] * tau(h, a, homeRate, awayRate, rho));
}

function teamRatings(params: DixonColesParameters, team: string) {
  const i = params.teams.indexOf(team);
  if (i >= 0) return { attack: params.attack[i], defence: params.defence[i] };
  return params.newTeam ?? { attack: 0, defence: 0 };
}

export function expectedGoals(
  params: DixonColesParameters,
  fixture: Pick<MatchInput, 'homeTeam' | 'awayTeam' | 'neutral'>,
): { home: number; away: number } {
  const home = teamRatings(params, fixture.homeTeam);
  const away = teamRatings(params, fixture.awayTeam);
  const advantage = fixture.neutral ? 0 : params.homeAdvantage;
  return {
    home: Math.exp(params.intercept + advantage + home.attack - away.defence),
    away: Math.exp(params.intercept + away.attack - home.defence),
  };
}

export function dixonColesScoreMatrix(
  params: DixonColesParameters,
  fixture: Pick<MatchInput, 'homeTeam' | 'awayTeam' | 'neutral'>,
  maxGoals = DEFAULT_MAX_GOALS,
): ScoreMatrix {
  const rates = expectedGoals(params, fixture);
  return dixonColesMatrixFromRates(rates.home, rates.away, params.rho, maxGoals);
}
