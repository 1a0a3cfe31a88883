import fc from 'fast-check';
import { impliedOutcomeProbabilities, impliedProbabilities, validateBookSum } from './margin';
import type { MarginMethod } from './margin';

const TRUE_PROBABILITIES = [0.5, 0.28, 0.22];
const METHODS: MarginMethod[] = ['multiplicative', 'power', 'shin'];

function probabilities(odds: number[], method: MarginMethod): number[] {
  const result = impliedProbabilities(odds, method);
  if (!result.ok) throw new Error(result.reason);
  return result.probabilities;
}

function expectClose(actual: number[], expected: number[], digits = 10) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
}

describe('validateBookSum', () => {
  it('accepts fair and normal books', () => {
    expect(validateBookSum([2, 2])).toEqual({ ok: true });
    expect(validateBookSum([1.9, 3.6, 4.2])).toEqual({ ok: true });
  });

  it.each([
    [[1, 3, 4], /impossible price 1/],
    [[0.5, 3, 4], /impossible/],
    [[Number.NaN, 3, 4], /impossible/],
    [[Infinity, 2, 2], /impossible/],
    [[2.2, 3.9, 4.5], /below 1/],
    [[1.2, 2, 3], /above 1.5/],
    [[2], /at least 2/],
  ])('rejects %p', (odds, reason) => {
    const check = validateBookSum(odds);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
    expect(impliedProbabilities(odds, 'shin').ok).toBe(false);
  });

  it('allows a fair book that rounding puts a hair below 1', () => {
    expect(validateBookSum([1 / 0.5, 1 / 0.3, 1 / 0.2]).ok).toBe(true);
  });
});

describe('margin removal', () => {
  it.each(METHODS)('leaves fair odds unchanged (%s)', (method) => {
    const fair = TRUE_PROBABILITIES.map((p) => 1 / p);
    expectClose(probabilities(fair, method), TRUE_PROBABILITIES, 12);
  });

  it('inverts a multiplicative margin', () => {
    const odds = TRUE_PROBABILITIES.map((p) => 1 / (p * 1.07));
    expectClose(probabilities(odds, 'multiplicative'), TRUE_PROBABILITIES);
  });

  it('inverts a power margin and reports k', () => {
    const k = 1.12;
    const odds = TRUE_PROBABILITIES.map((p) => 1 / p ** (1 / k));
    const result = impliedProbabilities(odds, 'power');
    expect(result.ok && result.k).toBeCloseTo(k, 10);
    expectClose(probabilities(odds, 'power'), TRUE_PROBABILITIES);
  });

  it('inverts a Shin margin and reports z', () => {
    const z = 0.03;
    // Shin's prices: pi_i = sqrt(B (z p_i + (1 - z) p_i^2)) with B = (sum_j sqrt(...))^2.
    const roots = TRUE_PROBABILITIES.map((p) => Math.sqrt(z * p + (1 - z) * p * p));
    const b = roots.reduce((a, r) => a + r, 0) ** 2;
    const odds = roots.map((r) => 1 / (Math.sqrt(b) * r));
    const result = impliedProbabilities(odds, 'shin');
    expect(result.ok && result.z).toBeCloseTo(z, 10);
    expectClose(probabilities(odds, 'shin'), TRUE_PROBABILITIES);
  });

  // Shin's and the power model's own prices for true probabilities (see the two tests above).
  const shinPrices = (truth: number[], z: number) => {
    const roots = truth.map((p) => Math.sqrt(z * p + (1 - z) * p * p));
    const b = roots.reduce((a, r) => a + r, 0) ** 2;
    return roots.map((r) => 1 / (Math.sqrt(b) * r));
  };
  const book = fc
    .array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 2, maxLength: 4 })
    .map((weights) => weights.map((w) => w / weights.reduce((a, b) => a + b, 0)));

  it('recovers any book: Shin z and the power k from favourites to long shots', () => {
    fc.assert(
      fc.property(
        book,
        fc.double({ min: 0.001, max: 0.15, noNaN: true }),
        fc.double({ min: 1.001, max: 1.4, noNaN: true }),
        (truth, z, k) => {
          const byShin = shinPrices(truth, z);
          const byPower = truth.map((p) => 1 / p ** (1 / k));
          for (const [odds, method, parameter] of [
            [byShin, 'shin', z],
            [byPower, 'power', k],
          ] as const) {
            // Within the book sums this accepts (a generated book may price past them).
            if (!validateBookSum(odds).ok) continue;
            const result = impliedProbabilities(odds, method);
            if (!result.ok) throw new Error(result.reason);
            expect(method === 'shin' ? result.z : result.k).toBeCloseTo(parameter, 8);
            expectClose(result.probabilities, truth, 9);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives Shin z = 0 for a fair book', () => {
    const result = impliedProbabilities([2, 4, 4], 'shin');
    expect(result.ok && result.z).toBe(0);
  });

  it('methods differ on a real book: power and Shin move mass away from the longshot', () => {
    const odds = [1.45, 4.6, 7.5];
    const mult = probabilities(odds, 'multiplicative');
    const pow = probabilities(odds, 'power');
    const shin = probabilities(odds, 'shin');
    for (const p of [mult, pow, shin]) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(pow[2]).toBeLessThan(mult[2]);
    expect(shin[2]).toBeLessThan(mult[2]);
    expect(pow[0]).toBeGreaterThan(mult[0]);
  });

  it('1X2 convenience returns undefined for rejected prices', () => {
    expect(impliedOutcomeProbabilities({ home: 1.9, draw: 3.5, away: 0.9 })).toBeUndefined();
    const p = impliedOutcomeProbabilities({ home: 2, draw: 4, away: 4 }, 'multiplicative');
    expect(p).toEqual({ home: 0.5, draw: 0.25, away: 0.25 });
  });
});
