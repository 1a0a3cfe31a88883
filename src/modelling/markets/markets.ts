// Betting markets derived from a score matrix. All probabilities come from summing cells,
// so every market is consistent with every other one.
import type { OutcomeProbabilities } from '../types';
import type { ScoreMatrix } from './score-matrix';

export interface DoubleChance {
  homeOrDraw: number;
  homeOrAway: number;
  drawOrAway: number;
}

/** Draw no bet: stakes are returned on a draw, so these are conditional on no draw. */
export interface DrawNoBet {
  home: number;
  away: number;
}

export interface OverUnder {
  line: number;
  over: number;
  under: number;
}

export interface BothTeamsToScore {
  yes: number;
  no: number;
}

/**
 * Asian handicap on the home team: the home side's goal difference plus `line` decides the bet.
 * Quarter lines (e.g. -0.75) are split stakes on the two neighbouring lines (-0.5 and -1), so a
 * bet can be half won or half lost. The five outcomes are from the home backer's side and sum
 * to 1; the away backer's win is `loss`, and so on. Fair odds make the expected profit zero.
 */
export interface AsianHandicap {
  line: number;
  win: number;
  halfWin: number;
  push: number;
  halfLoss: number;
  loss: number;
  fairHomeOdds: number;
  fairAwayOdds: number;
}

export interface CorrectScore {
  home: number;
  away: number;
  probability: number;
}

export interface ExpectedGoals {
  home: number;
  away: number;
}

export interface Markets {
  matchResult: OutcomeProbabilities;
  doubleChance: DoubleChance;
  drawNoBet: DrawNoBet;
  overUnder: OverUnder[];
  bothTeamsToScore: BothTeamsToScore;
  asianHandicap: AsianHandicap[];
  correctScore: CorrectScore[];
  expectedGoals: ExpectedGoals;
}

export const TOTAL_GOALS_LINES: readonly number[] = [0.5, 1.5, 2.5, 3.5, 4.5, 5.5];
/** -2.5 .. +2.5 in quarter steps. */
export const ASIAN_HANDICAP_LINES: readonly number[] = Array.from(
  { length: 21 },
  (_, i) => -2.5 + i * 0.25,
);

export function matchResult(m: ScoreMatrix): OutcomeProbabilities {
  let home = 0;
  let draw = 0;
  let away = 0;
  for (let h = 0; h <= m.maxGoals; h++) {
    const row = m.p[h];
    for (let a = 0; a <= m.maxGoals; a++) {
      if (h > a) home += row[a];
      else if (h === a) draw += row[a];
      else away += row[a];
    }
  }
  const total = home + draw + away;
  return { home: home / total, draw: draw / total, away: away / total };
}

export function doubleChance(m: ScoreMatrix): DoubleChance {
  const r = matchResult(m);
  return { homeOrDraw: r.home + r.draw, homeOrAway: r.home + r.away, drawOrAway: r.draw + r.away };
}

export function drawNoBet(m: ScoreMatrix): DrawNoBet {
  const r = matchResult(m);
  const decisive = r.home + r.away;
  // A matrix that is all draws (e.g. 0-0 certain) leaves DNB undefined: call it even.
  if (!(decisive > 0)) return { home: 0.5, away: 0.5 };
  return { home: r.home / decisive, away: r.away / decisive };
}

/** Over/under on total goals. Integer lines push; the push mass is left out of both sides. */
export function overUnder(m: ScoreMatrix, line: number): OverUnder {
  let over = 0;
  let under = 0;
  for (let h = 0; h <= m.maxGoals; h++) {
    for (let a = 0; a <= m.maxGoals; a++) {
      const total = h + a;
      if (total > line) over += m.p[h][a];
      else if (total < line) under += m.p[h][a];
    }
  }
  return { line, over, under };
}

export function bothTeamsToScore(m: ScoreMatrix): BothTeamsToScore {
  let no = 0;
  for (let k = 0; k <= m.maxGoals; k++) no += m.p[0][k] + m.p[k][0];
  no -= m.p[0][0]; // counted twice
  return { yes: 1 - no, no };
}

/** P(home goals - away goals = d), at index d + maxGoals: every handicap line reads from it. */
function goalDifferences(m: ScoreMatrix): Float64Array {
  const differences = new Float64Array(2 * m.maxGoals + 1);
  for (let h = 0; h <= m.maxGoals; h++) {
    const row = m.p[h];
    for (let a = 0; a <= m.maxGoals; a++) differences[h - a + m.maxGoals] += row[a];
  }
  return differences;
}

