import { matchResult, allMarkets } from '../markets/markets';
import { conditionOnResult, matrixForResult } from '../markets/outcome-matrix';
import { poissonScoreMatrix, totalProbability } from '../markets/score-matrix';
import { simulateLeague } from '../simulation/league';
import { toFixture } from '../backtest/backtester';
import { resolveHyperparameters, SERVED_MODEL_TYPES } from './hyperparameters';
import { forecastFixture, POISSON_FILTER_INPUT, UnpriceableFixtureError } from './served-model';
import { trainServedModel } from './trainer';
import { ensembleModel } from '../ensemble/ensemble-model';
import { eloModel, piRatingModel, poissonFilterModel } from '../backtest/models';
import type { PiRatingParameters } from '../pi-rating/model';
import { DEFAULT_SUITE, MODEL_NAMES, modelSuite } from '../tuning/suite';
import { TUNED_TIMESCALES } from '../tuning/defaults';

const league = simulateLeague({ seed: 11, teams: 12, seasons: 3 });
const lastKickoff = Math.max(...league.matches.map((m) => m.kickoff));
const asOf = lastKickoff + 1;
const spec = (type: (typeof SERVED_MODEL_TYPES)[number]) => ({
  type,
  hyperparameters: resolveHyperparameters(),
  asOf,
  evaluationWeeks: 10,
});

describe('outcome-conditioned score matrices', () => {
  it('conditionOnResult gives exactly the target 1X2 and keeps a valid distribution', () => {
    const target = { home: 0.5, draw: 0.3, away: 0.2 };
    const m = conditionOnResult(poissonScoreMatrix(1.4, 1.1), target);
    const r = matchResult(m);
    expect(r.home).toBeCloseTo(0.5, 12);
    expect(r.draw).toBeCloseTo(0.3, 12);
    expect(totalProbability(m)).toBeCloseTo(1, 12);
  });

  it('matrixForResult finds the supremacy of a home favourite', () => {
    const target = { home: 0.6, draw: 0.25, away: 0.15 };
    const m = matrixForResult(target, { home: 1.5, away: 1.2 });
    const xg = allMarkets(m).expectedGoals;
    expect(xg.home).toBeGreaterThan(xg.away);
    expect(matchResult(m).away).toBeCloseTo(0.15, 10);
  });
});

