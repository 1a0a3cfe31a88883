import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { fixtureOdds, MatchDataService } from '../src/matches/read/match-data.service';
import type { ModelVersionView } from '../src/training/model.dto';
import { HISTORY_FILES, sharedDataPath } from './fixtures/shared-data';
import { query } from './support/databases';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { train, waitForTraining } from './support/training';

/** The README's own ledger check ("Verifying the ledger yourself"), run as printed. */
const readmeVerifyLedger = (() => {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**Verifying the ledger yourself**'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md: no js block under "Verifying the ledger yourself"');
  // Evaluated on purpose: the README's snippet itself.
  return new Function('require', `${code}\nreturn verifyLedger;`)(require) as (
    ndjson: string,
  ) => Record<string, unknown>;
})();

/**
 * The whole model lifecycle on the real history: train each model type, promote, predict a
 * fixture, import its result, see the frozen prediction scored and the track record move; the
 * ledger verifies until someone tampers with it.
 */

const PREMIER_LEAGUE = 'england/premier-league';
const FIXTURE_HEADER =
  'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA,Avg>2.5,Avg<2.5';
const FIXTURE = 'E0,10/01/2027,15:00,Arsenal,Chelsea,,,,,,,2.10,3.40,3.60,1.80,2.05';
const RESULT = 'E0,10/01/2027,15:00,Arsenal,Chelsea,2,1,H,1,0,H,2.10,3.40,3.60,1.80,2.05';

