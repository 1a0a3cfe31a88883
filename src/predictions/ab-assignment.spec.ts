import { servesChallenger } from './ab-assignment';

describe('servesChallenger', () => {
  it('is sticky per caller and splits callers by the configured share', () => {
    const callers = Array.from({ length: 4000 }, (_, i) => `caller-${i}`);
    const first = callers.map((c) => servesChallenger(c, 0.25));
    expect(callers.map((c) => servesChallenger(c, 0.25))).toEqual(first);
    const share = first.filter(Boolean).length / callers.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
  });

  it('never or always at the ends of the range', () => {
    expect(servesChallenger('x', 0)).toBe(false);
    expect(servesChallenger('x', 1)).toBe(true);
  });
});
