// Fits the market rating by replaying finished matches before asOf in kick-off order. A previous
// fit of the same data (same hyperparameters, and exactly its matchCount finished matches before
// its asOf) is continued instead of replayed: the result is identical, only cheaper.
import { impliedOutcomeProbabilities } from '../odds/margin';
import type { MatchInput } from '../types';
import {
  DEFAULT_DRAW_CURVE,
  DEFAULT_KAPPA,
  type MarketRatingCompetition,
  type MarketRatingHyperparameters,
  type MarketRatingParameters,
  type MarketRatingTeam,
} from './model';
import { byKickoff, isFinished } from '../match-order';

/** Priced matches needed before the draw curve is estimated rather than the default. */
const MIN_PRICED_FOR_DRAW_CURVE = 50;
/** Pseudo-observations of DEFAULT_KAPPA (in units of d^2) that steady kappa on little data. */
const KAPPA_PRIOR_WEIGHT = 10;
const DRAW_RIDGE = 1e-6;

/** ln(P(home) / P(away)) after multiplicative margin removal; undefined for missing/rejected prices. */
export function marketSupremacy(
  odds: { home: number; draw: number; away: number } | undefined,
): { d: number; draw: number } | undefined {
  if (!odds) return undefined;
  const p = impliedOutcomeProbabilities(odds, 'multiplicative');
  if (!p || p.home <= 0 || p.away <= 0 || p.draw <= 0 || p.draw >= 1) return undefined;
  return { d: Math.log(p.home / p.away), draw: p.draw };
}

class Replay {
  readonly teams: Map<string, MarketRatingTeam>;
  readonly competitions: Map<string, MarketRatingCompetition>;
  readonly stats: MarketRatingParameters['statistics'];
  matchCount: number;
  pricedCount: number;

  constructor(
    private readonly hp: MarketRatingHyperparameters,
    from?: MarketRatingParameters,
  ) {
    this.teams = new Map(Object.entries(from?.teams ?? {}).map(([k, v]) => [k, { ...v }]));
    this.competitions = new Map(
      Object.entries(from?.competitions ?? {}).map(([k, v]) => [k, { ...v }]),
    );
    this.stats = from
      ? {
          drawXtX: [...from.statistics.drawXtX],
          drawXty: [...from.statistics.drawXty],
          goalsDd: from.statistics.goalsDd,
          goalsDg: from.statistics.goalsDg,
        }
      : { drawXtX: [0, 0, 0, 0, 0], drawXty: [0, 0, 0], goalsDd: 0, goalsDg: 0 };
    this.matchCount = from?.matchCount ?? 0;
    this.pricedCount = from?.pricedCount ?? 0;
  }

  private competition(name: string, season?: string): MarketRatingCompetition {
    let c = this.competitions.get(name);
    if (!c) {
      c = {
        homeAdvantage: this.hp.initialHomeAdvantage,
        season: season ?? '',
        founding: true,
        ratingSum: 0,
        teamCount: 0,
      };
      this.competitions.set(name, c);
    } else if (season !== undefined && c.season !== season) {
      c.season = season;
      c.founding = false;
    }
    return c;
  }

  private team(name: string, competition: string): MarketRatingTeam {
    const c = this.competition(competition);
    let t = this.teams.get(name);
    if (!t) {
      // Founding season: all start level. Later, newcomers (promoted) start below the mean.
      const mean = c.teamCount > 0 ? c.ratingSum / c.teamCount : 0;
      t = { rating: c.founding ? 0 : mean + this.hp.newTeamOffset, competition };
      this.teams.set(name, t);
      c.ratingSum += t.rating;
      c.teamCount++;
    } else if (t.competition !== competition) {
      const old = this.competition(t.competition);
      old.ratingSum -= t.rating;
      old.teamCount--;
      t.competition = competition;
      c.ratingSum += t.rating;
      c.teamCount++;
    }
    return t;
  }

  private move(team: MarketRatingTeam, by: number): void {
    team.rating += by;
    this.competition(team.competition).ratingSum += by;
  }

  get kappa(): number {
    return (
      (this.stats.goalsDg + DEFAULT_KAPPA * KAPPA_PRIOR_WEIGHT) /
      (this.stats.goalsDd + KAPPA_PRIOR_WEIGHT)
    );
  }

