// Penalised, time-weighted Dixon-Coles negative log-likelihood with its analytic gradient.
// Parameter vector layout: [attack(0..n-1), defence(0..n-1), intercept, homeAdvantage, rhoRaw]
// with rho = centre + halfWidth * tanh(rhoRaw), which keeps rho inside its bounds.
import type { MatchInput } from '../types';

/** Matches lighter than this contribute nothing measurable and are skipped. */
export const MIN_MATCH_WEIGHT = 1e-4;
const MS_PER_DAY = 86_400_000;

/** Which tau branch a score uses; precomputed so the objective does no comparisons of goals. */
const enum LowScore {
  None = 0,
  NilNil = 1,
  NilOne = 2,
  OneNil = 3,
  OneOne = 4,
}

export interface PreparedMatches {
  teams: string[];
  count: number;
  home: Int32Array;
  away: Int32Array;
  homeGoals: Float64Array;
  awayGoals: Float64Array;
  /** 1 for a home venue, 0 at a neutral venue. */
  venue: Float64Array;
  weight: Float64Array;
  lowScore: Uint8Array;
  totalWeight: number;
  /** The used matches (same order), for bookkeeping outside the hot loop. */
  matches: MatchInput[];
}

export function hasResult(m: MatchInput): boolean {
  return (
    Number.isInteger(m.homeGoals) &&
    Number.isInteger(m.awayGoals) &&
    (m.homeGoals as number) >= 0 &&
    (m.awayGoals as number) >= 0
  );
}

/** Selects the matches played strictly before asOf, weights them and indexes the teams. */
export function prepareMatches(
  matches: readonly MatchInput[],
  asOf: number,
  xi: number,
): PreparedMatches {
  const used: MatchInput[] = [];
  const weights: number[] = [];
  for (const m of matches) {
    if (!(m.kickoff < asOf) || !hasResult(m)) continue;
    const w = Math.exp((-xi * (asOf - m.kickoff)) / MS_PER_DAY);
    if (w < MIN_MATCH_WEIGHT) continue;
    used.push(m);
    weights.push(w);
  }
  const teamSet = new Set<string>();
  for (const m of used) {
    teamSet.add(m.homeTeam);
    teamSet.add(m.awayTeam);
  }
  const teams = [...teamSet].sort();
  const index = new Map(teams.map((t, i) => [t, i]));

  const count = used.length;
  const prepared: PreparedMatches = {
    teams,
    count,
    home: new Int32Array(count),
    away: new Int32Array(count),
    homeGoals: new Float64Array(count),
    awayGoals: new Float64Array(count),
    venue: new Float64Array(count),
    weight: Float64Array.from(weights),
    lowScore: new Uint8Array(count),
    totalWeight: weights.reduce((s, w) => s + w, 0),
    matches: used,
  };
  for (let k = 0; k < count; k++) {
    const m = used[k];
    const hg = m.homeGoals as number;
    const ag = m.awayGoals as number;
    prepared.home[k] = index.get(m.homeTeam) as number;
    prepared.away[k] = index.get(m.awayTeam) as number;
    prepared.homeGoals[k] = hg;
    prepared.awayGoals[k] = ag;
    prepared.venue[k] = m.neutral ? 0 : 1;
    prepared.lowScore[k] =
      hg > 1 || ag > 1
        ? LowScore.None
        : hg === 0
          ? ag === 0
            ? LowScore.NilNil
            : LowScore.NilOne
          : ag === 0
            ? LowScore.OneNil
            : LowScore.OneOne;
  }
  return prepared;
}

export interface RhoBounds {
  centre: number;
  halfWidth: number;
}

export function rhoBounds(rhoMin: number, rhoMax: number): RhoBounds {
  if (!(rhoMin < rhoMax) || rhoMin <= -1 || rhoMax >= 1) {
    throw new RangeError(`invalid rho bounds [${rhoMin}, ${rhoMax}]`);
  }
  return { centre: (rhoMin + rhoMax) / 2, halfWidth: (rhoMax - rhoMin) / 2 };
}

