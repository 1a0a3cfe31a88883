// Dynamic Poisson team ratings (a state-space model in the spirit of Koopman & Lit, filtered
// rather than smoothed): every team has an attack and a defence rating that follow independent
// Gaussian random walks in time, and goals are Poisson with
//   log lambda_home = intercept + homeAdvantage (0 at a neutral venue) + attack[home] - defence[away]
//   log lambda_away = intercept + attack[away] - defence[home].
// Each played match updates the ratings by one extended-Kalman (Laplace) step on the Poisson
// likelihood: the prior of log lambda is Gaussian with the summed variances of the states in it,
// the update moves each state in proportion to its variance. Unlike Dixon-Coles' fixed decay,
// a team's uncertainty grows with the time it has not played (summer break, absence from the
// league), so a promoted or returning team moves fast and an established one slowly.
import type { MatchInput, OutcomeProbabilities } from '../types';
import { dixonColesMatrixFromRates } from '../dixon-coles/model';
import { matchResult, overUnder, bothTeamsToScore } from '../markets/markets';

export interface PoissonFilterHyperparameters {
  /** Variance of a rating of a team never seen (log-rate units squared). */
  initialVariance: number;
  /** Variance added to each rating per day without a match (random-walk step). */
  dailyVariance: number;
  /** Extra variance added to each rating at a team's first match of a new season. */
  seasonVariance: number;
  /** Fraction of each rating removed at a team's first match of a new season (towards 0). */
  seasonRegression: number;
  /** Attack and defence of a team joining an established competition, relative to 0 = average. */
  newTeamAttack: number;
  newTeamDefence: number;
  /** Variance (fixed) of the competition intercept and home advantage states; slow learners. */
  leagueVariance: number;
  /** Low-score correction used to turn rates into a score distribution. */
  rho: number;
}

export const DEFAULT_POISSON_FILTER_HYPERPARAMETERS: PoissonFilterHyperparameters = {
  initialVariance: 0.06,
  dailyVariance: 0.00004,
  seasonVariance: 0.01,
  seasonRegression: 0.1,
  newTeamAttack: -0.15,
  newTeamDefence: -0.1,
  leagueVariance: 0.0004,
  rho: -0.05,
};

export interface PoissonFilterTeam {
  attack: number;
  defence: number;
  attackVariance: number;
  defenceVariance: number;
  /** Kickoff of the team's latest match (ms since epoch). */
  lastKickoff: number;
  season: string;
  /** Competition of the team's latest match. */
  competition: string;
}

export interface PoissonFilterCompetition {
  intercept: number;
  homeAdvantage: number;
  /** Latest season seen and whether it is the first (founding) one: then new teams start at 0. */
  season: string;
  founding: boolean;
}

/** Plain JSON parameters of a filtered rating state. */
export interface PoissonFilterParameters {
  model: 'poisson-filter';
  hyperparameters: PoissonFilterHyperparameters;
  /** Only finished matches with kickoff < asOf were used. */
  asOf: number;
  /** Finished matches replayed; a warm start checks it before continuing instead of replaying. */
  matchCount: number;
  competitions: Record<string, PoissonFilterCompetition>;
  teams: Record<string, PoissonFilterTeam>;
}

export type FilterFixture = Pick<
  MatchInput,
  'homeTeam' | 'awayTeam' | 'neutral' | 'season' | 'competition'
>;

export const INITIAL_INTERCEPT = Math.log(1.35);
export const INITIAL_HOME_ADVANTAGE = 0.25;

/** Ratings a fixture's team would have: its own, or the new-team prior (0 in a founding season). */
export function filterRatings(
  params: PoissonFilterParameters,
  team: string,
  competition: string,
  season: string,
): { attack: number; defence: number } {
  const known = params.teams[team];
  const hp = params.hyperparameters;
  if (known) {
    // Mirrors the replay's new-season regression, so a season's first fixtures see it too.
    const keep = known.season === season ? 1 : 1 - hp.seasonRegression;
    return { attack: keep * known.attack, defence: keep * known.defence };
  }
  const c = params.competitions[competition];
  const founding = !c || (c.founding && c.season === season);
  return founding
    ? { attack: 0, defence: 0 }
    : { attack: hp.newTeamAttack, defence: hp.newTeamDefence };
}

export function poissonFilterRates(
  params: PoissonFilterParameters,
  fixture: FilterFixture,
): { home: number; away: number } {
  const home = filterRatings(params, fixture.homeTeam, fixture.competition, fixture.season);
  const away = filterRatings(params, fixture.awayTeam, fixture.competition, fixture.season);
  const c = params.competitions[fixture.competition];
  const intercept = c?.intercept ?? INITIAL_INTERCEPT;
  const advantage = fixture.neutral ? 0 : (c?.homeAdvantage ?? INITIAL_HOME_ADVANTAGE);
  return {
    home: Math.exp(intercept + advantage + home.attack - away.defence),
    away: Math.exp(intercept + away.attack - home.defence),
  };
}

export interface PoissonFilterPrediction {
  probabilities: OutcomeProbabilities;
  over25: number;
  btts: number;
  expectedGoals: { home: number; away: number };
}

export function predictPoissonFilter(
  params: PoissonFilterParameters,
  fixture: FilterFixture,
): PoissonFilterPrediction {
  const rates = poissonFilterRates(params, fixture);
  const matrix = dixonColesMatrixFromRates(rates.home, rates.away, params.hyperparameters.rho);
  return {
    probabilities: matchResult(matrix),
    over25: overUnder(matrix, 2.5).over,
    btts: bothTeamsToScore(matrix).yes,
    expectedGoals: rates,
  };
}