/** Win/push/loss probabilities of a whole or half line from the home side. */
function simpleHandicap(
  differences: Float64Array,
  maxGoals: number,
  line: number,
): { win: number; push: number; loss: number } {
  let win = 0;
  let push = 0;
  let loss = 0;
  for (let i = 0; i < differences.length; i++) {
    const margin = i - maxGoals + line;
    if (margin > 0) win += differences[i];
    else if (margin < 0) loss += differences[i];
    else push += differences[i];
  }
  return { win, push, loss };
}

export function asianHandicap(
  m: ScoreMatrix,
  line: number,
  differences = goalDifferences(m),
): AsianHandicap {
  if (!Number.isFinite(line) || Math.round(line * 4) !== line * 4) {
    throw new RangeError(`Asian handicap line must be a multiple of 0.25, got ${line}`);
  }
  let win: number;
  let halfWin = 0;
  let push: number;
  let halfLoss = 0;
  let loss: number;
  if (Math.round(line * 2) === line * 2) {
    ({ win, push, loss } = simpleHandicap(differences, m.maxGoals, line));
  } else {
    // Quarter line: half the stake on line - 0.25 and half on line + 0.25. Goal differences are
    // integers, so one half can never win while the other loses.
    const lower = simpleHandicap(differences, m.maxGoals, line - 0.25);
    const upper = simpleHandicap(differences, m.maxGoals, line + 0.25);
    win = lower.win; // both halves win
    loss = upper.loss; // both halves lose
    halfWin = upper.win - lower.win; // upper wins, lower pushes
    halfLoss = lower.loss - upper.loss; // lower loses, upper pushes
    push = 0;
  }
  const homeReturnWeight = win + halfWin / 2;
  const awayReturnWeight = loss + halfLoss / 2;
  return {
    line,
    win,
    halfWin,
    push,
    halfLoss,
    loss,
    fairHomeOdds: homeReturnWeight > 0 ? 1 + awayReturnWeight / homeReturnWeight : Infinity,
    fairAwayOdds: awayReturnWeight > 0 ? 1 + homeReturnWeight / awayReturnWeight : Infinity,
  };
}

/** The `top` most likely exact scores, most likely first (ties: fewer goals, then home first). */
export function correctScores(m: ScoreMatrix, top = 10): CorrectScore[] {
  // Insertion into a short ranked list: a full sort of every cell cost more than the rest.
  const best: CorrectScore[] = [];
  for (let h = 0; h <= m.maxGoals; h++) {
    for (let a = 0; a <= m.maxGoals; a++) {
      const score = { home: h, away: a, probability: m.p[h][a] };
      if (best.length === top && !ranksBefore(score, best[top - 1])) continue;
      let i = Math.min(best.length, top - 1);
      while (i > 0 && ranksBefore(score, best[i - 1])) i--;
      best.splice(i, 0, score);
      if (best.length > top) best.pop();
    }
  }
  return best;
}

function ranksBefore(x: CorrectScore, y: CorrectScore): boolean {
  return (
    (y.probability - x.probability || x.home + x.away - (y.home + y.away) || x.home - y.home) < 0
  );
}

export function expectedGoalsFromMatrix(m: ScoreMatrix): ExpectedGoals {
  let home = 0;
  let away = 0;
  for (let h = 0; h <= m.maxGoals; h++) {
    for (let a = 0; a <= m.maxGoals; a++) {
      home += h * m.p[h][a];
      away += a * m.p[h][a];
    }
  }
  return { home, away };
}

/** Every market at once; the full matrix itself is the complete correct-score market. */
export function allMarkets(m: ScoreMatrix, topCorrectScores = 10): Markets {
  const differences = goalDifferences(m);
  return {
    matchResult: matchResult(m),
    doubleChance: doubleChance(m),
    drawNoBet: drawNoBet(m),
    overUnder: TOTAL_GOALS_LINES.map((line) => overUnder(m, line)),
    bothTeamsToScore: bothTeamsToScore(m),
    asianHandicap: ASIAN_HANDICAP_LINES.map((line) => asianHandicap(m, line, differences)),
    correctScore: correctScores(m, topCorrectScores),
    expectedGoals: expectedGoalsFromMatrix(m),
  };
}
