// Penalised, time-weighted Dixon-Coles negative log-likelihood with its analytic gradient and
// Hessian.
// Parameter vector layout: [attack(0..n-1), defence(0..n-1), intercept, homeAdvantage, rhoRaw]
// with rho = centre + halfWidth * tanh(rhoRaw), which keeps rho inside its bounds.
import type { SecondOrderEvaluation } from '../optimise/newton';
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
 * Returns f(x): (sum_k w_k * -loglik_k + ridge * sum(attack^2 + defence^2)) / sum_k w_k with its
 * gradient and Hessian, in one pass. Dividing by the total weight keeps them on a per-match scale,
 * so one tolerance suits any data size. Log-factorial constants are omitted. Each match touches
 * seven parameters (two attacks, two defences, intercept, home advantage, rho), so its Hessian
 * terms are a handful of small outer products.
 */
export function dixonColesObjective(
  data: PreparedMatches,
  ridge: number,
  bounds: RhoBounds,
): (x: Float64Array) => SecondOrderEvaluation {
  const n = data.teams.length;
  const size = 2 * n + 3;
  const iIntercept = 2 * n;
  const iHome = 2 * n + 1;
  const iRho = 2 * n + 2;
  const { count, home, away, homeGoals, awayGoals, venue, weight, lowScore } = data;
  const scale = data.totalWeight > 0 ? 1 / data.totalWeight : 1;

  return (x) => {
    const gradient = new Float64Array(size);
    const hessian = new Float64Array(size * size);
    // Hessian entries of each team parameter with itself and with the intercept, the home
    // advantage and rhoRaw, and among those three.
    const diagonal = new Float64Array(2 * n);
    const withIntercept = new Float64Array(2 * n);
    const withHome = new Float64Array(2 * n);
    const withRho = new Float64Array(2 * n);
    let [gIntercept, gHome, gRho] = [0, 0, 0];
    let [hII, hIV, hVV, hIR, hVR, hRR] = [0, 0, 0, 0, 0, 0];
    const intercept = x[iIntercept];
    const advantage = x[iHome];
    const th = Math.tanh(x[iRho]);
    const rho = bounds.centre + bounds.halfWidth * th;
    // d rho / d rhoRaw and its derivative.
    const rho1 = bounds.halfWidth * (1 - th * th);
    const rho2 = -2 * th * rho1;
    let value = 0;
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
      // First and second derivatives of loglik wrt eta_home (H), eta_away (A) and rho (R).
      let dH = x1 - lambda;
      let dA = y1 - mu;
      let dR = 0;
      let hHH = -lambda;
      let hAA = -mu;
      let hHA = 0;
      let ddR = 0;
      let hHR = 0;
      let hAR = 0;
      switch (lowScore[k]) {
        case LowScore.NilNil: {
          const q = lambda * mu;
          const t = 1 - q * rho;
          if (!(t > 0)) return { value: Infinity, gradient, hessian };
          ll += Math.log(t);
          const qt = q / t;
          const qt2 = qt / t;
          dH -= qt * rho;
          dA -= qt * rho;
          dR = -qt;
          hHH -= qt2 * rho;
          hAA -= qt2 * rho;
          hHA = -qt2 * rho;
          ddR = -qt * qt;
          hHR = -qt2;
          hAR = -qt2;
          break;
        }
        case LowScore.NilOne: {
          const t = 1 + lambda * rho;
          if (!(t > 0)) return { value: Infinity, gradient, hessian };
          ll += Math.log(t);
          dH += (lambda * rho) / t;
          dR = lambda / t;
          hHH += (lambda * rho) / (t * t);
          ddR = -dR * dR;
          hHR = lambda / (t * t);
          break;
        }
        case LowScore.OneNil: {
          const t = 1 + mu * rho;
          if (!(t > 0)) return { value: Infinity, gradient, hessian };
          ll += Math.log(t);
          dA += (mu * rho) / t;
          dR = mu / t;
          hAA += (mu * rho) / (t * t);
          ddR = -dR * dR;
          hAR = mu / (t * t);
          break;
        }
        case LowScore.OneOne: {
          const t = 1 - rho;
          ll += Math.log(t);
          dR = -1 / t;
          ddR = -dR * dR;
          break;
        }
      }
      // The objective is -w * loglik; rho enters through rhoRaw. With eH = e(attack h) -
      // e(defence a) + e(intercept) + venue e(advantage), eA = e(attack a) - e(defence h) +
      // e(intercept), the Hessian gains cHH eH eH' + cAA eA eA' + cHA (eH eA' + eA eH') and the
      // rho terms: written out, because each match touches seven parameters and most of the
      // entries it adds are in the few rows of the shared ones (kept in accumulators).
      const w = weight[k];
      const v = venue[k];
      value -= w * ll;
      const gH = -w * dH;
      const gA = -w * dA;
      gradient[h] += gH;
      gradient[n + a] -= gH;
      gradient[a] += gA;
      gradient[n + h] -= gA;
      gIntercept += gH + gA;
      gHome += gH * v;
      gRho -= w * dR * rho1;
      const cHH = -w * hHH;
      const cAA = -w * hAA;
      // Team diagonals, then team pairs (both halves), then teams with the shared parameters.
      diagonal[h] += cHH;
      diagonal[n + a] += cHH;
      diagonal[a] += cAA;
      diagonal[n + h] += cAA;
      addPair(hessian, size, h, n + a, -cHH);
      addPair(hessian, size, a, n + h, -cAA);
      withIntercept[h] += cHH;
      withIntercept[n + a] -= cHH;
      withIntercept[a] += cAA;
      withIntercept[n + h] -= cAA;
      withHome[h] += cHH * v;
      withHome[n + a] -= cHH * v;
      hII += cHH + cAA;
      hIV += cHH * v;
      hVV += cHH * v * v;
      hRR -= w * (ddR * rho1 * rho1 + dR * rho2);
      if (hHA !== 0 || hHR !== 0 || hAR !== 0) {
        // Low scores only: the tau factor couples the two sides and rho.
        const cHA = -w * hHA;
        addPair(hessian, size, h, a, cHA);
        addPair(hessian, size, h, n + h, -cHA);
        addPair(hessian, size, n + a, a, -cHA);
        addPair(hessian, size, n + a, n + h, cHA);
        withIntercept[h] += cHA;
        withIntercept[n + a] -= cHA;
        withIntercept[a] += cHA;
        withIntercept[n + h] -= cHA;
        withHome[a] += cHA * v;
        withHome[n + h] -= cHA * v;
        hII += 2 * cHA;
        hIV += cHA * v;
        const cHR = -w * hHR * rho1;
        const cAR = -w * hAR * rho1;
        withRho[h] += cHR;
        withRho[n + a] -= cHR;
        withRho[a] += cAR;
        withRho[n + h] -= cAR;
        hIR += cHR + cAR;
        hVR += cHR * v;
      }
    }
    for (let i = 0; i < 2 * n; i++) {
      hessian[i * size + i] += diagonal[i];
      addPair(hessian, size, i, iIntercept, withIntercept[i]);
      addPair(hessian, size, i, iHome, withHome[i]);
      addPair(hessian, size, i, iRho, withRho[i]);
    }
    hessian[iIntercept * size + iIntercept] += hII;
    hessian[iHome * size + iHome] += hVV;
    hessian[iRho * size + iRho] += hRR;
    addPair(hessian, size, iIntercept, iHome, hIV);
    addPair(hessian, size, iIntercept, iRho, hIR);
    addPair(hessian, size, iHome, iRho, hVR);
    for (let i = 0; i < 2 * n; i++) {
      value += ridge * x[i] * x[i];
      gradient[i] += 2 * ridge * x[i];
      hessian[i * size + i] += 2 * ridge;
    }
    gradient[iIntercept] = gIntercept;
    gradient[iHome] = gHome;
    gradient[iRho] = gRho;
    for (let i = 0; i < size; i++) gradient[i] *= scale;
    for (let i = 0; i < size * size; i++) hessian[i] *= scale;
    return { value: value * scale, gradient, hessian };
  };
}

/** Adds v at (r, c) and (c, r) of a symmetric matrix (r != c). */
function addPair(matrix: Float64Array, size: number, r: number, c: number, v: number): void {
  matrix[r * size + c] += v;
  matrix[c * size + r] += v;
}
