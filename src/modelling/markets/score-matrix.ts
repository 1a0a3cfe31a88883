// A probability distribution over final scores 0..maxGoals for each side.
// Plain nested arrays so it stays JSON-serialisable; p[home][away].

export interface ScoreMatrix {
  maxGoals: number;
  /** p[h][a] = P(home scores h, away scores a); non-negative, sums to 1. */
  p: number[][];
}

/** Markets need at least 0..10 goals per side for the tail mass to be negligible. */
export const DEFAULT_MAX_GOALS = 10;

/**
 * Builds a matrix from unnormalised cell weights. Negative or non-finite weights are clamped to 0
 * (the Dixon-Coles tau can go negative for extreme rho and rates) and the result is renormalised,
 * which also spreads the truncated tail mass (scores above maxGoals) proportionally.
 */
export function createScoreMatrix(
  maxGoals: number,
  cell: (home: number, away: number) => number,
): ScoreMatrix {
  if (!Number.isInteger(maxGoals) || maxGoals < 0) {
    throw new RangeError(`maxGoals must be a non-negative integer, got ${maxGoals}`);
  }
  const p: number[][] = [];
  let total = 0;
  for (let h = 0; h <= maxGoals; h++) {
    const row: number[] = new Array<number>(maxGoals + 1);
    for (let a = 0; a <= maxGoals; a++) {
      const v = cell(h, a);
      const clamped = Number.isFinite(v) && v > 0 ? v : 0;
      row[a] = clamped;
      total += clamped;
    }
    p.push(row);
  }
  if (!(total > 0)) {
    throw new RangeError('score matrix has no positive mass');
  }
  for (const row of p) for (let a = 0; a <= maxGoals; a++) row[a] /= total;
  return { maxGoals, p };
}

/** Poisson probabilities P(0..maxGoals) for rate lambda, by the stable recurrence. */
export function poissonProbabilities(lambda: number, maxGoals: number): number[] {
  const out = new Array<number>(maxGoals + 1);
  out[0] = Math.exp(-lambda);
  for (let k = 1; k <= maxGoals; k++) out[k] = (out[k - 1] * lambda) / k;
  return out;
}

/** Independent Poisson scores with the given expected goals. */
export function poissonScoreMatrix(
  homeRate: number,
  awayRate: number,
  maxGoals = DEFAULT_MAX_GOALS,
): ScoreMatrix {
  const ph = poissonProbabilities(homeRate, maxGoals);
  const pa = poissonProbabilities(awayRate, maxGoals);
  return createScoreMatrix(maxGoals, (h, a) => ph[h] * pa[a]);
}

/** Sum of all cells; 1 up to rounding for a well-formed matrix. */
export function totalProbability(matrix: ScoreMatrix): number {
  let s = 0;
  for (const row of matrix.p) for (const v of row) s += v;
  return s;
}
