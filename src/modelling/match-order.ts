import type { MatchInput } from './types';

/** Whether a match has its full-time score (a fixture not yet played has none). */
export const isFinished = (m: MatchInput): boolean =>
  m.homeGoals !== undefined && m.awayGoals !== undefined;

/** Kick-off order, ties by id: the one order in which replays and backtests walk matches. */
export function byKickoff(a: MatchInput, b: MatchInput): number {
  return a.kickoff - b.kickoff || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
