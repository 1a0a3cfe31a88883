// Unit-test support (not built, not in coverage): a match of one competition 'C', by day number.
import type { MatchInput } from './types';

const DAY = 86_400_000;

/** A fixture, or a played match when `goals` are given. */
export function matchInput(
  id: string,
  day: number,
  homeTeam: string,
  awayTeam: string,
  goals?: [number, number],
  season = '2020-2021',
): MatchInput {
  return {
    id,
    kickoff: day * DAY,
    homeTeam,
    awayTeam,
    competition: 'C',
    season,
    neutral: false,
    ...(goals ? { homeGoals: goals[0], awayGoals: goals[1] } : {}),
  };
}