describe('trainServedModel', () => {
  it.each(SERVED_MODEL_TYPES)('trains a %s model that prices a fixture consistently', (type) => {
    const progress: number[] = [];
    const trained = trainServedModel(league.matches, spec(type), (p) => progress.push(p.fraction));
    expect(trained.parameters.type).toBe(type);
    expect(trained.parameters.competitions).toEqual([league.competition]);
    expect(trained.evaluation.matches).toBeGreaterThan(50);
    expect(trained.evaluation.model?.outcomes.rps).toBeGreaterThan(0.1);
    expect(trained.evaluation.model?.outcomes.rps).toBeLessThan(0.25);
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const fixture = toFixture({ ...league.matches[0], kickoff: asOf + 86_400_000 });
    const forecast = forecastFixture(trained.parameters, fixture);
    const r = matchResult(forecast.matrix);
    expect(r.home).toBeCloseTo(forecast.result.home, 9);
    expect(r.away).toBeCloseTo(forecast.result.away, 9);
    expect(totalProbability(forecast.matrix)).toBeCloseTo(1, 9);
    expect(JSON.parse(JSON.stringify(trained.parameters))).toEqual(trained.parameters);
  });

  it('is deterministic: the same matches and settings give the same parameters', () => {
    const a = trainServedModel(league.matches, spec('ensemble'));
    const b = trainServedModel([...league.matches].reverse(), spec('ensemble'));
    expect(JSON.stringify(b.parameters)).toBe(JSON.stringify(a.parameters));
    expect(b.evaluation.model).toEqual(a.evaluation.model);
  });

  it('uses only matches before asOf', () => {
    const early = asOf - 60 * 86_400_000;
    const trained = trainServedModel(league.matches, { ...spec('elo'), asOf: early });
    const expected = league.matches.filter((m) => m.kickoff < early).length;
    expect(trained.matchesUsed).toBe(expected);
  });

  it('searches the given space on validation weeks and records every trial', () => {
    const trained = trainServedModel(league.matches, {
      ...spec('elo'),
      searchSpace: { 'elo.k': [5, 40] },
    });
    expect(trained.search?.trials.length).toBeGreaterThanOrEqual(3);
    expect([15, 5, 40]).toContain(trained.search?.chosen['elo.k']);
    expect(trained.parameters.hyperparameters.elo.k).toBe(trained.search?.chosen['elo.k']);
  });

  it('serves the ensemble with the Poisson filter as an input, and needs its ratings to price', () => {
    const trained = trainServedModel(league.matches, spec('ensemble'));
    const params = trained.parameters;
    expect(params.ensemble?.inputs).toContain(POISSON_FILTER_INPUT);
    expect(params.poissonFilter?.[league.competition].matchCount).toBe(trained.matchesUsed);
    const fixture = toFixture({ ...league.matches[0], kickoff: asOf + 86_400_000 });
    const forecast = forecastFixture(params, fixture);
    const filter = forecast.components.poissonFilter;
    expect(filter).toBeDefined();
    expect((filter?.home ?? 0) + (filter?.draw ?? 0) + (filter?.away ?? 0)).toBeCloseTo(1, 12);
    // Without its ratings, an ensemble that reads the filter cannot price the fixture.
    const { poissonFilter: _dropped, ...withoutFilter } = params;
    expect(() => forecastFixture(withoutFilter, fixture)).toThrow(UnpriceableFixtureError);
  });

  it('serves the over/under-aware ensemble the benchmark runs, with 1X2-only and no-odds tiers', () => {
    // The simulated league's over/under prices as the service's loader gives them.
    const matches = league.matches.map((m) => ({ ...m, odds: { ...m.odds, ou25: m.overUnder25 } }));
    const trained = trainServedModel(matches, spec('ensemble'));
    const params = trained.parameters;
    expect(params.hyperparameters.ensemble.goals).toBe('implied');
    expect(params.ensemble?.goals).toBe('implied');
    expect(params.ensemble?.marketOnly).toBeDefined();
    expect(params.ensemble?.fallback).toBeDefined();
    const next = matches[matches.length - 1];
    const fixture = toFixture({ ...next, kickoff: asOf + 86_400_000 });
    const forecast = forecastFixture(params, fixture);
    const goals = forecast.components.marketGoals;
    expect(goals?.phase).toBe('opening');
    expect(goals?.over25).toBeGreaterThan(0);
    expect(goals?.btts).toBeGreaterThan(0);
    // The same parameters through the backtest's ensemble code path give the same 1X2.
    const ensemble = params.ensemble as NonNullable<typeof params.ensemble>;
    // Like bench:models' ensembles, it reads season progress (its schedule is stored).
    expect(DEFAULT_SUITE.seasonProgress).toBe(true);
    expect(ensemble.schedule?.[league.competition]).toBeDefined();
    // and the closed-doors intercepts (future fixtures have crowds).
    expect(DEFAULT_SUITE.closedDoors).toBe(true);
    expect(ensemble.closedDoors).toBe(true);
    const model = ensembleModel({
      name: 'x',
      inputs: ensemble.inputs,
      l2: 0.001,
      market: 'opening',
      goals: 'implied',
      seasonProgress: true,
      closedDoors: true,
    });
    const inputs = Object.fromEntries(
      Object.entries({
        elo: forecast.components.elo?.probabilities,
        'dixon-coles': forecast.components.dixonColes?.probabilities,
        'poisson-filter': forecast.components.poissonFilter,
        'market-rating': forecast.components.marketRating,
      })
        .filter(([name, p]) => p && ensemble.inputs.includes(name))
        .map(([name, p]) => [name, { probabilities: p as NonNullable<typeof p> }]),
    );
    expect(model.predict(ensemble, fixture, inputs)?.probabilities).toEqual(forecast.result);
    // Without over/under prices: the 1X2-only tier; without odds: the statistical one.
    const oneXTwo = toFixture({ ...fixture, odds: { opening: next.odds.opening } });
    const noOdds = toFixture({ ...fixture, odds: undefined });
    expect(forecastFixture(params, oneXTwo).components.marketGoals).toBeUndefined();
    expect(forecastFixture(params, oneXTwo).result).not.toEqual(forecast.result);
    expect(forecastFixture(params, noOdds).result).not.toEqual(
      forecastFixture(params, oneXTwo).result,
    );
    // Settings stored before goal features (no `goals`) train and serve the 1X2-only ensemble.
    const { goals: _none, ...oldEnsemble } = resolveHyperparameters().ensemble;
    const old = trainServedModel(matches, {
      ...spec('ensemble'),
      hyperparameters: { ...resolveHyperparameters(), ensemble: oldEnsemble },
    });
    expect(old.parameters.ensemble?.goals).toBeUndefined();
    expect(forecastFixture(old.parameters, fixture).components.marketGoals).toBeDefined();
    // Settings stored before season progress (no `seasonProgress`) train and serve without it.
    const { seasonProgress: _off, ...unstaged } = resolveHyperparameters().ensemble;
    const plain = trainServedModel(matches, {
      ...spec('ensemble'),
      hyperparameters: { ...resolveHyperparameters(), ensemble: unstaged },
    });
    expect(plain.parameters.ensemble?.schedule).toBeUndefined();
    expect(forecastFixture(plain.parameters, fixture).result.home).toBeGreaterThan(0);
    // Settings stored before closed doors (no `closedDoors`) train and serve without them.
    const { closedDoors: _open, ...unflagged } = resolveHyperparameters().ensemble;
    const open = trainServedModel(matches, {
      ...spec('ensemble'),
      hyperparameters: { ...resolveHyperparameters(), ensemble: unflagged },
    });
    expect(open.parameters.ensemble?.closedDoors).toBeUndefined();
    expect(forecastFixture(open.parameters, fixture).result.home).toBeGreaterThan(0);
  });

  it('serves the statistical ensemble with the time-scale variants bench:models runs', () => {
    const hp = resolveHyperparameters({ ensemble: { market: 'none' } });
    expect(hp.ensemble.timescales).toBe('multi');
    const trained = trainServedModel(league.matches, { ...spec('ensemble'), hyperparameters: hp });
    const params = trained.parameters;
    const ensemble = params.ensemble as NonNullable<typeof params.ensemble>;
    // The same inputs, in the same order, as the benchmark's ensemble-stat.
    const benchmarked = modelSuite(DEFAULT_SUITE).find((m) => m.name === MODEL_NAMES.statistical);
    expect(ensemble.inputs).toEqual(benchmarked?.inputs);
    expect(ensemble.inputs).toEqual([
      'elo',
      'dixon-coles',
      'poisson-filter',
      'pi-rating',
      'elo-slow',
      'elo-fast',
      'poisson-filter-fast',
      'poisson-filter-faster',
    ]);
    const c = league.competition;
    const slow = params.timescales?.elo['elo-slow'][c];
    const faster = params.timescales?.poissonFilter['poisson-filter-faster'][c];
    expect(slow?.hyperparameters).toEqual({ ...hp.elo, ...TUNED_TIMESCALES.elo['elo-slow'] });
    expect(faster?.hyperparameters).toEqual({
      ...hp.poissonFilter,
      ...TUNED_TIMESCALES.poissonFilter['poisson-filter-faster'],
    });
    expect(slow?.matchCount).toBe(trained.matchesUsed);
    const pi = params.piRating?.[c];
    expect(pi?.hyperparameters).toEqual(hp.piRating);
    expect(pi?.matchCount).toBe(trained.matchesUsed);

    // forecastFixture gives what the backtest's adapters and ensemble give with the same fits.
    const fixture = toFixture({ ...league.matches[0], kickoff: asOf + 86_400_000 });
    const forecast = forecastFixture(params, fixture);
    const inputs: Record<string, { probabilities: typeof forecast.result }> = {
      elo: { probabilities: forecast.components.elo?.probabilities as typeof forecast.result },
      'dixon-coles': {
        probabilities: forecast.components.dixonColes?.probabilities as typeof forecast.result,
      },
      'poisson-filter': {
        probabilities: forecast.components.poissonFilter as typeof forecast.result,
      },
      'pi-rating': {
        probabilities: piRatingModel(hp.piRating).predict(pi as PiRatingParameters, fixture, {})
          ?.probabilities as typeof forecast.result,
      },
    };
    expect(forecast.components.piRating).toEqual(inputs['pi-rating'].probabilities);
    for (const [name, fits] of Object.entries(params.timescales?.elo ?? {})) {
      const p = eloModel(fits[c].hyperparameters, name).predict(fits[c], fixture, {});
      inputs[name] = { probabilities: p?.probabilities as typeof forecast.result };
    }
    for (const [name, fits] of Object.entries(params.timescales?.poissonFilter ?? {})) {
      const p = poissonFilterModel(fits[c].hyperparameters, name).predict(fits[c], fixture, {});
      inputs[name] = { probabilities: p?.probabilities as typeof forecast.result };
    }
    expect(ensemble.schedule).toBeDefined();
    const model = ensembleModel({
      name: 'x',
      inputs: ensemble.inputs,
      l2: hp.ensemble.l2,
      seasonProgress: DEFAULT_SUITE.seasonProgress,
      closedDoors: DEFAULT_SUITE.closedDoors,
    });
    expect(model.predict(ensemble, fixture, inputs)?.probabilities).toEqual(forecast.result);

    // Without a variant's fits the ensemble cannot price; settings without `timescales` (stored
    // before it existed) or with 'none' train the three-input statistical ensemble.
    const { timescales: _dropped, ...withoutVariants } = params;
    expect(() => forecastFixture(withoutVariants, fixture)).toThrow(UnpriceableFixtureError);
    const { piRating: _noPi, ...withoutPi } = params;
    expect(() => forecastFixture(withoutPi, fixture)).toThrow(UnpriceableFixtureError);
    const { timescales: _none, ...oldEnsemble } = hp.ensemble;
    for (const ensembleSettings of [oldEnsemble, { ...hp.ensemble, timescales: 'none' as const }]) {
      const old = trainServedModel(league.matches, {
        ...spec('ensemble'),
        hyperparameters: { ...hp, ensemble: ensembleSettings },
      });
      expect(old.parameters.ensemble?.inputs).toEqual(['elo', 'dixon-coles', 'poisson-filter']);
      expect(old.parameters.timescales).toBeUndefined();
      expect(old.parameters.piRating).toBeUndefined();
      expect(forecastFixture(old.parameters, fixture).result.home).toBeGreaterThan(0);
    }
    // Ensembles that read a market line do not read the variants.
    const market = trainServedModel(league.matches, spec('ensemble')).parameters;
    expect(market.timescales).toBeUndefined();
    expect(market.piRating).toBeUndefined();
    expect(market.ensemble?.inputs).not.toContain('elo-slow');
  });

  it('refuses a fixture from a competition it was not trained on', () => {
    const trained = trainServedModel(league.matches, spec('dixon-coles'));
    const fixture = toFixture({ ...league.matches[0], competition: 'elsewhere' });
    expect(() => forecastFixture(trained.parameters, fixture)).toThrow(UnpriceableFixtureError);
  });
});
