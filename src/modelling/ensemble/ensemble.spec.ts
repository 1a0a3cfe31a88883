import { runBacktest } from '../backtest/backtester';
import { compareModels } from '../backtest/evaluate';
import { marketLineModel, marketProbabilities } from '../backtest/market-line';
import type { BacktestModel, Fixture } from '../backtest/types';
import { playedBehindClosedDoors } from '../closed-doors';
import { createRng, simulateLeague } from '../simulation';
import { outcomeOf } from '../metrics/scores';
import type { MatchInput, OutcomeProbabilities } from '../types';
import { conditionalLogitProbabilities, fitConditionalLogit, rowWidth } from './conditional-logit';
import { ensembleModel } from './ensemble-model';
import { fitMultinomialLogit, predictMultinomial } from './multinomial-logit';

describe('conditional logit (log opinion pooling with learned weights)', () => {
  it('recovers pooling weights and intercepts from data drawn from it', () => {
    const rng = createRng(3);
    const truth = {
      featureCount: 2,
      coefficients: [0.7, 0.4],
      bias: [0.1, 0.2, 0] as [number, number, number],
    };
    const rows = 20_000;
    const features = new Float64Array(rows * 6);
    const labels = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < 6; j++) features[i * 6 + j] = Math.log(0.1 + rng.next());
      const p = conditionalLogitProbabilities(truth, features, i * 6);
      const u = rng.next();
      labels[i] = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
    }
    const prior = {
      featureCount: 2,
      coefficients: [0.5, 0.5],
      bias: [0, 0, 0] as [number, number, number],
    };
    const fitted = fitConditionalLogit({ features, labels, rows }, prior, 0);
    expect(fitted.coefficients[0]).toBeCloseTo(0.7, 1);
    expect(fitted.coefficients[1]).toBeCloseTo(0.4, 1);
    expect(fitted.bias[0]).toBeCloseTo(0.1, 1);
    expect(fitted.bias[1]).toBeCloseTo(0.2, 1);
    // a huge penalty pins the weights to the prior
    const pinned = fitConditionalLogit({ features, labels, rows }, prior, 1e6);
    expect(pinned.coefficients[0]).toBeCloseTo(0.5, 3);
  });

  it('skips the trailing all-zero columns of a row and fits exactly as if it read them', () => {
    const rng = createRng(11);
    const J = 4;
    const rows = 3000;
    const features = new Float64Array(rows * 3 * J);
    const labels = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      // Like earliness columns: the last two are non-zero only in a quarter of the rows.
      const early = i % 4 === 0 ? rng.next() : 0;
      for (let k = 0; k < 3; k++) {
        const off = (i * 3 + k) * J;
        features[off] = Math.log(0.1 + rng.next());
        features[off + 1] = Math.log(0.1 + rng.next());
        features[off + 2] = early * features[off];
        features[off + 3] = k === 1 ? early : 0;
      }
      labels[i] = Math.floor(rng.next() * 3);
    }
    const widths = Uint16Array.from({ length: rows }, (_, i) => rowWidth(features, i * 3 * J, J));
    expect(widths[0]).toBe(4);
    expect(widths[1]).toBe(2);
    const prior = { featureCount: J, coefficients: [0.5, 0.5, 0, 0], bias: [0, 0, 0] as const };
    const start = { ...prior, bias: [...prior.bias] as [number, number, number] };
    const full = fitConditionalLogit({ features, labels, rows }, start, 0.001);
    const skipping = fitConditionalLogit({ features, labels, rows, widths }, start, 0.001);
    expect(skipping).toEqual(full);
  });

  it('reaches the penalised optimum from any start, with strongly correlated columns', () => {
    const rng = createRng(5);
    const J = 3;
    const rows = 4000;
    const features = new Float64Array(rows * 3 * J);
    const labels = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < 3; k++) {
        const off = (i * 3 + k) * J;
        const common = Math.log(0.1 + rng.next());
        // Three sources that nearly agree, as the stacks' model log-probabilities do.
        for (let j = 0; j < J; j++) features[off + j] = common + 0.05 * rng.normal();
      }
      labels[i] = Math.floor(rng.next() * 3);
    }
    const data = { features, labels, rows };
    const prior = {
      featureCount: J,
      coefficients: [1 / 3, 1 / 3, 1 / 3],
      bias: [0, 0, 0] as const,
    };
    const l2 = 0.001;
    // The objective from the probabilities alone (not the fit's own derivatives).
    const objective = (c: number[], b0: number, b1: number) => {
      const model = {
        featureCount: J,
        coefficients: c,
        bias: [b0, b1, 0] as [number, number, number],
      };
      let nll = 0;
      for (let i = 0; i < rows; i++) {
        nll -= Math.log(conditionalLogitProbabilities(model, features, i * 3 * J)[labels[i]]);
      }
      return nll / rows + l2 * c.reduce((s, v, j) => s + (v - prior.coefficients[j]) ** 2, 0);
    };
    const fits = [
      fitConditionalLogit(data, { ...prior, bias: [0, 0, 0] }, l2),
      fitConditionalLogit(data, { ...prior, bias: [0, 0, 0] }, l2, {
        featureCount: J,
        coefficients: [3, -2, 0.5],
        bias: [1, -1, 0],
      }),
    ];
    for (let j = 0; j < J; j++)
      expect(fits[1].coefficients[j]).toBeCloseTo(fits[0].coefficients[j], 6);
    const best = fits[0];
    const at = objective(best.coefficients, best.bias[0], best.bias[1]);
    const h = 1e-3;
    for (let j = 0; j < J + 2; j++) {
      for (const sign of [1, -1]) {
        const c = [...best.coefficients];
        let [b0, b1] = [best.bias[0], best.bias[1]];
        if (j < J) c[j] += sign * h;
        else if (j === J) b0 += sign * h;
        else b1 += sign * h;
        expect(objective(c, b0, b1)).toBeGreaterThan(at);
      }
    }
  });

  it('full multinomial logit learns class-specific weights', () => {
    const rng = createRng(5);
    const rows = 5000;
    const features = new Float64Array(rows);
    const labels = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      features[i] = rng.normal();
      // class 0 more likely for large x, class 2 for small x
      const z = [features[i], 0, -features[i]];
      const e = z.map(Math.exp);
      const s = e[0] + e[1] + e[2];
      const u = rng.next() * s;
      labels[i] = u < e[0] ? 0 : u < e[0] + e[1] ? 1 : 2;
    }
    const prior = { featureCount: 1, weights: [[0], [0], [0]], bias: [0, 0, 0] };
    const fitted = fitMultinomialLogit({ features, labels, rows }, prior, 0);
    // weights are identified up to a common shift: compare differences to the truth (1, 0, -1)
    expect(fitted.weights[0][0] - fitted.weights[1][0]).toBeCloseTo(1, 0);
    expect(fitted.weights[1][0] - fitted.weights[2][0]).toBeCloseTo(1, 0);
    const p = predictMultinomial(fitted, [2]);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 12);
    expect(p[0]).toBeGreaterThan(p[2]);
  });
});