  play(m: MatchInput): void {
    const hp = this.hp;
    const c = this.competition(m.competition, m.season);
    const home = this.team(m.homeTeam, m.competition);
    const away = this.team(m.awayTeam, m.competition);
    const predicted = home.rating - away.rating + (m.neutral ? 0 : c.homeAdvantage);
    const goals = (m.homeGoals as number) - (m.awayGoals as number);
    const closing = marketSupremacy(m.odds?.closing);
    const opening = marketSupremacy(m.odds?.opening);
    const line = closing ?? opening;
    let step: number;
    if (line) {
      const error = line.d - predicted;
      const drift = closing && opening ? closing.d - opening.d : 0;
      step = hp.k * error + hp.goalK * (goals - this.kappa * line.d) + hp.driftK * drift;
      if (!m.neutral) c.homeAdvantage += hp.homeK * error;
      this.record(line.d, line.draw, goals);
      this.pricedCount++;
    } else {
      // No prices: only the result informs, against the rating's own expectation.
      step = hp.goalK * (goals - this.kappa * predicted);
    }
    this.move(home, step);
    this.move(away, -step);
    this.matchCount++;
  }

  private record(d: number, draw: number, goals: number): void {
    const s = this.stats;
    const d2 = d * d;
    s.drawXtX[0] += 1;
    s.drawXtX[1] += d;
    s.drawXtX[2] += d2;
    s.drawXtX[3] += d2 * d;
    s.drawXtX[4] += d2 * d2;
    const y = Math.log(draw / (1 - draw));
    s.drawXty[0] += y;
    s.drawXty[1] += y * d;
    s.drawXty[2] += y * d2;
    s.goalsDd += d2;
    s.goalsDg += d * goals;
  }

  drawCurve(): [number, number, number] {
    if (this.pricedCount < MIN_PRICED_FOR_DRAW_CURVE) return [...DEFAULT_DRAW_CURVE];
    const [n, s1, s2, s3, s4] = this.stats.drawXtX;
    const r = DRAW_RIDGE * n;
    return solve3(
      [
        [n + r, s1, s2],
        [s1, s2 + r, s3],
        [s2, s3, s4 + r],
      ],
      this.stats.drawXty,
    );
  }
}

/** Gaussian elimination with partial pivoting for a 3 x 3 system. */
function solve3(a: number[][], b: readonly number[]): [number, number, number] {
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < 3; r++) {
      const f = m[r][col] / m[col][col];
      for (let k = col; k < 4; k++) m[r][k] -= f * m[col][k];
    }
  }
  const x = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = m[r][3];
    for (let k = r + 1; k < 3; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return [x[0], x[1], x[2]];
}

function sameHyperparameters(a: MarketRatingHyperparameters, b: MarketRatingHyperparameters) {
  return (Object.keys(a) as (keyof MarketRatingHyperparameters)[]).every((k) => a[k] === b[k]);
}

/**
 * Market ratings from the finished matches with kickoff < asOf (their closing 1X2 odds, falling
 * back to opening odds, and their results). Matches without prices only move ratings by goals.
 */
export function fitMarketRating(
  matches: readonly MatchInput[],
  asOf: number,
  hp: MarketRatingHyperparameters,
  previous?: MarketRatingParameters,
): MarketRatingParameters {
  let from: MarketRatingParameters | undefined;
  if (
    previous &&
    previous.asOf <= asOf &&
    sameHyperparameters(previous.hyperparameters, hp) &&
    matches.filter((m) => m.kickoff < previous.asOf && isFinished(m)).length === previous.matchCount
  ) {
    from = previous;
  }
  const start = from?.asOf ?? -Infinity;
  const replay = new Replay(hp, from);
  const pending = matches
    .filter((m) => m.kickoff >= start && m.kickoff < asOf && isFinished(m))
    .sort(byKickoff);
  for (const m of pending) replay.play(m);
  return {
    model: 'market-rating',
    hyperparameters: { ...hp },
    asOf,
    matchCount: replay.matchCount,
    pricedCount: replay.pricedCount,
    teams: Object.fromEntries([...replay.teams].map(([k, v]) => [k, { ...v }])),
    competitions: Object.fromEntries([...replay.competitions].map(([k, v]) => [k, { ...v }])),
    statistics: replay.stats,
    draw: replay.drawCurve(),
    kappa: replay.kappa,
  };
}
