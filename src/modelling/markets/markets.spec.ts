import fc from 'fast-check';
import {
  ASIAN_HANDICAP_LINES,
  allMarkets,
  asianHandicap,
  bothTeamsToScore,
  correctScores,
  doubleChance,
  drawNoBet,
  expectedGoalsFromMatrix,
  matchResult,
  overUnder,
} from './markets';
import { createScoreMatrix, poissonScoreMatrix, totalProbability } from './score-matrix';
import type { ScoreMatrix } from './score-matrix';

/** 0..2 goals each; probabilities in hundredths so hand sums are easy to check. */
const small: ScoreMatrix = {
  maxGoals: 2,
  p: [
    // away: 0     1     2
    [0.1, 0.08, 0.02], // home 0
    [0.2, 0.15, 0.05], // home 1
    [0.15, 0.15, 0.1], // home 2
  ],
};

describe('score matrix', () => {
  it('normalises, clamps negative and non-finite cells to 0', () => {
    const m = createScoreMatrix(
      1,
      (h, a) =>
        [
          [2, -1],
          [Number.NaN, 6],
        ][h][a],
    );
    expect(m.p).toEqual([
      [0.25, 0],
      [0, 0.75],
    ]);
  });

  it('rejects a matrix without mass', () => {
    expect(() => createScoreMatrix(2, () => 0)).toThrow(RangeError);
  });

  it('builds independent Poisson scores with the right means', () => {
    const m = poissonScoreMatrix(1.6, 0.9, 15);
    expect(totalProbability(m)).toBeCloseTo(1, 14);
    const xg = expectedGoalsFromMatrix(m);
    expect(xg.home).toBeCloseTo(1.6, 8);
    expect(xg.away).toBeCloseTo(0.9, 8);
    expect(m.p[0][0]).toBeCloseTo(Math.exp(-2.5), 8);
  });
});

describe('markets on a hand-computed matrix', () => {
  it('1X2, double chance and draw no bet', () => {
    const r = matchResult(small);
    expect(r.home).toBeCloseTo(0.2 + 0.15 + 0.15, 12);
    expect(r.draw).toBeCloseTo(0.1 + 0.15 + 0.1, 12);
    expect(r.away).toBeCloseTo(0.08 + 0.02 + 0.05, 12);
    const dc = doubleChance(small);
    expect(dc.homeOrDraw).toBeCloseTo(0.85, 12);
    expect(dc.homeOrAway).toBeCloseTo(0.65, 12);
    expect(dc.drawOrAway).toBeCloseTo(0.5, 12);
    const dnb = drawNoBet(small);
    expect(dnb.home).toBeCloseTo(0.5 / 0.65, 12);
    expect(dnb.home + dnb.away).toBeCloseTo(1, 12);
  });

  it('over/under and both teams to score', () => {
    expect(overUnder(small, 0.5).under).toBeCloseTo(0.1, 12);
    const ou25 = overUnder(small, 2.5);
    expect(ou25.over).toBeCloseTo(0.05 + 0.15 + 0.1, 12);
    expect(ou25.over + ou25.under).toBeCloseTo(1, 12);
    // Integer line: totals of exactly 2 push.
    const ou2 = overUnder(small, 2);
    expect(ou2.over + ou2.under).toBeCloseTo(1 - (0.02 + 0.15 + 0.15), 12);
    const btts = bothTeamsToScore(small);
    expect(btts.yes).toBeCloseTo(0.15 + 0.05 + 0.15 + 0.1, 12);
    expect(btts.yes + btts.no).toBeCloseTo(1, 12);
  });

  it('Asian handicap: level ball, half, whole and quarter lines', () => {
    // P(diff = -2..2): -2: .02, -1: .13, 0: .35, 1: .35, 2: .15
    const level = asianHandicap(small, 0);
    expect(level).toMatchObject({ halfWin: 0, halfLoss: 0 });
    expect(level.win).toBeCloseTo(0.5, 12);
    expect(level.push).toBeCloseTo(0.35, 12);
    expect(level.loss).toBeCloseTo(0.15, 12);
    expect(level.fairHomeOdds).toBeCloseTo(1 + 0.15 / 0.5, 12);

    const minusOne = asianHandicap(small, -1);
    expect(minusOne.win).toBeCloseTo(0.15, 12);
    expect(minusOne.push).toBeCloseTo(0.35, 12);

    const minusThreeQuarters = asianHandicap(small, -0.75); // half on -0.5, half on -1
    expect(minusThreeQuarters.win).toBeCloseTo(0.15, 12);
    expect(minusThreeQuarters.halfWin).toBeCloseTo(0.35, 12);
    expect(minusThreeQuarters.push).toBe(0);
    expect(minusThreeQuarters.halfLoss).toBeCloseTo(0, 12);
    expect(minusThreeQuarters.loss).toBeCloseTo(0.5, 12);
    // Fair odds o: 0.15 (o-1) + 0.35 (o-1)/2 - 0.5 = 0.
    expect(minusThreeQuarters.fairHomeOdds).toBeCloseTo(1 + 0.5 / 0.325, 12);

    const plusQuarter = asianHandicap(small, 0.25); // half on 0, half on +0.5
    expect(plusQuarter.win).toBeCloseTo(0.5, 12);
    expect(plusQuarter.halfWin).toBeCloseTo(0.35, 12);
    expect(plusQuarter.loss).toBeCloseTo(0.15, 12);
    expect(() => asianHandicap(small, 0.1)).toThrow(RangeError);
  });

  it('correct scores, most likely first', () => {
    const top = correctScores(small, 3);
    expect(top.map((s) => [s.home, s.away])).toEqual([
      [1, 0],
      [1, 1],
      [2, 0],
    ]);
    expect(correctScores(small, 100)).toHaveLength(9);
  });

  it('expected goals', () => {
    const xg = expectedGoalsFromMatrix(small);
    expect(xg.home).toBeCloseTo(1 * 0.4 + 2 * 0.4, 12);
    expect(xg.away).toBeCloseTo(1 * 0.38 + 2 * 0.17, 12);
  });
});

