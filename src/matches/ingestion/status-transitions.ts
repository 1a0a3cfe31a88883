import type { MatchStatus } from './match-record';

/**
 * Where a stored match may move when a source reports another status. A match only moves
 * forward (scheduled → live → finished, or postponed / cancelled); a finished match stays
 * finished, though its result may be corrected (and is then announced as finished again). A
 * postponed match may be rescheduled. A source lagging behind (still "scheduled" for a match
 * another poll saw live) changes nothing. A cancelled match (by its source, or by an admin:
 * a phantom fixture) is never brought back by a listing without a result (scheduled,
 * postponed, live): re-importing the old listing leaves it cancelled, with a warning on the
 * row. A result is news, though: the match was played after all (or awarded), and is stored.
 */
export const STATUS_TRANSITIONS: Readonly<Record<MatchStatus, readonly MatchStatus[]>> = {
  scheduled: ['scheduled', 'live', 'finished', 'postponed', 'cancelled'],
  live: ['live', 'finished', 'postponed', 'cancelled'],
  finished: ['finished'],
  postponed: ['postponed', 'scheduled', 'live', 'finished', 'cancelled'],
  cancelled: ['cancelled', 'finished'],
};

export function canMove(from: MatchStatus, to: MatchStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

/** The allowed (from, to) pairs as an SQL VALUES list (constant text, no user input). */
export function transitionsSqlValues(): string {
  return Object.entries(STATUS_TRANSITIONS)
    .flatMap(([from, targets]) => targets.map((to) => `('${from}', '${to}')`))
    .join(', ');
}
