import {
  cancelOutcome,
  hoursSince,
  isOverdue,
  overdueCutoff,
  UNRESULTED_STATUSES,
} from './overdue';
import type { MatchStatus } from '../ingestion/match-record';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

describe('overdue fixtures', () => {
  it('puts the cutoff the grace period before now', () => {
    expect(overdueCutoff(NOW, 48).toISOString()).toBe('2026-03-08T12:00:00.000Z');
    expect(overdueCutoff(NOW, 1).toISOString()).toBe('2026-03-10T11:00:00.000Z');
  });

  it('refuses a grace period that is not a whole number of hours from 1', () => {
    for (const hours of [0, -1, 1.5, Number.NaN]) {
      expect(() => overdueCutoff(NOW, hours)).toThrow(RangeError);
    }
  });

  it('is overdue only more than the grace period after kick-off (the boundary is not)', () => {
    const scheduled = (kickoff: Date) => ({ status: 'scheduled' as const, kickoff });
    expect(isOverdue(scheduled(at(-48 * HOUR - 1)), NOW, 48)).toBe(true);
    expect(isOverdue(scheduled(at(-48 * HOUR)), NOW, 48)).toBe(false);
    expect(isOverdue(scheduled(at(-48 * HOUR + 1)), NOW, 48)).toBe(false);
    expect(isOverdue(scheduled(at(HOUR)), NOW, 48)).toBe(false);
  });

  it('counts unplayed statuses only: never a finished or cancelled match', () => {
    const long = at(-1000 * HOUR);
    const all: MatchStatus[] = ['scheduled', 'live', 'finished', 'postponed', 'cancelled'];
    expect(all.filter((status) => isOverdue({ status, kickoff: long }, NOW, 48))).toEqual([
      'scheduled',
      'live',
      'postponed',
    ]);
    expect([...UNRESULTED_STATUSES].sort()).toEqual(['live', 'postponed', 'scheduled']);
  });

  it('reports whole hours since kick-off, rounded down', () => {
    expect(hoursSince(at(-49 * HOUR - 59 * 60_000), NOW)).toBe(49);
    expect(hoursSince(at(-48 * HOUR), NOW)).toBe(48);
  });

  it('cancels unplayed matches, refuses finished ones, and leaves cancelled ones as they are', () => {
    expect(cancelOutcome('scheduled')).toBe('cancel');
    expect(cancelOutcome('postponed')).toBe('cancel');
    expect(cancelOutcome('live')).toBe('cancel');
    expect(cancelOutcome('finished')).toBe('played');
    expect(cancelOutcome('cancelled')).toBe('already-cancelled');
  });
});
