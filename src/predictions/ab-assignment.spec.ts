import { servesChallenger } from './ab-assignment';

const FIRST = '0b5c7f0e-3a52-4d0c-9a43-6f1f2a8a1e01';
const SECOND = '7d2e9c41-58b6-4f7a-b0de-2c4e6a9b3f02';

describe('servesChallenger', () => {
  const callers = Array.from({ length: 10_000 }, (_, i) => `key:caller-${i}`);
  const audience = (challenger: string, share: number): Set<string> =>
    new Set(callers.filter((c) => servesChallenger(challenger, c, share)));

  it('is sticky per caller for one challenger and splits callers by the configured share', () => {
    const first = callers.map((c) => servesChallenger(FIRST, c, 0.25));
    expect(callers.map((c) => servesChallenger(FIRST, c, 0.25))).toEqual(first);
    const share = first.filter(Boolean).length / callers.length;
    expect(share).toBeGreaterThan(0.23);
    expect(share).toBeLessThan(0.27);
  });

  it('draws a fresh audience for each challenger: the audiences overlap about share², not share', () => {
    const share = 0.25;
    const first = audience(FIRST, share);
    const second = audience(SECOND, share);
    expect(second.size / callers.length).toBeGreaterThan(0.23);
    expect(second.size / callers.length).toBeLessThan(0.27);
    // Independent draws share share² = 6.25% of callers; an unsalted split would share 25%.
    const overlap = [...first].filter((c) => second.has(c)).length / callers.length;
    expect(overlap).toBeGreaterThan(0.045);
    expect(overlap).toBeLessThan(0.08);
  });

  it('never or always at the ends of the range', () => {
    expect(servesChallenger(FIRST, 'x', 0)).toBe(false);
    expect(servesChallenger(FIRST, 'x', 1)).toBe(true);
  });
});
