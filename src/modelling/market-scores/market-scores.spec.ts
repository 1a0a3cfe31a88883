import { runBacktest } from '../backtest/backtester';
import { marketLineModel } from '../backtest/market-line';
import type { BacktestModel, Fixture } from '../backtest/types';
import { ensembleModel } from '../ensemble/ensemble-model';
import { bothTeamsToScore, matchResult, overUnder } from '../markets/markets';
import { simulateLeague } from '../simulation';
import type { MatchInput } from '../types';
import { goalsImpliedModel, marketGoalsFeatures } from './features';
import {
  marketOverProbability,
  marketScoreMatrix,
  marketScoreSummary,
  solveGoalsImpliedScores,
  solveMarketScores,
  summaryWithSlopes,
} from './model';

describe('market score model', () => {
  const cases = [
    { result: { home: 0.46, draw: 0.27, away: 0.27 }, over: 0.52 },
    { result: { home: 0.75, draw: 0.16, away: 0.09 }, over: 0.66 },
    { result: { home: 0.2, draw: 0.3, away: 0.5 }, over: 0.42 },
    { result: { home: 0.33, draw: 0.34, away: 0.33 }, over: 0.35 },
  ];

  it.each(cases)('reproduces the 1X2 and P(over 2.5) it is given (%j)', ({ result, over }) => {
    const scores = solveMarketScores(result, over);
    expect(scores).toBeDefined();
    const s = marketScoreSummary(scores!);
    expect(Math.abs(s.result.home - result.home)).toBeLessThan(1e-6);
    expect(Math.abs(s.result.draw - result.draw)).toBeLessThan(1e-6);
    expect(Math.abs(s.result.away - result.away)).toBeLessThan(1e-6);
    expect(Math.abs(s.over25 - over)).toBeLessThan(1e-6);
    // the matrix agrees with the summary, so every market derived from it is consistent
    const m = marketScoreMatrix(scores!);
    expect(matchResult(m).home).toBeCloseTo(result.home, 6);
    expect(overUnder(m, 2.5).over).toBeCloseTo(over, 6);
    expect(bothTeamsToScore(m).yes).toBeCloseTo(s.btts, 6);
  });

  it('slopes of the solver: analytic derivatives equal central differences', () => {
    const at = [Math.log(1.7), Math.log(0.9), 0.15];
    const { values, slopes } = summaryWithSlopes(at[0], at[1], at[2]);
    const summary = marketScoreSummary({
      homeRate: Math.exp(at[0]),
      awayRate: Math.exp(at[1]),
      drawInflation: at[2],
    });
    expect(values).toEqual([
      summary.result.home,
      summary.result.draw,
      summary.result.away,
      expect.closeTo(summary.over25, 14),
    ]);
    const eps = 1e-6;
    for (let j = 0; j < 3; j++) {
      const up = [...at];
      const down = [...at];
      up[j] += eps;
      down[j] -= eps;
      const plus = summaryWithSlopes(up[0], up[1], up[2]).values;
      const minus = summaryWithSlopes(down[0], down[1], down[2]).values;
      for (let k = 0; k < 4; k++) {
        expect(slopes[k][j]).toBeCloseTo((plus[k] - minus[k]) / (2 * eps), 8);
      }
    }
  });

  it('recovers the means of an independent Poisson score model', () => {
    const truth = { homeRate: 1.6, awayRate: 1.1, drawInflation: 0 };
    const s = marketScoreSummary(truth);
    const solved = solveMarketScores(s.result, s.over25)!;
    expect(solved.homeRate).toBeCloseTo(1.6, 5);
    expect(solved.awayRate).toBeCloseTo(1.1, 5);
    expect(solved.drawInflation).toBeCloseTo(0, 5);
  });

  it('goals-implied: keeps P(home) - P(away) and P(over 2.5), the draw follows the goal total', () => {
    const result = { home: 0.45, draw: 0.28, away: 0.27 };
    const low = solveGoalsImpliedScores(result, 0.4, 0.1)!;
    const high = solveGoalsImpliedScores(result, 0.6, 0.1)!;
    for (const [scores, over] of [
      [low, 0.4],
      [high, 0.6],
    ] as const) {
      const s = marketScoreSummary(scores);
      expect(Math.abs(s.result.home - s.result.away - 0.18)).toBeLessThan(1e-6);
      expect(Math.abs(s.over25 - over)).toBeLessThan(1e-6);
      expect(scores.drawInflation).toBe(0.1);
    }
    // fewer goals expected: more draws
    expect(marketScoreSummary(low).result.draw).toBeGreaterThan(
      marketScoreSummary(high).result.draw,
    );
  });

  it('rejects impossible inputs instead of returning a bad fit', () => {
    expect(solveMarketScores({ home: 0.5, draw: 0.5, away: 0 }, 0.5)).toBeUndefined();
    expect(solveMarketScores({ home: 0.4, draw: 0.3, away: 0.3 }, 1)).toBeUndefined();
    expect(
      solveGoalsImpliedScores({ home: 0.4, draw: 0.3, away: 0.3 }, Number.NaN),
    ).toBeUndefined();
  });
});

