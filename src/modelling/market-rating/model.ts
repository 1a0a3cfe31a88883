// Market rating: team strengths learned from the prices of PAST matches, not from the fixture's.
// Each finished match's closing 1X2 line gives the market's supremacy d = ln(P(home) / P(away))
// (margin removed multiplicatively, so d = ln(awayOdds / homeOdds)). Ratings follow
//   predicted d = rating[home] - rating[away] + homeAdvantage[competition]  (0 at a neutral venue)
// and after each match move by
//   u = k * (d - predicted) + goalK * (goal difference - kappa * d) + driftK * (d_closing - d_opening)
// i.e. towards the closing line, a little towards what happened on the pitch beyond it, and a
// little further in the direction the line moved between opening and closing (late news tends to
// persist into the next fixture, whose opening price was often set before it).
// Why: a fixture's opening line is often posted before the previous round; ratings built on the
// latest closing lines know more, so pooled with the opening odds they beat them (see README).
// Probabilities: P(draw) = sigmoid(a + b d + c d^2), fitted by least squares of logit P(draw) on
// the same closing lines; home and away split the rest in the ratio e^d : 1.
import { symmetricAtNeutralVenue } from '../neutral-venue';
import type { MatchInput, OutcomeProbabilities } from '../types';

export interface MarketRatingHyperparameters {
  /** Step towards the closing line's supremacy per match. */
  k: number;
  /** Step of the per-competition home advantage. */
  homeK: number;
  /** Step per goal of goal difference beyond the market's expectation (kappa * d). */
  goalK: number;
  /** Step per unit of the opening-to-closing move of the match's supremacy. */
  driftK: number;
  /** Rating of a team new to the competition, relative to the mean of its known teams. */
  newTeamOffset: number;
  /** Home advantage (in supremacy units) before a competition has any priced match. */
  initialHomeAdvantage: number;
}

export const DEFAULT_MARKET_RATING_HYPERPARAMETERS: MarketRatingHyperparameters = {
  k: 0.3,
  homeK: 0.01,
  goalK: 0.02,
  driftK: 0.1,
  newTeamOffset: -0.3,
  initialHomeAdvantage: 0.35,
};

export interface MarketRatingTeam {
  rating: number;
  competition: string;
}

export interface MarketRatingCompetition {
  homeAdvantage: number;
  /** Latest season seen; in the first one (founding) every team starts at 0, no offset. */
  season: string;
  founding: boolean;
  /** Sum and count of the ratings of the teams whose latest competition this is (new-team prior). */
  ratingSum: number;
  teamCount: number;
}

/**
 * Running sums of the least-squares problems, so that a refit continues from the previous one:
 * draw: logit P(draw) on [1, d, d^2] (upper triangle of X'X as [n, Sd, Sd2, Sd3, Sd4], X'y);
 * kappa: goal difference on d through the origin.
 */
export interface MarketRatingStatistics {
  drawXtX: [number, number, number, number, number];
  drawXty: [number, number, number];
  goalsDd: number;
  goalsDg: number;
}

/** Plain JSON parameters of a fitted market rating. */
export interface MarketRatingParameters {
  model: 'market-rating';
  hyperparameters: MarketRatingHyperparameters;
  /** Only finished matches with kickoff < asOf were used. */
  asOf: number;
  /** Finished matches replayed (a warm start checks it to decide whether it may continue). */
  matchCount: number;
  /** Of those, matches with usable 1X2 odds. */
  pricedCount: number;
  teams: Record<string, MarketRatingTeam>;
  competitions: Record<string, MarketRatingCompetition>;
  statistics: MarketRatingStatistics;
  /** P(draw) = sigmoid(draw[0] + draw[1] d + draw[2] d^2). */
  draw: [number, number, number];
  /** Expected goal difference per unit of supremacy. */
  kappa: number;
}

/** Used until enough priced matches exist: about 26% draws at d = 0, fewer for lopsided games. */
export const DEFAULT_DRAW_CURVE: [number, number, number] = [-1.05, 0, -0.1];
export const DEFAULT_KAPPA = 0.8;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** 1X2 probabilities for a supremacy d = ln(P(home) / P(away)). */
export function probabilitiesFromSupremacy(
  d: number,
  draw: readonly [number, number, number],
): OutcomeProbabilities {
  const pDraw = sigmoid(draw[0] + draw[1] * d + draw[2] * d * d);
  const home = (1 - pDraw) * sigmoid(d);
  return { home, draw: pDraw, away: 1 - pDraw - home };
}

function ratingOf(
  params: MarketRatingParameters,
  team: string,
  competition: string,
  season: string,
): number {
  const known = params.teams[team];
  if (known) return known.rating;
  const c = params.competitions[competition];
  if (!c) return 0;
  // A fixture of the next season makes a founding competition established.
  const mean = c.teamCount > 0 ? c.ratingSum / c.teamCount : 0;
  const founding = c.founding && c.season === season;
  return founding ? 0 : mean + params.hyperparameters.newTeamOffset;
}

/** Predicted supremacy (home advantage included unless neutral) for a fixture. */
export function marketRatingSupremacy(
  params: MarketRatingParameters,
  fixture: Pick<MatchInput, 'homeTeam' | 'awayTeam' | 'competition' | 'season' | 'neutral'>,
): number {
  const c = params.competitions[fixture.competition];
  const advantage = fixture.neutral
    ? 0
    : (c?.homeAdvantage ?? params.hyperparameters.initialHomeAdvantage);
  return (
    ratingOf(params, fixture.homeTeam, fixture.competition, fixture.season) -
    ratingOf(params, fixture.awayTeam, fixture.competition, fixture.season) +
    advantage
  );
}

export function predictMarketRating(
  params: MarketRatingParameters,
  fixture: Pick<MatchInput, 'homeTeam' | 'awayTeam' | 'competition' | 'season' | 'neutral'>,
): OutcomeProbabilities {
  // The draw curve's linear term (fitted on home-listed matches) is not even in d.
  return symmetricAtNeutralVenue(fixture, (f) =>
    probabilitiesFromSupremacy(marketRatingSupremacy(params, f), params.draw),
  );
}
