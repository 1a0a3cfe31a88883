// At a neutral venue neither side is at home, so a forecast must not depend on which team is
// listed first: predicting B-A must give A-B's probabilities mirrored. Rating models drop their
// home advantage there, but what maps a rating difference to 1X2 (ordered-logit cutpoints, a
// draw curve with a linear term, a stack's intercepts and weights) was fitted on home-listed
// matches and still favours the first-listed side. Averaging the forecast with the mirrored
// forecast of the swapped fixture makes it symmetric by construction (and exactly so: the two
// averages add the same numbers) without refitting anything; home fixtures are left untouched.
import type { MatchInput, OutcomeProbabilities } from './types';

/** What a fixture needs to be mirrored: its sides, its venue and its 1X2 prices. */
export type SidedFixture = Pick<MatchInput, 'homeTeam' | 'awayTeam' | 'neutral' | 'odds'>;

/** The same 1X2 (probabilities or prices) seen from the other side: home and away exchanged. */
export function mirrorOutcome<T extends OutcomeProbabilities>(p: T): T {
  return { ...p, home: p.away, away: p.home };
}

const swapPrices = <T extends OutcomeProbabilities>(p: T | undefined) => p && mirrorOutcome(p);

/**
 * The fixture with its sides exchanged, 1X2 prices included (goal-total markets do not depend on
 * the order). A new odds object, so caches keyed by the original's identity are not confused.
 */
export function swapSides<F extends SidedFixture>(fixture: F): F {
  const odds = fixture.odds;
  const opening = swapPrices(odds?.opening);
  const closing = swapPrices(odds?.closing);
  return {
    ...fixture,
    homeTeam: fixture.awayTeam,
    awayTeam: fixture.homeTeam,
    ...(odds
      ? { odds: { ...odds, ...(opening ? { opening } : {}), ...(closing ? { closing } : {}) } }
      : {}),
  };
}

/**
 * `predict` for the fixture; at a neutral venue the mean of that and the mirrored prediction of
 * the swapped fixture. `predict` is told which orientation it sees (`swapped`), for models that
 * read other per-fixture inputs that must be mirrored too. Undefined if either side is.
 */
export function symmetricAtNeutralVenue<F extends SidedFixture>(
  fixture: F,
  predict: (fixture: F, swapped: boolean) => OutcomeProbabilities,
): OutcomeProbabilities;
export function symmetricAtNeutralVenue<F extends SidedFixture>(
  fixture: F,
  predict: (fixture: F, swapped: boolean) => OutcomeProbabilities | undefined,
): OutcomeProbabilities | undefined;
export function symmetricAtNeutralVenue<F extends SidedFixture>(
  fixture: F,
  predict: (fixture: F, swapped: boolean) => OutcomeProbabilities | undefined,
): OutcomeProbabilities | undefined {
  const forward = predict(fixture, false);
  if (!fixture.neutral || forward === undefined) return forward;
  const reversed = predict(swapSides(fixture), true);
  if (reversed === undefined) return undefined;
  const mirrored = mirrorOutcome(reversed);
  return {
    home: (forward.home + mirrored.home) / 2,
    draw: (forward.draw + mirrored.draw) / 2,
    away: (forward.away + mirrored.away) / 2,
  };
}

/**
 * Average goals per side for a result-only model's score matrix: at a neutral venue the mean of
 * both orientations (each side scores the competition's average), so the matrix transposes too.
 */
export function venueAverageGoals(
  goals: { home: number; away: number },
  neutral: boolean,
): { home: number; away: number } {
  if (!neutral) return goals;
  const mean = (goals.home + goals.away) / 2;
  return { home: mean, away: mean };
}