describe('goal-market features of a fixture', () => {
  const base: Fixture = {
    id: 'x',
    kickoff: 0,
    homeTeam: 'A',
    awayTeam: 'B',
    competition: 'c',
    season: 's',
    neutral: false,
    odds: {
      opening: { home: 2.1, draw: 3.4, away: 3.6 },
      ou25: { opening: { over: 1.95, under: 1.9 } },
    },
  };

  it('reads the phase it is asked for and falls back cleanly without over/under prices', () => {
    const f = marketGoalsFeatures(base, 'opening');
    expect(f).toBeDefined();
    expect(f!.over).toBeCloseTo(marketOverProbability(base, 'opening')!, 12);
    expect(f!.implied.home + f!.implied.draw + f!.implied.away).toBeCloseTo(1, 12);
    expect(marketGoalsFeatures(base, 'closing')).toBeUndefined();
    expect(
      marketGoalsFeatures({ ...base, odds: { opening: base.odds!.opening } }, 'opening'),
    ).toBeUndefined();
    // over/under without 1X2: nothing to solve against
    expect(
      marketGoalsFeatures({ ...base, odds: { ou25: base.odds!.ou25 } }, 'opening'),
    ).toBeUndefined();
    // rejected prices (booksum below 1)
    const bad = { ...base, odds: { ...base.odds, ou25: { opening: { over: 2.5, under: 2.5 } } } };
    expect(marketGoalsFeatures(bad, 'opening')).toBeUndefined();
  });

  it('the goals-implied model row prices over 2.5 as the market does', () => {
    const p = goalsImpliedModel('opening', 'g').predict(null, base, {});
    expect(p?.over25).toBeCloseTo(marketOverProbability(base, 'opening')!, 12);
    expect(p?.btts).toBeGreaterThan(0);
    expect(goalsImpliedModel('closing', 'g').predict(null, base, {})).toBeUndefined();
  });
});