describe('model lifecycle (e2e)', () => {
  let testApp: TestApp;
  let ingestion: IngestionService;
  const inject: Inject = (options) => testApp.asAdmin(options);
  const versions: Record<string, ModelVersionView> = {};
  let fixtureId: number;
  let firstServed: unknown;

  beforeAll(async () => {
    testApp = await startTestApp();
    ingestion = testApp.app.get(IngestionService);
    for (const file of HISTORY_FILES) {
      await ingestion.importContent(readFileSync(sharedDataPath('football', 'history', file)));
    }
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('gives the models the stored over/under 2.5 and BTTS prices per phase, as served', async () => {
    const data = testApp.app.get(MatchDataService);
    const matches = await data.trainingMatches({
      competitions: [PREMIER_LEAGUE],
      from: new Date('2023-08-01T00:00:00Z'),
      to: new Date('2023-09-01T00:00:00Z'),
    });
    expect(matches.length).toBeGreaterThan(10);
    for (const m of matches) {
      const odds = m.odds;
      expect(odds?.ou25?.opening?.over).toBeGreaterThan(1);
      expect(odds?.ou25?.closing?.under).toBeGreaterThan(1);
      expect(odds?.btts?.opening?.yes).toBeGreaterThan(1);
      expect(odds?.btts?.closing?.no).toBeGreaterThan(1);
      // The prediction path reads the same prices from the fixture's stored odds.
      const detail = await data.fixture(Number(m.id));
      expect(fixtureOdds(detail?.odds ?? [])).toEqual(odds);
    }
  });

  it('refuses bad training requests with the field and the reason', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ modelType: 'neural-net' }, 400, 'modelType'],
      [{ modelType: 'elo', competitions: ['mars/league'] }, 422, 'competitions'],
      [{ modelType: 'elo', searchSpace: { 'elo.kk': [1] } }, 400, 'searchSpace.elo.kk'],
      [{ modelType: 'elo', searchSpace: { 'elo.k': [1000] } }, 400, 'searchSpace.elo.k'],
      [{ modelType: 'elo', hyperparameters: { elo: { k: -1 } } }, 400, 'hyperparameters.elo.k'],
      [{ modelType: 'elo', from: '2020-01-01', to: '2019-01-01' }, 400, 'to'],
    ];
    for (const [payload, status, field] of cases) {
      const response = await inject({ method: 'POST', url: '/v1/training-runs', payload });
      expect({ payload, status: response.statusCode }).toEqual({ payload, status });
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('fails a run with too few results to learn from, and makes no version', async () => {
    // The opening weekend of 2023-24: 10 matches.
    const created = await inject({
      method: 'POST',
      url: '/v1/training-runs',
      payload: {
        modelType: 'elo',
        competitions: [PREMIER_LEAGUE],
        from: '2023-08-11',
        to: '2023-08-15',
      },
    });
    expect(created.statusCode).toBe(202);
    const run = await waitForTraining(inject, created.json().id);
    expect(run).toMatchObject({ status: 'failed', modelVersionId: null });
    expect(run.error).toMatch(
      /^only 10 finished matches in the data window; a model needs at least 20$/,
    );
    expect((await inject({ url: '/v1/models' })).json()).toEqual([]);
  });

  it('trains an Elo model: the first version of a scope becomes its champion', async () => {
    const run = await train(inject, { modelType: 'elo', competitions: [PREMIER_LEAGUE] });
    expect(run.progress).toBe(100);
    expect(run.log.map((l) => l.message).join('\n')).toMatch(/loaded \d+ finished matches/);
    const version = (
      await inject({ url: `/v1/models/${run.modelVersionId}` })
    ).json<ModelVersionView>();
    expect(version).toMatchObject({
      modelType: 'elo',
      scope: PREMIER_LEAGUE,
      aliases: ['champion'],
      competitions: [PREMIER_LEAGUE],
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      codeVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    const evaluation = version.evaluation as {
      matches: number;
      model: { outcomes: { rps: number } };
    };
    expect(evaluation.matches).toBeGreaterThan(100);
    expect(evaluation.model.outcomes.rps).toBeGreaterThan(0.15);
    expect(evaluation.model.outcomes.rps).toBeLessThan(0.23);
    const [{ count }] = await query<{ count: string }>(
      testApp.databaseUrl,
      `select count(*) from matches m join competitions c on c.id = m.competition_id
       where c.code = $1 and m.status = 'finished'`,
      [PREMIER_LEAGUE],
    );
    expect(version.matchesUsed).toBe(Number(count));
    versions.elo = version;
  });

  it('gives the same fingerprint and parameters for the same data and settings', async () => {
    const again = await train(inject, { modelType: 'elo', competitions: [PREMIER_LEAGUE] });
    const a = (await inject({ url: `/v1/models/${versions.elo.id}` })).json<ModelVersionView>();
    const b = (
      await inject({ url: `/v1/models/${again.modelVersionId}` })
    ).json<ModelVersionView>();
    expect(b.id).not.toBe(a.id);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.parameters).toEqual(a.parameters);
    expect(b.aliases).toEqual([]);
  });

  it('fits at the last result when the window ends later, even in the future', async () => {
    const later = await train(inject, {
      modelType: 'elo',
      competitions: [PREMIER_LEAGUE],
      to: '2099-01-01',
    });
    const a = (await inject({ url: `/v1/models/${versions.elo.id}` })).json<ModelVersionView>();
    const b = (
      await inject({ url: `/v1/models/${later.modelVersionId}` })
    ).json<ModelVersionView>();
    expect(b.asOf).toBe(a.asOf);
    expect(b.parameters).toEqual(a.parameters);
    expect(b.evaluation).toEqual(a.evaluation);
    // Held-out windows are ISO dates, like every other date of the API.
    expect(b.evaluation).toMatchObject({
      from: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      until: a.asOf,
      matches: expect.any(Number),
    });
  });

  it('allows one active run per scope and cancels a running one', async () => {
    const first = await inject({
      method: 'POST',
      url: '/v1/training-runs',
      payload: {
        modelType: 'ensemble',
        competitions: [PREMIER_LEAGUE],
        searchSpace: { 'ensemble.l2': [0, 0.01, 0.1] },
      },
    });
    expect(first.statusCode).toBe(202);
    const second = await inject({
      method: 'POST',
      url: '/v1/training-runs',
      payload: { modelType: 'elo', competitions: [PREMIER_LEAGUE] },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().detail).toContain(first.json().id);

    const cancelled = await inject({
      method: 'DELETE',
      url: `/v1/training-runs/${first.json().id}`,
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    // The scope is free again at once, and the cancelled run never produces a version.
    const third = await train(inject, {
      modelType: 'dixon-coles',
      competitions: [PREMIER_LEAGUE],
    });
    versions.dixonColes = (await inject({ url: `/v1/models/${third.modelVersionId}` })).json();
    const again = await inject({ method: 'DELETE', url: `/v1/training-runs/${first.json().id}` });
    expect(again.statusCode).toBe(409);
    const after = (await inject({ url: `/v1/training-runs/${first.json().id}` })).json();
    expect(after).toMatchObject({ status: 'cancelled', modelVersionId: null });
  });

  it('trains a global ensemble that reads the opening odds', async () => {
    const run = await train(inject, { modelType: 'ensemble' });
    const version = (
      await inject({ url: `/v1/models/${run.modelVersionId}` })
    ).json<ModelVersionView>();
    expect(version.scope).toBe('global');
    expect(version.competitions).toHaveLength(HISTORY_FILES.length);
    expect(version.aliases).toEqual(['champion']);
    // It also reads the goals-implied 1X2 of the opening over/under prices.
    expect(version.hyperparameters).toMatchObject({
      ensemble: { market: 'opening', goals: 'implied' },
    });
    const evaluation = version.evaluation as {
      model: { outcomes: { rps: number } };
      openingLine: { outcomes: { rps: number } };
    };
    // With the market among its inputs it must be close to the opening line it reads.
    expect(
      Math.abs(evaluation.model.outcomes.rps - evaluation.openingLine.outcomes.rps),
    ).toBeLessThan(0.003);
    versions.ensemble = version;
  });

  it('predicts a fixture with the scope champion and explains it', async () => {
    const report = await ingestion.importContent(`${FIXTURE_HEADER}\n${FIXTURE}\n`);
    expect(report.counts.matchesInserted).toBe(1);
    const [{ id }] = await query<{ id: number }>(
      testApp.databaseUrl,
      `select id from matches where kickoff = '2027-01-10T15:00:00Z'`,
    );
    fixtureId = id;
    const response = await inject({ url: `/v1/matches/${fixtureId}/prediction` });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'x-cache': 'miss',
      'x-model-variant': 'champion',
      'x-model-version': versions.elo.id,
    });
    const prediction = response.json();
    firstServed = prediction;
    const r = prediction.markets.matchResult;
    expect(r.home + r.draw + r.away).toBeCloseTo(1, 5);
    expect(prediction.markets.overUnder.map((o: { line: number }) => o.line)).toEqual([
      0.5, 1.5, 2.5, 3.5, 4.5, 5.5,
    ]);
    expect(prediction.markets.correctScore).toHaveLength(10);
    expect(prediction.markets.asianHandicap.length).toBeGreaterThan(10);
    expect(prediction.explanation.home).toMatchObject({
      name: 'Arsenal',
      rating: expect.any(Number),
      form: { last: expect.stringMatching(/^[WDL]{5}$/) },
    });
    expect(prediction.odds[0]).toMatchObject({
      market: '1x2',
      phase: 'opening',
      outcomes: { home: { price: 2.1 } },
    });
    const edge = prediction.odds[0].outcomes.home;
    expect(edge.edge).toBeCloseTo(edge.model * 2.1 - 1, 5);

    const cached = await inject({ url: `/v1/matches/${fixtureId}/prediction` });
    expect(cached.headers['x-cache']).toBe('hit');
    expect(cached.body).toBe(response.body);
    const bypass = await inject({
      url: `/v1/matches/${fixtureId}/prediction`,
      headers: { 'cache-control': 'no-cache' },
    });
    expect(bypass.headers['x-cache']).toBe('bypass');

    const explicit = await inject({
      url: `/v1/matches/${fixtureId}/prediction?model=${versions.dixonColes.id}`,
    });
    expect(explicit.headers['x-model-variant']).toBe('requested');
    expect(explicit.json().explanation.home.attack).toEqual(expect.any(Number));
  });

  it('freezes the first pre-kick-off prediction of each version in the ledger', async () => {
    const entries = await query<{ model_version_id: string; prediction: { markets: unknown } }>(
      testApp.databaseUrl,
      'select model_version_id, prediction from ledger_entries where match_id = $1 order by seq',
      [fixtureId],
    );
    expect(entries.map((e) => e.model_version_id)).toEqual([
      versions.elo.id,
      versions.dixonColes.id,
    ]);
    // Exactly what was served first, even though later requests recomputed it.
    expect(entries[0].prediction).toEqual(firstServed);
  });

  it('promotion changes the champion and invalidates cached predictions; rollback restores it', async () => {
    const promoted = await inject({
      method: 'POST',
      url: `/v1/models/${versions.dixonColes.id}/promote`,
      payload: {},
    });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json().aliases).toEqual(['champion']);
    const after = await inject({ url: `/v1/matches/${fixtureId}/prediction` });
    expect(after.headers).toMatchObject({
      'x-cache': 'miss',
      'x-model-version': versions.dixonColes.id,
    });

    const rolledBack = await inject({
      method: 'POST',
      url: `/v1/models/${versions.dixonColes.id}/rollback`,
    });
    expect(rolledBack.json()).toMatchObject({ id: versions.elo.id, aliases: ['champion'] });
    const back = await inject({ url: `/v1/matches/${fixtureId}/prediction` });
    expect(back.headers).toMatchObject({ 'x-cache': 'miss', 'x-model-version': versions.elo.id });

    const nothing = await inject({ method: 'POST', url: `/v1/models/${versions.elo.id}/rollback` });
    expect(nothing.statusCode).toBe(409);
    const history = (
      await inject({ url: `/v1/models/aliases/${encodeURIComponent(PREMIER_LEAGUE)}/history` })
    ).json();
    expect(history.map((e: { action: string }) => e.action)).toEqual([
      'rollback',
      'promote',
      'auto-promote',
    ]);
  });

  it('scores the frozen predictions when the result arrives and the track record moves', async () => {
    const before = (await inject({ url: `/v1/models/${versions.elo.id}/performance` })).json();
    expect(before).toMatchObject({ metrics: null, pending: 1 });

    await ingestion.importContent(`${FIXTURE_HEADER}\n${RESULT}\n`);
    let performance = before;
    for (let i = 0; i < 100 && performance.pending > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      performance = (await inject({ url: `/v1/models/${versions.elo.id}/performance` })).json();
    }
    expect(performance.pending).toBe(0);
    const [entry] = await query<{ result: { home: number; draw: number; away: number } }>(
      testApp.databaseUrl,
      `select prediction->'markets'->'matchResult' as result from ledger_entries where match_id = $1 and model_version_id = $2`,
      [fixtureId, versions.elo.id],
    );
    // Home win: RPS = ((p_home - 1)^2 + (p_home + p_draw - 1)^2) / 2.
    const expected =
      ((entry.result.home - 1) ** 2 + (entry.result.home + entry.result.draw - 1) ** 2) / 2;
    expect(performance.metrics).toMatchObject({ count: 1, accuracy: expect.any(Number) });
    expect(performance.metrics.rps).toBeCloseTo(expected, 10);
    expect(performance.market).toMatchObject({ count: 1 });
    expect(performance.drift).toMatchObject({ count: 1, rollingRps: performance.metrics.rps });

    const all = (
      await inject({ url: `/v1/performance?competition=${encodeURIComponent(PREMIER_LEAGUE)}` })
    ).json();
    expect(all.map((p: { modelVersionId: string }) => p.modelVersionId).sort()).toEqual(
      [versions.elo.id, versions.dixonColes.id].sort(),
    );
  });

  it('verifies the ledger, exports it, and names a tampered entry', async () => {
    const verified = (await inject({ url: '/v1/ledger/verify' })).json();
    expect(verified).toMatchObject({ valid: true, entries: 2 });
    const exported = await inject({ url: '/v1/ledger/export' });
    expect(exported.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = exported.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].score).toMatchObject({ homeGoals: 2, awayGoals: 1, outcome: 'home' });
    expect(lines[1].previousHash).toBe(lines[0].hash);

    // Anyone can check an export with the README's code alone: the chain, then every score.
    expect(readmeVerifyLedger(exported.body)).toEqual({
      valid: true,
      entries: 2,
      lastHash: verified.lastHash,
    });
    type Line = {
      seq: string;
      prediction: { markets: { matchResult: { home: number } } };
      score: { rps: number; awayGoals: number };
    };
    const altered = (seq: number, change: (entry: Line) => void) =>
      lines
        .map((line) => {
          const copy = structuredClone(line) as Line;
          if (Number(copy.seq) === seq) change(copy);
          return JSON.stringify(copy);
        })
        .join('\n');
    expect(
      readmeVerifyLedger(altered(2, (e) => (e.prediction.markets.matchResult.home += 0.01))),
    ).toEqual({ valid: false, seq: '2', reason: 'the hash chain is broken here' });
    expect(readmeVerifyLedger(altered(1, (e) => (e.score.rps -= 0.01)))).toEqual({
      valid: false,
      seq: '1',
      reason: "its rps is not the prediction's",
    });
    expect(readmeVerifyLedger(altered(1, (e) => (e.score.awayGoals = 3)))).toMatchObject({
      valid: false,
      seq: '1',
    });
    expect(
      readmeVerifyLedger(
        lines
          .slice(1)
          .map((l) => JSON.stringify(l))
          .join('\n'),
      ),
    ).toEqual({ valid: false, seq: lines[1].seq, reason: 'the hash chain is broken here' });

    // The database itself refuses edits...
    await expect(
      query(testApp.databaseUrl, `update ledger_entries set competition = 'x' where seq = 2`),
    ).rejects.toThrow(/append-only/);
    // ...and someone who disables that guard is still caught by the chain.
    await query(
      testApp.databaseUrl,
      `begin;
       alter table ledger_entries disable trigger ledger_entries_no_update_or_delete;
       update ledger_entries set prediction = jsonb_set(prediction, '{markets,matchResult,home}', '0.99') where seq = 2;
       alter table ledger_entries enable trigger ledger_entries_no_update_or_delete;
       commit;`,
    );
    const tampered = (await inject({ url: '/v1/ledger/verify' })).json();
    expect(tampered).toMatchObject({ valid: false, entries: 1, broken: { seq: '2' } });
  });

  // Last: a prediction served before kick-off would add a ledger entry the tests above count.
  it("shows what the ensemble pooled, the over/under price's goals-implied 1X2 included", async () => {
    const pooled = await inject({
      url: `/v1/matches/${fixtureId}/prediction?model=${versions.ensemble.id}`,
    });
    const components = pooled.json<{
      explanation: { components: Record<string, { home: number; draw: number; away: number }> };
    }>().explanation.components;
    expect(Object.keys(components)).toEqual(
      expect.arrayContaining(['elo', 'dixonColes', 'openingLine', 'openingGoalsImplied']),
    );
    const implied = components.openingGoalsImplied;
    expect(implied.home + implied.draw + implied.away).toBeCloseTo(1, 5);
    expect(implied).not.toEqual(components.openingLine);
  });

  it('trains the statistical ensemble with the time-scale variants bench:models runs', async () => {
    const invalid = await inject({
      method: 'POST',
      url: '/v1/training-runs',
      payload: {
        modelType: 'ensemble',
        competitions: [PREMIER_LEAGUE],
        hyperparameters: { ensemble: { market: 'none', timescales: 'weekly' } },
      },
    });
    expect(invalid.statusCode).toBe(400);
    const run = await train(inject, {
      modelType: 'ensemble',
      competitions: [PREMIER_LEAGUE],
      hyperparameters: { ensemble: { market: 'none' } },
    });
    const version = (
      await inject({ url: `/v1/models/${run.modelVersionId}` })
    ).json<ModelVersionView>();
    expect(version.hyperparameters).toMatchObject({
      ensemble: { market: 'none', timescales: 'multi' },
    });
    const parameters = version.parameters as {
      ensemble: { inputs: string[] };
      timescales: { elo: Record<string, unknown>; poissonFilter: Record<string, unknown> };
    };
    expect(parameters.ensemble.inputs).toEqual([
      'elo',
      'dixon-coles',
      'poisson-filter',
      'pi-rating',
      'elo-slow',
      'elo-fast',
      'poisson-filter-fast',
      'poisson-filter-faster',
    ]);
    expect(Object.keys(parameters.timescales.poissonFilter)).toEqual([
      'poisson-filter-fast',
      'poisson-filter-faster',
    ]);
    const served = await inject({
      url: `/v1/matches/${fixtureId}/prediction?model=${version.id}`,
    });
    expect(served.statusCode).toBe(200);
    expect(served.headers['x-model-version']).toBe(version.id);
    const r = served.json().markets.matchResult;
    expect(r.home + r.draw + r.away).toBeCloseTo(1, 5);
  });
});