describe('market consistency on a realistic matrix', () => {
  const m = poissonScoreMatrix(1.7, 1.1);
  const markets = allMarkets(m);

  it('every complete market sums to 1', () => {
    const r = markets.matchResult;
    expect(r.home + r.draw + r.away).toBeCloseTo(1, 12);
    expect(markets.drawNoBet.home + markets.drawNoBet.away).toBeCloseTo(1, 12);
    for (const ou of markets.overUnder) expect(ou.over + ou.under).toBeCloseTo(1, 12);
    expect(markets.overUnder.map((o) => o.line)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    for (const ah of markets.asianHandicap) {
      expect(ah.win + ah.halfWin + ah.push + ah.halfLoss + ah.loss).toBeCloseTo(1, 12);
    }
  });

  it('derived markets agree with the cells', () => {
    let home = 0;
    for (let h = 0; h <= m.maxGoals; h++) for (let a = 0; a < h; a++) home += m.p[h][a];
    expect(markets.matchResult.home).toBeCloseTo(home, 12);
    const r = markets.matchResult;
    expect(markets.drawNoBet.home).toBeCloseTo(r.home / (r.home + r.away), 12);
    expect(markets.doubleChance.homeOrDraw).toBeCloseTo(r.home + r.draw, 12);
    // Home -0.5 is the home win; home +0.5 is home or draw.
    const ah = (line: number) => markets.asianHandicap.find((x) => x.line === line)!;
    expect(ah(-0.5).win).toBeCloseTo(r.home, 12);
    expect(ah(0.5).win).toBeCloseTo(r.home + r.draw, 12);
    // Home -1.5 wins on a margin of two or more.
    let byTwo = 0;
    for (let h = 2; h <= m.maxGoals; h++) for (let a = 0; a <= h - 2; a++) byTwo += m.p[h][a];
    expect(ah(-1.5).win).toBeCloseTo(byTwo, 12);
    expect(ah(0).win / (ah(0).win + ah(0).loss)).toBeCloseTo(markets.drawNoBet.home, 12);
    expect(markets.correctScore[0]).toEqual({ home: 1, away: 1, probability: m.p[1][1] });
  });

  it('lists quarter lines from -2.5 to +2.5', () => {
    expect(ASIAN_HANDICAP_LINES).toHaveLength(21);
    expect(ASIAN_HANDICAP_LINES[0]).toBe(-2.5);
    expect(ASIAN_HANDICAP_LINES[20]).toBe(2.5);
  });

  it('fair Asian handicap odds give zero expected profit on both sides', () => {
    for (const ah of markets.asianHandicap) {
      const homeProfit =
        (ah.win + ah.halfWin / 2) * (ah.fairHomeOdds - 1) - (ah.loss + ah.halfLoss / 2);
      const awayProfit =
        (ah.loss + ah.halfLoss / 2) * (ah.fairAwayOdds - 1) - (ah.win + ah.halfWin / 2);
      expect(homeProfit).toBeCloseTo(0, 10);
      expect(awayProfit).toBeCloseTo(0, 10);
    }
  });
});

describe('markets read cell by cell (reference) and from goal differences agree', () => {
  const cells = (m: ScoreMatrix) =>
    m.p.flatMap((row, home) => row.map((probability, away) => ({ home, away, probability })));
  const matrices = fc
    .tuple(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 49, maxLength: 49 }),
    )
    .filter(([, weights]) => weights.some((w) => w > 0))
    // Small integer weights make ties between cells common, so the tie order is exercised.
    .map(([maxGoals, weights]) => createScoreMatrix(maxGoals, (h, a) => weights[h * 7 + a]));

  it('ranks correct scores as a full sort does', () => {
    fc.assert(
      fc.property(matrices, fc.integer({ min: 1, max: 12 }), (m, top) => {
        const sorted = cells(m)
          .sort(
            (x, y) =>
              y.probability - x.probability ||
              x.home + x.away - (y.home + y.away) ||
              x.home - y.home,
          )
          .slice(0, top);
        expect(correctScores(m, top)).toEqual(sorted);
      }),
    );
  });

  it('prices every Asian handicap line as summing the cells does', () => {
    fc.assert(
      fc.property(matrices, fc.constantFrom(...ASIAN_HANDICAP_LINES), (m, line) => {
        const side = (l: number) => {
          const sum = (keep: (margin: number) => boolean) =>
            cells(m)
              .filter((c) => keep(c.home - c.away + l))
              .reduce((total, c) => total + c.probability, 0);
          return { win: sum((d) => d > 0), push: sum((d) => d === 0), loss: sum((d) => d < 0) };
        };
        const ah = asianHandicap(m, line);
        const whole = Math.round(line * 2) === line * 2;
        const lower = side(whole ? line : line - 0.25);
        const upper = side(whole ? line : line + 0.25);
        expect(ah.win).toBeCloseTo(lower.win, 12);
        expect(ah.loss).toBeCloseTo(upper.loss, 12);
        expect(ah.push).toBeCloseTo(whole ? lower.push : 0, 12);
        expect(ah.halfWin).toBeCloseTo(whole ? 0 : upper.win - lower.win, 12);
        expect(ah.halfLoss).toBeCloseTo(whole ? 0 : lower.loss - upper.loss, 12);
      }),
    );
  });
});