describe('ensembleModel', () => {
  // Base "model": the simulated opening line, so the ensemble has a real signal to pool.
  const base: BacktestModel<null> = { ...marketLineModel('opening'), name: 'base' };
  const league = simulateLeague({
    seed: 21,
    seasons: 5,
    teams: 20,
    openingNoise: 0.25,
    closingNoise: 0.02,
  });
  const matches: MatchInput[] = league.matches;
  const predictFrom = matches[Math.floor(matches.length / 3)].kickoff;

  it('trains only on earlier walk-forward predictions, then uses the closing line', () => {
    const result = runBacktest(
      matches,
      [
        base,
        marketLineModel('closing'),
        ensembleModel({ name: 'stat', inputs: ['base'], l2: 0.001, minTrainingRows: 50 }),
        ensembleModel({
          name: 'with-closing',
          inputs: ['base'],
          market: 'closing',
          l2: 0.001,
          minTrainingRows: 50,
        }),
      ],
      { predictFrom, predictUntil: Infinity },
    );
    const fits = result.fits.filter((f) => f.model === 'with-closing');
    expect(fits[0].historyCount).toBe(0);
    expect(fits[fits.length - 1].historyCount).toBeGreaterThan(100);
    // closing prices are close to the truth in the simulator: the ensemble must learn to use them
    const c = compareModels(
      result,
      'with-closing',
      'stat',
      'logLoss',
      (m) => m.kickoff > predictFrom + 120 * 86_400_000,
    );
    expect(c.meanDifference).toBeLessThan(0);
    for (const m of result.matches) {
      const p = m.byModel['with-closing'].probabilities;
      expect(p.home + p.draw + p.away).toBeCloseTo(1, 12);
    }
  });

  it('falls back to the statistical-only logit when a fixture has no odds', () => {
    const spec = { inputs: ['base'], l2: 0.001, minTrainingRows: 50 };
    const withOdds = ensembleModel({ name: 'w', ...spec, market: 'closing' });
    const statOnly = ensembleModel({ name: 's', ...spec });
    const rows = runBacktest(matches, [base], { predictFrom, predictUntil: Infinity }).matches;
    const byId = new Map(matches.map((m) => [m.id, m]));
    const history = rows.map((r) => {
      const m = byId.get(r.matchId) as MatchInput;
      return {
        matchId: r.matchId,
        kickoff: r.kickoff,
        competition: r.competition,
        season: r.season,
        outcome: r.outcome,
        fixture: m as Fixture,
        predictions: { base: r.byModel.base },
      };
    });
    const last = matches[matches.length - 1];
    const noOdds: Fixture = { ...last, kickoff: last.kickoff + 86_400_000, odds: undefined };
    const context = { asOf: noOdds.kickoff, fixtures: [noOdds], history };
    const inputs = { base: { probabilities: { home: 0.5, draw: 0.3, away: 0.2 } } };
    const wParams = withOdds.fit([], context, undefined);
    const sParams = statOnly.fit([], context, undefined);
    expect(wParams.fallback).toBeDefined();
    expect(JSON.parse(JSON.stringify(wParams))).toEqual(wParams);
    const pw = withOdds.predict(wParams, noOdds, inputs)?.probabilities;
    const ps = statOnly.predict(sParams, noOdds, inputs)?.probabilities;
    expect(pw?.home).toBeCloseTo(ps?.home as number, 6);
    expect(pw?.draw).toBeCloseTo(ps?.draw as number, 6);
    // and with odds the market-aware logit is used instead
    const withPrices = withOdds.predict(wParams, last, inputs)?.probabilities;
    expect(Math.abs((withPrices?.home as number) - (pw?.home as number))).toBeGreaterThan(1e-4);
  });

  it('keeps a fit for refitDays, then refits; a missing fallback forces a refit', () => {
    const rows = runBacktest(matches, [base], { predictFrom, predictUntil: Infinity }).matches;
    const byId = new Map(matches.map((m) => [m.id, m]));
    const history = rows.map((r) => ({
      matchId: r.matchId,
      kickoff: r.kickoff,
      competition: r.competition,
      season: r.season,
      outcome: r.outcome,
      fixture: byId.get(r.matchId) as Fixture,
      predictions: { base: r.byModel.base },
    }));
    const model = ensembleModel({
      name: 'w',
      inputs: ['base'],
      l2: 0.001,
      minTrainingRows: 50,
      market: 'closing',
      refitDays: 28,
    });
    const day = 86_400_000;
    const last = matches[matches.length - 1];
    const priced: Fixture = { ...last, kickoff: last.kickoff + day };
    const at = (asOf: number, fixtures: Fixture[]) => ({ asOf, fixtures, history });
    const first = model.fit([], at(last.kickoff, [priced]), undefined);
    expect(first.fallback).toBeUndefined();
    // 3 weeks later: the same fit is kept
    expect(model.fit([], at(last.kickoff + 21 * day, [priced]), first)).toBe(first);
    // a fixture without odds needs the statistical fallback the kept fit lacks: refit
    const noOdds: Fixture = { ...priced, odds: undefined };
    const withFallback = model.fit([], at(last.kickoff + 21 * day, [noOdds]), first);
    expect(withFallback).not.toBe(first);
    expect(withFallback.fallback).toBeDefined();
    // 4 weeks after the fit: refit
    const later = model.fit([], at(last.kickoff + 28 * day, [priced]), first);
    expect(later).not.toBe(first);
    expect(later.asOf).toBe(last.kickoff + 28 * day);
  });

  it('with seasonProgress learns one mix for the first rounds and another later', () => {
    // 'early' knows the result's odds in each side's first rounds, 'late' from the tenth match
    // on; otherwise each reads another match's odds. One weight per source cannot use both;
    // weights that depend on earliness can.
    const odds = (m: MatchInput) => marketProbabilities(m, 'closing') as OutcomeProbabilities;
    const played = new Map<string, number>();
    const history = matches.map((m, i) => {
      const key = (team: string) => `${m.season}/${team}`;
      const n = Math.min(played.get(key(m.homeTeam)) ?? 0, played.get(key(m.awayTeam)) ?? 0);
      for (const team of [m.homeTeam, m.awayTeam])
        played.set(key(team), (played.get(key(team)) ?? 0) + 1);
      const other = odds(matches[(i * 7919) % matches.length]);
      return {
        matchId: m.id,
        kickoff: m.kickoff,
        competition: m.competition,
        season: m.season,
        outcome: outcomeOf(m.homeGoals as number, m.awayGoals as number),
        fixture: m as Fixture,
        predictions: {
          early: { probabilities: n < 3 ? odds(m) : other },
          late: { probabilities: n >= 10 ? odds(m) : other },
        },
      };
    });
    const last = matches[matches.length - 1];
    const context = { asOf: last.kickoff + 86_400_000, fixtures: [], history };
    const spec = { inputs: ['early', 'late'], l2: 0.001, minTrainingRows: 50 };
    const staged = ensembleModel({ name: 's', ...spec, seasonProgress: true });
    const plain = ensembleModel({ name: 'p', ...spec });
    const stagedParams = staged.fit(matches, context, undefined);
    const plainParams = plain.fit(matches, context, undefined);
    expect(stagedParams.schedule).toBeDefined();
    expect(JSON.parse(JSON.stringify(stagedParams))).toEqual(stagedParams);
    // How much more the home side is favoured when 'early' (rather than 'late') says home.
    const home = { probabilities: { home: 0.7, draw: 0.2, away: 0.1 } };
    const away = { probabilities: { home: 0.1, draw: 0.2, away: 0.7 } };
    const lean = (model: typeof staged, params: typeof stagedParams, fixture: Fixture) =>
      (model.predict(params, fixture, { early: home, late: away })?.probabilities.home ?? NaN) -
      (model.predict(params, fixture, { early: away, late: home })?.probabilities.home ?? NaN);
    // The last season's first and last rounds, as the fitted schedule counts them.
    const opener = matches.find((m) => m.season === last.season) as Fixture;
    expect(lean(staged, stagedParams, opener)).toBeGreaterThan(0.2); // follows 'early'
    expect(lean(staged, stagedParams, last)).toBeLessThan(-0.2); // follows 'late'
    expect(lean(plain, plainParams, opener)).toBe(lean(plain, plainParams, last));
    // Parameters and a spec that disagree on the features cannot price a fixture.
    expect(plain.predict(stagedParams, last, { early: home, late: away })).toBeUndefined();
    expect(staged.predict(plainParams, last, { early: home, late: away })).toBeUndefined();
  });

  it('with seasonProgress, a kept fit still counts the new fixtures', () => {
    const model = ensembleModel({
      name: 's',
      inputs: ['base'],
      l2: 0.001,
      minTrainingRows: 50,
      refitDays: 28,
      seasonProgress: true,
    });
    const rows = runBacktest(matches, [base], { predictFrom, predictUntil: Infinity }).matches;
    const byId = new Map(matches.map((m) => [m.id, m]));
    const history = rows.map((r) => ({
      matchId: r.matchId,
      kickoff: r.kickoff,
      competition: r.competition,
      season: r.season,
      outcome: r.outcome,
      fixture: byId.get(r.matchId) as Fixture,
      predictions: { base: r.byModel.base },
    }));
    const day = 86_400_000;
    const last = matches[matches.length - 1];
    const next = (d: number): Fixture => ({
      ...last,
      id: `next-${d}`,
      kickoff: last.kickoff + d * day,
    });
    const first = model.fit(
      matches,
      { asOf: last.kickoff + day, fixtures: [next(2)], history },
      undefined,
    );
    const kept = model.fit(
      matches,
      { asOf: last.kickoff + 8 * day, fixtures: [next(9)], history },
      first,
    );
    expect(kept.primary).toBe(first.primary);
    expect(kept.asOf).toBe(first.asOf);
    const kickoffs = kept.schedule?.[last.competition]?.[last.season]?.[last.homeTeam] ?? [];
    expect(kickoffs.slice(-1)).toEqual([next(9).kickoff]);
  });
});