describe('ensemble with goal-market features', () => {
  const league = simulateLeague({ seed: 31, seasons: 4, teams: 16, openingNoise: 0.2 });
  const matches: MatchInput[] = league.matches.map((m) => ({
    ...m,
    odds: { ...m.odds, ou25: m.overUnder25 },
  }));
  const predictFrom = matches[Math.floor(matches.length / 3)].kickoff;
  const base: BacktestModel<null> = { ...marketLineModel('opening'), name: 'base' };
  const spec = { inputs: ['base'], l2: 0.001, minTrainingRows: 50, market: 'opening' as const };
  const byId = new Map(matches.map((m) => [m.id, m]));
  /** The backtest's walk-forward predictions of `base`, as the ensemble's fit reads them. */
  const historyOf = (result: ReturnType<typeof runBacktest>) =>
    result.matches.map((r) => ({
      matchId: r.matchId,
      kickoff: r.kickoff,
      competition: r.competition,
      season: r.season,
      outcome: r.outcome,
      fixture: byId.get(r.matchId) as Fixture,
      predictions: { base: r.byModel.base },
    }));

  it.each(['implied', 'draw-feature', 'both'] as const)(
    '%s: uses the goal market when priced, else the 1X2-only market logit, else statistics',
    (goals) => {
      const withGoals = ensembleModel({ name: 'g', ...spec, goals });
      const plain = ensembleModel({ name: 'p', ...spec });
      const result = runBacktest(matches, [base, withGoals, plain], {
        predictFrom,
        predictUntil: Infinity,
      });
      const history = historyOf(result);
      const last = matches[matches.length - 1];
      const next = last.kickoff + 86_400_000;
      const priced: Fixture = { ...last, kickoff: next };
      const noGoals: Fixture = { ...priced, odds: { opening: last.odds!.opening } };
      const noOdds: Fixture = { ...priced, odds: undefined };
      const context = { asOf: next, fixtures: [priced, noGoals, noOdds], history };
      const params = withGoals.fit([], context, undefined);
      const plainParams = plain.fit([], context, undefined);
      expect(params.goals).toBe(goals);
      expect(params.marketOnly).toBeDefined();
      expect(params.fallback).toBeDefined();
      expect(JSON.parse(JSON.stringify(params))).toEqual(params);
      const inputs = { base: { probabilities: { home: 0.5, draw: 0.3, away: 0.2 } } };
      const p = (f: Fixture) => withGoals.predict(params, f, inputs)?.probabilities;
      const q = (f: Fixture) => plain.predict(plainParams, f, inputs)?.probabilities;
      // without over/under the fixture gets exactly the 1X2-only ensemble
      expect(p(noGoals)?.home).toBeCloseTo(q(noGoals)?.home as number, 10);
      expect(p(noGoals)?.draw).toBeCloseTo(q(noGoals)?.draw as number, 10);
      expect(p(noOdds)?.home).toBeCloseTo(q(noOdds)?.home as number, 10);
      const withPrices = p(priced)!;
      expect(withPrices.home + withPrices.draw + withPrices.away).toBeCloseTo(1, 12);
      expect(Math.abs(withPrices.draw - (p(noGoals)?.draw as number))).toBeGreaterThan(1e-6);
    },
  );

  it('reads the 1X2 market alone while too few history rows have over/under prices', () => {
    // Only the last few weeks are priced in over/under: fewer rows than minTrainingRows.
    const late = matches[matches.length - 30].kickoff;
    const sparse = matches.map((m) =>
      m.kickoff >= late ? m : { ...m, odds: { ...m.odds, ou25: undefined } },
    );
    const withGoals = ensembleModel({ name: 'g', ...spec, goals: 'implied' });
    const plain = ensembleModel({ name: 'p', ...spec });
    const result = runBacktest(sparse, [base, withGoals, plain], {
      predictFrom,
      predictUntil: Infinity,
    });
    for (const m of result.matches.filter((r) => r.kickoff < late)) {
      expect(m.byModel.g.probabilities).toEqual(m.byModel.p.probabilities);
    }
    const last = result.fits.filter((f) => f.model === 'g').at(-1);
    expect(last?.historyCount).toBeGreaterThan(50);
  });

  it('parameters stored before goal features existed still predict (1X2-only market logit)', () => {
    const plain = ensembleModel({ name: 'p', ...spec });
    const result = runBacktest(matches, [base, plain], { predictFrom, predictUntil: Infinity });
    const last = matches[matches.length - 1];
    const fixture: Fixture = { ...last, kickoff: last.kickoff + 86_400_000 };
    const history = historyOf(result);
    const stored = plain.fit(
      [],
      { asOf: fixture.kickoff, fixtures: [fixture], history },
      undefined,
    );
    expect(stored.goals).toBeUndefined();
    // a spec that asks for goals reads such parameters as they were fitted
    const now = ensembleModel({ name: 'p', ...spec, goals: 'implied' });
    const inputs = { base: { probabilities: { home: 0.5, draw: 0.3, away: 0.2 } } };
    expect(now.predict(stored, fixture, inputs)).toEqual(plain.predict(stored, fixture, inputs));
  });
});
