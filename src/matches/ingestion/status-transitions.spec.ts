import { canMove, STATUS_TRANSITIONS, transitionsSqlValues } from './status-transitions';
import type { MatchStatus } from './match-record';

const ALL: MatchStatus[] = ['scheduled', 'live', 'finished', 'postponed', 'cancelled'];

describe('match status transitions', () => {
  it('moves forward through scheduled → live → finished', () => {
    expect(canMove('scheduled', 'live')).toBe(true);
    expect(canMove('live', 'finished')).toBe(true);
    expect(canMove('scheduled', 'finished')).toBe(true);
  });

  it('never moves back from live or finished', () => {
    expect(canMove('live', 'scheduled')).toBe(false);
    for (const to of ALL.filter((s) => s !== 'finished')) {
      expect([to, canMove('finished', to)]).toEqual([to, false]);
    }
  });

  it('lets a result be corrected, a postponed match be rescheduled', () => {
    expect(canMove('finished', 'finished')).toBe(true);
    expect(canMove('postponed', 'scheduled')).toBe(true);
  });

  it('never brings a cancelled match back without a result, but stores a result', () => {
    expect(ALL.filter((to) => canMove('cancelled', to))).toEqual(['finished', 'cancelled']);
    for (const to of ['scheduled', 'postponed', 'live'] as const) {
      expect([to, canMove('cancelled', to)]).toEqual([to, false]);
    }
  });

  it('lets every status stay as it is (a poll that changes nothing)', () => {
    for (const status of ALL) expect(canMove(status, status)).toBe(true);
  });

  it('writes the same pairs as SQL', () => {
    const pairs = Object.values(STATUS_TRANSITIONS).flat().length;
    expect(transitionsSqlValues().match(/\('[a-z]+', '[a-z]+'\)/g)).toHaveLength(pairs);
    expect(transitionsSqlValues()).toContain("('finished', 'finished')");
    expect(transitionsSqlValues()).not.toContain("('finished', 'live')");
  });
});