describe('ensemble with closedDoors', () => {
  it('reads the closed-doors flag as a shift of the home and draw intercepts', () => {
    // One source that always says the same; behind closed doors the home side wins less often.
    const day = 86_400_000;
    const withCrowd = { home: 0.46, draw: 0.26, away: 0.28 };
    const closed = { home: 0.38, draw: 0.28, away: 0.34 };
    const fixtureAt = (i: number, kickoff: number): Fixture => ({
      id: `m${i}`,
      kickoff,
      homeTeam: `h${i % 18}`,
      awayTeam: `a${i % 17}`,
      competition: 'germany/bundesliga',
      season: '2020-2021',
      neutral: false,
    });
    // One match every 8 hours from March 2019 to November 2021: the Bundesliga played behind
    // closed doors from May 2020 to May 2021.
    const start = Date.parse('2019-03-01T15:30:00Z');
    const history = Array.from({ length: 3000 }, (_, i) => {
      const fixture = fixtureAt(i, start + i * (day / 3));
      const truth = playedBehindClosedDoors(fixture.competition, fixture.kickoff)
        ? closed
        : withCrowd;
      const u = (i * 0.6180339887) % 1; // evenly spread: each regime keeps its rates
      const outcome = u < truth.home ? 'home' : u < truth.home + truth.draw ? 'draw' : 'away';
      return {
        matchId: fixture.id,
        kickoff: fixture.kickoff,
        competition: fixture.competition,
        season: fixture.season,
        outcome: outcome as 'home' | 'draw' | 'away',
        fixture,
        predictions: { base: { probabilities: withCrowd } },
      };
    });
    const asOf = history[history.length - 1].kickoff + day;
    const context = { asOf, fixtures: [], history };
    const spec = { inputs: ['base'], l2: 0.001, minTrainingRows: 50 };
    const flagged = ensembleModel({ name: 'c', ...spec, closedDoors: true });
    const plain = ensembleModel({ name: 'p', ...spec });
    const flaggedParams = flagged.fit([], context, undefined);
    const plainParams = plain.fit([], context, undefined);
    expect(flaggedParams.closedDoors).toBe(true);
    expect(plainParams.closedDoors).toBeUndefined();
    const inputs = { base: { probabilities: withCrowd } };
    const home = (model: typeof plain, params: typeof plainParams, f: Fixture) =>
      model.predict(params, f, inputs)?.probabilities.home ?? NaN;
    const behindClosedDoors = fixtureAt(1, Date.parse('2021-04-10T13:30:00Z'));
    const crowded = fixtureAt(1, Date.parse('2022-04-09T13:30:00Z'));
    // The flagged stack learns each regime's home-win rate; the plain one a mix of the two.
    expect(home(flagged, flaggedParams, behindClosedDoors)).toBeCloseTo(closed.home, 1);
    expect(home(flagged, flaggedParams, crowded)).toBeCloseTo(withCrowd.home, 1);
    expect(
      home(flagged, flaggedParams, crowded) - home(flagged, flaggedParams, behindClosedDoors),
    ).toBeGreaterThan(0.04);
    expect(home(plain, plainParams, behindClosedDoors)).toBe(home(plain, plainParams, crowded));
    // Parameters and a spec that disagree on the features cannot price a fixture.
    expect(plain.predict(flaggedParams, crowded, inputs)).toBeUndefined();
    expect(flagged.predict(plainParams, crowded, inputs)).toBeUndefined();
  });
});
