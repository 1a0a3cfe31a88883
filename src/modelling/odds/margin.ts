// Implied probabilities from decimal odds, with the bookmaker margin removed.
//   multiplicative: p_i = (1/o_i) / booksum
//   power:          p_i = (1/o_i)^k with k >= 1 such that sum p_i = 1
//   shin:           Shin (1993) insider-trading model, as in Jullien & Salanie (1994):
//                   p_i = (sqrt(z^2 + 4 (1 - z) pi_i^2 / B) - z) / (2 (1 - z)), pi_i = 1/o_i,
//                   B = booksum, with z in [0, 1) such that sum p_i = 1.
import type { OutcomeProbabilities } from '../types';

export type MarginMethod = 'multiplicative' | 'power' | 'shin';

export type BookSumCheck = { ok: true } | { ok: false; reason: string };

export type ImpliedProbabilities =
  | {
      ok: true;
      method: MarginMethod;
      probabilities: number[];
      /** Sum of 1/odds. */
      bookSum: number;
      /** Power exponent k (power method only). */
      k?: number;
      /** Shin's share of insider money z (Shin method only). */
      z?: number;
    }
  | { ok: false; reason: string };

/** Booksums outside this range are data errors (swapped columns, typos), not real markets. */
export const MIN_BOOK_SUM = 1;
export const MAX_BOOK_SUM = 1.5;
/** Rounding of quoted prices can put a fair book a hair under 1. */
const BOOK_SUM_SLACK = 1e-9;

export function bookSum(odds: readonly number[]): number {
  return odds.reduce((s, o) => s + 1 / o, 0);
}

/** Every price finite and > 1, at least two outcomes, and booksum within [1, 1.5]. */
export function validateBookSum(odds: readonly number[]): BookSumCheck {
  if (odds.length < 2) return { ok: false, reason: `need at least 2 prices, got ${odds.length}` };
  for (const o of odds) {
    if (!Number.isFinite(o) || o <= 1) return { ok: false, reason: `impossible price ${o}` };
  }
  const sum = bookSum(odds);
  if (sum < MIN_BOOK_SUM - BOOK_SUM_SLACK) {
    return { ok: false, reason: `booksum ${sum.toFixed(4)} below ${MIN_BOOK_SUM} (arbitrage)` };
  }
  if (sum > MAX_BOOK_SUM) {
    return { ok: false, reason: `booksum ${sum.toFixed(4)} above ${MAX_BOOK_SUM}` };
  }
  return { ok: true };
}

/**
 * The root of a decreasing function on [lo, hi] with f(lo) >= 0 >= f(hi): Newton steps, each
 * kept inside the bracket the signs so far allow (a bisection where a step would leave it).
 * Converges in a handful of evaluations where bisection took ~50 (margin removal runs for every
 * priced fixture served and every match backtested).
 */
function decreasingRoot(
  valueAndSlope: (t: number) => { value: number; slope: number },
  lo: number,
  hi: number,
): number {
  let t = lo;
  for (let i = 0; i < 100; i++) {
    const { value, slope } = valueAndSlope(t);
    if (value === 0) return t;
    if (value > 0) lo = t;
    else hi = t;
    const newton = slope < 0 ? t - value / slope : NaN;
    const next = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

function normalise(values: number[]): number[] {
  let s = 0;
  for (const v of values) s += v;
  return values.map((v) => v / s);
}

function multiplicative(inverse: number[]): number[] {
  return normalise(inverse);
}

function power(inverse: number[]): { probabilities: number[]; k: number } {
  // sum pi_i^k - 1 is decreasing in k (every pi_i < 1), >= 0 at k = 1; its slope is
  // sum pi_i^k ln pi_i.
  const excess = (k: number) => {
    let value = -1;
    let slope = 0;
    for (const p of inverse) {
      const pk = p ** k;
      value += pk;
      slope += pk * Math.log(p);
    }
    return { value, slope };
  };
  let hi = 2;
  while (excess(hi).value > 0 && hi < 1e6) hi *= 2;
  const k = decreasingRoot(excess, 1, hi);
  // The final normalisation only removes the root's last ~1e-15.
  return { probabilities: normalise(inverse.map((p) => p ** k)), k };
}

function shinProbabilities(inverse: number[], sum: number, z: number): number[] {
  return inverse.map((p) => (Math.sqrt(z * z + (4 * (1 - z) * p * p) / sum) - z) / (2 * (1 - z)));
}

function shin(inverse: number[]): { probabilities: number[]; z: number } {
  const sum = inverse.reduce((a, b) => a + b, 0);
  // sum_i p_i(z) - 1, p_i = n_i / (2 (1 - z)) with n_i = r_i - z, r_i = sqrt(z^2 + c_i (1 - z))
  // and c_i = 4 pi_i^2 / B; so dp_i/dz = (n_i' (1 - z) + n_i) / (2 (1 - z)^2) with
  // n_i' = (2 z - c_i) / (2 r_i) - 1. At z = 0 the probabilities sum to sqrt(B) >= 1; the sum
  // decreases as z grows.
  const excess = (z: number) => {
    let value = -1;
    let slope = 0;
    const oneMinusZ = 1 - z;
    for (const p of inverse) {
      const c = (4 * p * p) / sum;
      const r = Math.sqrt(z * z + c * oneMinusZ);
      const numerator = r - z;
      const numeratorSlope = (2 * z - c) / (2 * r) - 1;
      value += numerator / (2 * oneMinusZ);
      slope += (numeratorSlope * oneMinusZ + numerator) / (2 * oneMinusZ * oneMinusZ);
    }
    return { value, slope };
  };
  const z = excess(0).value <= 0 ? 0 : decreasingRoot(excess, 0, 0.999);
  return { probabilities: normalise(shinProbabilities(inverse, sum, z)), z };
}

/** Validates the prices (see validateBookSum) and removes the margin with the given method. */
export function impliedProbabilities(
  odds: readonly number[],
  method: MarginMethod = 'shin',
): ImpliedProbabilities {
  const check = validateBookSum(odds);
  if (!check.ok) return check;
  const inverse = odds.map((o) => 1 / o);
  const sum = bookSum(odds);
  switch (method) {
    case 'multiplicative':
      return { ok: true, method, probabilities: multiplicative(inverse), bookSum: sum };
    case 'power': {
      const { probabilities, k } = power(inverse);
      return { ok: true, method, probabilities, bookSum: sum, k };
    }
    case 'shin': {
      const { probabilities, z } = shin(inverse);
      return { ok: true, method, probabilities, bookSum: sum, z };
    }
  }
}

/** 1X2 convenience: undefined when the prices are rejected. */
export function impliedOutcomeProbabilities(
  odds: { home: number; draw: number; away: number },
  method: MarginMethod = 'shin',
): OutcomeProbabilities | undefined {
  const result = impliedProbabilities([odds.home, odds.draw, odds.away], method);
  if (!result.ok) return undefined;
  const [home, draw, away] = result.probabilities;
  return { home, draw, away };
}

/** Fair decimal odds (1/p) for probabilities, e.g. to show model prices. */
export function fairOdds(probabilities: readonly number[]): number[] {
  return probabilities.map((p) => (p > 0 ? 1 / p : Infinity));
}
