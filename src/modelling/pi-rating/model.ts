// Pi-ratings (Constantinou & Fenton 2013): each team has a home and an away rating, in goals of
// expected goal difference on a log-like scale. After a match the error between the observed and
// the expected goal difference moves the venue's rating by `learningRate` and the team's other
// rating by `crossLearningRate` times that step. Outcome probabilities come from an ordered logit
// on the expected goal difference, as the Elo model maps its rating difference.
import { orderedLogitProbabilities, type OrderedLogit } from '../elo/ordered-logit';
import { symmetricAtNeutralVenue } from '../neutral-venue';
import type { OutcomeProbabilities } from '../types';

export interface PiRatingHyperparameters {
  /** lambda: share of the (compressed) goal-difference error added to the venue's rating. */
  learningRate: number;
  /** gamma: the other venue's rating follows the venue's change times this. */
  crossLearningRate: number;
  /** Home and away rating of a team joining an established competition (promoted sides). */
  newTeamRating: number;
  /** Matches each team must have played before a match is used to fit the ordered logit. */
  logitBurnInMatches: number;
}

/** The paper's lambda 0.035 and gamma 0.7; promoted sides start below the league average. */
export const DEFAULT_PI_RATING_HYPERPARAMETERS: PiRatingHyperparameters = {
  learningRate: 0.035,
  crossLearningRate: 0.7,
  newTeamRating: -0.3,
  logitBurnInMatches: 10,
};

/** b and c of the paper: a rating of c = 3 means b - 1 = 9 goals, 1 means about 1.15. */
const BASE = 10;
const SCALE = 3;

export interface PiTeamRating {
  home: number;
  away: number;
  games: number;
}

/** Plain JSON parameters of a fitted pi-rating model (one competition). */
export interface PiRatingParameters {
  hyperparameters: PiRatingHyperparameters;
  asOf: number;
  matchCount: number;
  /** Season of the competition's first replayed match: its teams all start at 0. */
  foundingSeason?: string;
  teams: Record<string, PiTeamRating>;
  outcomeModel: OrderedLogit;
}

/** Expected goal difference a rating stands for: sign(r) * (b^(|r| / c) - 1). */
export function ratingGoals(rating: number): number {
  return Math.sign(rating) * (Math.pow(BASE, Math.abs(rating) / SCALE) - 1);
}

/** Expected home-minus-away goal difference (home's home rating, away's away rating). */
export function expectedGoalDifference(home: PiTeamRating, away: PiTeamRating, neutral = false) {
  const h = neutral ? (home.home + home.away) / 2 : home.home;
  const a = neutral ? (away.home + away.away) / 2 : away.away;
  return ratingGoals(h) - ratingGoals(a);
}

/**
 * Updates both teams in place after a home-minus-away goal difference `observed`: the error is
 * compressed as c * log10(1 + |error|), so a 5-0 moves ratings little more than a 3-0.
 */
export function piUpdate(
  hp: PiRatingHyperparameters,
  home: PiTeamRating,
  away: PiTeamRating,
  observed: number,
  neutral = false,
): void {
  const error = observed - expectedGoalDifference(home, away, neutral);
  const step = Math.sign(error) * SCALE * Math.log10(1 + Math.abs(error)) * hp.learningRate;
  home.home += step;
  home.away += step * hp.crossLearningRate;
  away.away -= step;
  away.home -= step * hp.crossLearningRate;
  home.games++;
  away.games++;
}

/** A team's ratings for a fixture: known, 0 in the founding season, else a promoted side's. */
export function piTeamRating(
  params: Pick<PiRatingParameters, 'teams' | 'foundingSeason' | 'hyperparameters'>,
  team: string,
  season: string,
): PiTeamRating {
  const known = params.teams[team];
  if (known) return known;
  const r =
    params.foundingSeason === undefined || params.foundingSeason === season
      ? 0
      : params.hyperparameters.newTeamRating;
  return { home: r, away: r, games: 0 };
}

export function predictPiRating(
  params: PiRatingParameters,
  fixture: { homeTeam: string; awayTeam: string; season: string; neutral: boolean },
): OutcomeProbabilities {
  // Like Elo's, the ordered logit's cutpoints favour the home-listed side at a neutral venue.
  return symmetricAtNeutralVenue(fixture, (f) => {
    const home = piTeamRating(params, f.homeTeam, f.season);
    const away = piTeamRating(params, f.awayTeam, f.season);
    return orderedLogitProbabilities(
      params.outcomeModel,
      expectedGoalDifference(home, away, f.neutral),
    );
  });
}