export function rhoFromRaw(raw: number, b: RhoBounds): number {
  return b.centre + b.halfWidth * Math.tanh(raw);
}

export function rawFromRho(rho: number, b: RhoBounds): number {
  // Keep strictly inside the open interval so atanh stays finite.
  const u = Math.min(0.999, Math.max(-0.999, (rho - b.centre) / b.halfWidth));
  return Math.atanh(u);
}

/**
 * Returns f(x, grad): (sum_k w_k * -loglik_k + ridge * sum(attack^2 + defence^2)) / sum_k w_k.
 * Dividing by the total weight keeps gradients on a per-match scale, so one gradient tolerance
 * suits any data size. Log-factorial constants are omitted. Allocation-free.
 */
export function dixonColesObjective(
  data: PreparedMatches,
  ridge: number,
  bounds: RhoBounds,
): (x: Float64Array, grad: Float64Array) => number {
  const n = data.teams.length;
  const iIntercept = 2 * n;
  const iHome = 2 * n + 1;
  const iRho = 2 * n + 2;
  const { count, home, away, homeGoals, awayGoals, venue, weight, lowScore } = data;
  const scale = data.totalWeight > 0 ? 1 / data.totalWeight : 1;

  return (x, grad) => {
    grad.fill(0);
    const intercept = x[iIntercept];
    const advantage = x[iHome];
    const th = Math.tanh(x[iRho]);
    const rho = bounds.centre + bounds.halfWidth * th;
    let value = 0;
    let gIntercept = 0;
    let gHome = 0;
    let gRho = 0;
    for (let k = 0; k < count; k++) {
      const h = home[k];
      const a = away[k];
      const etaHome = intercept + advantage * venue[k] + x[h] - x[n + a];
      const etaAway = intercept + x[a] - x[n + h];
      const lambda = Math.exp(etaHome);
      const mu = Math.exp(etaAway);
      const x1 = homeGoals[k];
      const y1 = awayGoals[k];
      let ll = x1 * etaHome - lambda + y1 * etaAway - mu;
      // d loglik / d eta for each side, and d loglik / d rho.
      let dHome = x1 - lambda;
      let dAway = y1 - mu;
      let dRho = 0;
      switch (lowScore[k]) {
        case LowScore.NilNil: {
          const t = 1 - lambda * mu * rho;
          if (!(t > 0)) return Infinity;
          ll += Math.log(t);
          const q = (lambda * mu) / t;
          dHome -= q * rho;
          dAway -= q * rho;
          dRho = -q;
          break;
        }
        case LowScore.NilOne: {
          const t = 1 + lambda * rho;
          if (!(t > 0)) return Infinity;
          ll += Math.log(t);
          dHome += (lambda * rho) / t;
          dRho = lambda / t;
          break;
        }
        case LowScore.OneNil: {
          const t = 1 + mu * rho;
          if (!(t > 0)) return Infinity;
          ll += Math.log(t);
          dAway += (mu * rho) / t;
          dRho = mu / t;
          break;
        }
        case LowScore.OneOne: {
          const t = 1 - rho;
          ll += Math.log(t);
          dRho = -1 / t;
          break;
        }
      }
      const w = weight[k];
      value -= w * ll;
      const gh = -w * dHome;
      const ga = -w * dAway;
      grad[h] += gh;
      grad[n + a] -= gh;
      grad[a] += ga;
      grad[n + h] -= ga;
      gIntercept += gh + ga;
      gHome += gh * venue[k];
      gRho -= w * dRho;
    }
    for (let i = 0; i < 2 * n; i++) {
      value += ridge * x[i] * x[i];
      grad[i] = (grad[i] + 2 * ridge * x[i]) * scale;
    }
    grad[iIntercept] = gIntercept * scale;
    grad[iHome] = gHome * scale;
    grad[iRho] = gRho * bounds.halfWidth * (1 - th * th) * scale;
    return value * scale;
  };
}
