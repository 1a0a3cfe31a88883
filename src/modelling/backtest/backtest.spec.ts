import { rankedProbabilityScore, outcomeOf } from '../metrics/scores';
import { simulateLeague } from '../simulation';
import type { MatchInput } from '../types';
import { runBacktest } from './backtester';
import { compareModels, evaluateBacktest } from './evaluate';
import { marketLineModel } from './market-line';
import { eloModel, marketRatingModel } from './models';
import { perCompetition } from './per-competition';
import type { BacktestModel, FitContext, Fixture } from './types';
import { weekStart } from './weeks';
import { DEFAULT_ELO_HYPERPARAMETERS } from '../elo/rating';
import { ensembleModel } from '../ensemble/ensemble-model';
import { DEFAULT_MARKET_RATING_HYPERPARAMETERS } from '../market-rating/model';

const DAY = 86_400_000;

function twoLeagues(): MatchInput[] {
  return [
    ...simulateLeague({ seed: 1, seasons: 3, teams: 10, competition: 'Generated North' }).matches,
    ...simulateLeague({ seed: 2, seasons: 3, teams: 10, competition: 'Generated South' }).matches,
  ];
}

/**
 * Would cheat if it could: predicts the actual result with certainty whenever it can see it,
 * either as goals on the fixture or as the fixture itself (with goals) among its training data,
 * and records every piece of future data it is shown.
 */
function leakyModel(violations: string[]): BacktestModel<Map<string, MatchInput>> {
  return {
    name: 'leaky',
    fit(training, context: FitContext) {
      const seen = new Map<string, MatchInput>();
      for (const m of training) {
        if (m.kickoff >= context.asOf) violations.push(`fit at ${context.asOf} saw ${m.id}`);
        seen.set(m.id, m);
      }
      for (const h of context.history) {
        if (h.kickoff >= context.asOf)
          violations.push(`history at ${context.asOf} had ${h.matchId}`);
      }
      return seen;
    },
    predict(seen, fixture: Fixture) {
      const raw = fixture as MatchInput;
      const known = raw.homeGoals !== undefined ? raw : seen.get(fixture.id);
      if (known && known.homeGoals !== undefined && known.awayGoals !== undefined) {
        violations.push(`predict saw the result of ${fixture.id}`);
        const o = outcomeOf(known.homeGoals, known.awayGoals);
        return {
          probabilities: {
            home: o === 'home' ? 1 : 0,
            draw: o === 'draw' ? 1 : 0,
            away: o === 'away' ? 1 : 0,
          },
        };
      }
      return { probabilities: { home: 0.45, draw: 0.27, away: 0.28 } };
    },
  };
}

describe('weekStart', () => {
  it('is Monday 00:00 UTC', () => {
    const monday = Date.UTC(2024, 0, 1); // 2024-01-01 was a Monday
    expect(weekStart(Date.UTC(2024, 0, 3, 15))).toBe(monday); // Wednesday
    expect(weekStart(Date.UTC(2024, 0, 7, 23, 59, 59))).toBe(monday); // Sunday night
    expect(weekStart(monday)).toBe(monday);
    expect(weekStart(Date.UTC(2024, 0, 8))).toBe(Date.UTC(2024, 0, 8));
    expect(weekStart(Date.UTC(1969, 11, 31))).toBe(Date.UTC(1969, 11, 29)); // before the epoch
  });
});

describe('runBacktest leakage guard', () => {
  const matches = twoLeagues();
  const kickoffs = new Map(matches.map((m) => [m.id, m.kickoff]));
  const sorted = [...matches].sort((a, b) => a.kickoff - b.kickoff);
  const predictFrom = sorted[Math.floor(sorted.length / 3)].kickoff;
  const violations: string[] = [];
  const result = runBacktest(
    matches,
    [
      perCompetition(eloModel(DEFAULT_ELO_HYPERPARAMETERS)),
      perCompetition(marketRatingModel(DEFAULT_MARKET_RATING_HYPERPARAMETERS)),
      leakyModel(violations),
      ensembleModel({
        name: 'stacked',
        inputs: ['elo', 'market-rating'],
        market: 'opening',
        l2: 0.01,
        minTrainingRows: 50,
      }),
    ],
    { predictFrom, predictUntil: Infinity, auditIds: true },
  );

  it('predicts every finished match in the window once, with every model', () => {
    const expected = matches.filter((m) => m.kickoff >= predictFrom).length;
    expect(result.matches).toHaveLength(expected);
    expect(new Set(result.matches.map((m) => m.matchId)).size).toBe(expected);
    for (const m of result.matches)
      expect(Object.keys(m.byModel).sort()).toEqual(['elo', 'leaky', 'market-rating', 'stacked']);
  });

  it('never shows a model its own match, its result, or anything at/after the week start', () => {
    expect(violations).toEqual([]);
    for (const m of result.matches) {
      expect(m.weekStart).toBe(weekStart(m.kickoff));
      for (const prediction of Object.values(m.byModel)) {
        const fit = result.fits[prediction.fit];
        expect(fit.weekStart).toBe(m.weekStart);
        expect(fit.maxTrainingKickoff).toBeLessThan(m.weekStart);
        expect(fit.maxHistoryKickoff).toBeLessThan(m.weekStart);
        expect(fit.trainingIds).not.toContain(m.matchId);
        expect(fit.historyIds).not.toContain(m.matchId);
      }
    }
    for (const fit of result.fits) {
      for (const id of fit.trainingIds ?? []) expect(kickoffs.get(id)).toBeLessThan(fit.weekStart);
      for (const id of fit.historyIds ?? []) expect(kickoffs.get(id)).toBeLessThan(fit.weekStart);
    }
  });

  it('uses all the past: training is exactly the matches before the week start', () => {
    for (const fit of result.fits) {
      expect(fit.trainingCount).toBe(matches.filter((m) => m.kickoff < fit.weekStart).length);
    }
  });

  it('so the would-be cheater scores like a base-rate forecast, not perfectly', () => {
    const report = evaluateBacktest(result);
    expect(report.overall.leaky.outcomes.rps).toBeGreaterThan(0.15);
  });

  it('the cheat detector itself works when handed leaked data (control)', () => {
    const controlViolations: string[] = [];
    const leaky = leakyModel(controlViolations);
    const asOf = weekStart(predictFrom);
    const params = leaky.fit(matches, { asOf, fixtures: [], history: [] }, undefined);
    const future = matches.find((m) => m.kickoff >= asOf) as MatchInput;
    const p = leaky.predict(params, future, {});
    expect(controlViolations.length).toBeGreaterThan(0);
    expect(
      rankedProbabilityScore(p!.probabilities, outcomeOf(future.homeGoals!, future.awayGoals!)),
    ).toBe(0);
  });

  it('refits each model at most once per week, warm-starting from the previous fit', () => {
    const byModel = new Map<string, number[]>();
    for (const fit of result.fits)
      byModel.set(fit.model, [...(byModel.get(fit.model) ?? []), fit.weekStart]);
    for (const weeks of byModel.values()) {
      expect(new Set(weeks).size).toBe(weeks.length);
      expect([...weeks].sort((a, b) => a - b)).toEqual(weeks);
    }
  });
});

