import type { MatchStatus } from '../ingestion/match-record';

/**
 * Statuses of a fixture still waiting for its result. Once its kick-off is more than the grace
 * period (OVERDUE_FIXTURE_HOURS) in the past, such a fixture is overdue: its result is late, or
 * it is a phantom (an old listing of a match played on another day). Finished and cancelled
 * matches never are.
 */
export const UNRESULTED_STATUSES: readonly MatchStatus[] = ['scheduled', 'postponed', 'live'];

const HOUR_MS = 3_600_000;

/**
 * The latest kick-off of an overdue fixture: `graceHours` before `now`. A fixture is overdue
 * when its kick-off is strictly before this instant (more than the grace period ago); one
 * kicked off exactly `graceHours` ago is not yet.
 */
export function overdueCutoff(now: Date, graceHours: number): Date {
  if (!Number.isInteger(graceHours) || graceHours < 1) {
    throw new RangeError(`grace period must be a whole number of hours >= 1, not ${graceHours}`);
  }
  return new Date(now.getTime() - graceHours * HOUR_MS);
}

export function isOverdue(
  match: { status: MatchStatus; kickoff: Date },
  now: Date,
  graceHours: number,
): boolean {
  return (
    UNRESULTED_STATUSES.includes(match.status) &&
    match.kickoff.getTime() < overdueCutoff(now, graceHours).getTime()
  );
}

/** Whole hours between the kick-off and `now` (rounded down), as the overdue list reports them. */
export function hoursSince(kickoff: Date, now: Date): number {
  return Math.floor((now.getTime() - kickoff.getTime()) / HOUR_MS);
}

/** What a cancel request does to a match in this status: see OverdueFixturesService.cancel. */
export type CancelOutcome = 'cancel' | 'already-cancelled' | 'played';

export function cancelOutcome(status: MatchStatus): CancelOutcome {
  if (status === 'cancelled') return 'already-cancelled';
  if (status === 'finished') return 'played';
  return 'cancel';
}