describe('runBacktest mechanics', () => {
  const matches = twoLeagues();
  const predictFrom = matches.reduce((a, m) => Math.min(a, m.kickoff), Infinity) + 400 * DAY;

  it('hands models frozen data they cannot alter, and fixtures without goals', () => {
    const errors: string[] = [];
    const previousSeen: unknown[] = [];
    const probe: BacktestModel<number> = {
      name: 'probe',
      fit(training, context, previous) {
        previousSeen.push(previous);
        try {
          (training as MatchInput[]).push(training[0]);
        } catch {
          errors.push('push');
        }
        try {
          (training[0] as { homeGoals?: number }).homeGoals = 99;
        } catch {
          errors.push('write');
        }
        for (const f of context.fixtures)
          if ('homeGoals' in f || 'awayGoals' in f) errors.push('goals');
        return context.asOf;
      },
      predict: () => ({ probabilities: { home: 1 / 3, draw: 1 / 3, away: 1 / 3 } }),
    };
    const result = runBacktest(matches, [probe], {
      predictFrom,
      predictUntil: predictFrom + 21 * DAY,
    });
    const fits = result.fits.length;
    expect(fits).toBeGreaterThan(1);
    expect(errors.filter((e) => e === 'push')).toHaveLength(fits);
    expect(errors.filter((e) => e === 'write')).toHaveLength(fits);
    expect(errors).not.toContain('goals');
    // warm start: each fit receives the parameters of the previous week's fit
    expect(previousSeen[0]).toBeUndefined();
    expect(previousSeen.slice(1)).toEqual(result.fits.slice(0, -1).map((f) => f.weekStart));
    // the caller's matches are untouched
    expect(matches.every((m) => m.homeGoals !== 99)).toBe(true);
  });

  it('per-competition fits see one competition each', () => {
    const seen: string[][] = [];
    const recorder: BacktestModel<string> = {
      name: 'rec',
      fit(training, context) {
        seen.push([
          ...new Set(training.map((m) => m.competition)),
          ...context.fixtures.map((f) => `fixture:${f.competition}`),
        ]);
        return training[0]?.competition ?? '';
      },
      predict: (p, f) =>
        p === f.competition ? { probabilities: { home: 0.5, draw: 0.25, away: 0.25 } } : undefined,
    };
    const result = runBacktest(matches, [perCompetition(recorder)], {
      predictFrom,
      predictUntil: predictFrom + 28 * DAY,
    });
    for (const s of seen) expect(new Set(s.map((x) => x.replace('fixture:', ''))).size).toBe(1);
    expect(result.matches.every((m) => m.byModel.rec)).toBe(true);
  });

  it('scores per competition and season, and compares models pairwise', () => {
    const result = runBacktest(
      matches,
      [perCompetition(eloModel(DEFAULT_ELO_HYPERPARAMETERS)), marketLineModel('closing')],
      { predictFrom, predictUntil: Infinity },
    );
    const report = evaluateBacktest(result);
    expect(Object.keys(report.byCompetition)).toEqual(['Generated North', 'Generated South']);
    expect(report.overall.elo.outcomes.count).toBe(result.matches.length);
    const c = compareModels(result, 'elo', 'closing-line');
    expect(c.count).toBe(result.matches.length);
    expect(c.meanA - c.meanB).toBeCloseTo(c.meanDifference, 12);
    // the simulated closing line is built from near-true expected goals: it beats Elo
    expect(c.meanDifference).toBeGreaterThan(0);
  });

  it('rejects a stacked model listed before its inputs', () => {
    const stacked = ensembleModel({ name: 's', inputs: ['elo'], l2: 0.01 });
    expect(() =>
      runBacktest(matches, [stacked, eloModel(DEFAULT_ELO_HYPERPARAMETERS)], {
        predictFrom,
        predictUntil: Infinity,
      }),
    ).toThrow(/needs elo/);
  });
});
