import { DomainEvents, type DomainEventMap } from '../src/common/events/domain-events';
import { Client } from 'pg';
import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { AliasEventView, ModelVersionView } from '../src/training/model.dto';
import type { TrainingRunView } from '../src/training/training.dto';
import { TrainingScheduleService } from '../src/training/training-schedule.service';
import { TrainingService } from '../src/training/training.service';
import { query } from './support/databases';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { train, waitForTraining } from './support/training';

const COMPETITION = 'generated/premier-division';

/**
 * Training runs and the registry at their edges, on the quick generated league: requests a
 * demanding admin sends, races between two calls, and runs that end in unusual ways.
 */
describe('training runs and the model registry at the edges (e2e)', () => {
  let testApp: TestApp;
  const inject: Inject = (options) => testApp.asAdmin(options);
  const post = (payload: Record<string, unknown>) =>
    inject({ method: 'POST', url: '/v1/training-runs', payload });

  beforeAll(async () => {
    testApp = await startTestApp();
    await testApp.app.get(IngestionService).importParsed(generatedLeague(new Date()));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('refuses hyperparameter groups that are not objects, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [[], 'hyperparameters'],
      [{ elo: [{}] }, 'hyperparameters.elo'],
      [{ dixonColes: [{ xi: 0.001 }] }, 'hyperparameters.dixonColes'],
      [{ ensemble: 'fast' }, 'hyperparameters.ensemble'],
    ];
    for (const [hyperparameters, field] of cases) {
      const response = await post({
        modelType: 'elo',
        competitions: [COMPETITION],
        hyperparameters,
      });
      expect({ hyperparameters, status: response.statusCode }).toEqual({
        hyperparameters,
        status: 400,
      });
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await inject({ url: '/v1/training-runs' })).json()).toEqual([]);
  });

  it('refuses rho bounds the Dixon-Coles fit would refuse, instead of failing the run', async () => {
    const cases: Array<[string, object, string]> = [
      ['dixon-coles', { rhoMin: -1 }, 'hyperparameters.dixonColes.rhoMin'],
      ['ensemble', { rhoMax: 1 }, 'hyperparameters.dixonColes.rhoMax'],
      ['dixon-coles', { rhoMin: 0, rhoMax: 0 }, 'hyperparameters.dixonColes.rhoMax'],
    ];
    for (const [modelType, dixonColes, field] of cases) {
      const response = await post({
        modelType,
        competitions: [COMPETITION],
        hyperparameters: { dixonColes },
      });
      expect({ dixonColes, status: response.statusCode }).toEqual({ dixonColes, status: 400 });
      expect(response.json().errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
    expect((await inject({ url: '/v1/training-runs' })).json()).toEqual([]);
  });

  it('refuses a search over settings the model type does not read', async () => {
    const cases: Array<[string, Record<string, number[]>, string]> = [
      ['elo', { 'dixonColes.xi': [0.001, 0.002] }, 'searchSpace.dixonColes.xi'],
      ['dixon-coles', { 'elo.k': [10, 20] }, 'searchSpace.elo.k'],
      ['elo', { 'elo.k': [10, 20], 'ensemble.l2': [0, 0.1] }, 'searchSpace.ensemble.l2'],
    ];
    for (const [modelType, searchSpace, field] of cases) {
      const response = await post({ modelType, competitions: [COMPETITION], searchSpace });
      expect({ searchSpace, status: response.statusCode }).toEqual({ searchSpace, status: 400 });
      expect(response.json().errors).toEqual([
        { field, reason: `not used by ${modelType} models` },
      ]);
    }
    expect((await inject({ url: '/v1/training-runs' })).json()).toEqual([]);
  });

  it('refuses hyperparameters of a group the model type does not read, as in a search', async () => {
    const cases: Array<[string, object, string]> = [
      ['elo', { dixonColes: { xi: 0.01 } }, 'hyperparameters.dixonColes'],
      ['dixon-coles', { elo: { k: 30 } }, 'hyperparameters.elo'],
      ['elo', { elo: { k: 20 }, ensemble: { l2: 0.1 } }, 'hyperparameters.ensemble'],
    ];
    for (const [modelType, hyperparameters, field] of cases) {
      const response = await post({ modelType, competitions: [COMPETITION], hyperparameters });
      expect({ hyperparameters, status: response.statusCode }).toEqual({
        hyperparameters,
        status: 400,
      });
      expect(response.json().errors).toEqual([
        { field, reason: `not used by ${modelType} models` },
      ]);
    }
    expect((await inject({ url: '/v1/training-runs' })).json()).toEqual([]);
  });

  it('refuses fractional days in a search, as it does in the hyperparameters', async () => {
    const response = await post({
      modelType: 'dixon-coles',
      competitions: [COMPETITION],
      searchSpace: { 'dixonColes.windowDays': [730, 1000.5] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      {
        field: 'searchSpace.dixonColes.windowDays',
        reason: 'values must be integers in [60, 5000]',
      },
    ]);
    expect((await inject({ url: '/v1/training-runs' })).json()).toEqual([]);
  });

  it('trains a competition listed twice in its own scope, not the global one', async () => {
    const run = await train(inject, { modelType: 'elo', competitions: [COMPETITION, COMPETITION] });
    expect(run).toMatchObject({ scope: COMPETITION, competitions: [COMPETITION] });
    const aliases = (await inject({ url: '/v1/models/aliases' })).json();
    expect(aliases).toEqual([
      { scope: COMPETITION, champion: run.modelVersionId, challenger: null },
    ]);
  });

  it('answers the alias history of "global" and of a competition by code or id, 404 for a scope that is neither (a "%" in it included)', async () => {
    // A misspelt scope is not an empty history (which reads as "never promoted"), as a misspelt
    // ?scope= on GET /v1/models is a 400, not an empty page; in the path it names the resource.
    for (const scope of ['100%', 'nowhere/nothing']) {
      const response = await inject({
        url: `/v1/models/aliases/${encodeURIComponent(scope)}/history`,
      });
      expect({ scope, status: response.statusCode }).toEqual({ scope, status: 404 });
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      expect(response.json().detail).toContain(JSON.stringify(scope));
    }
    const global = await inject({ url: '/v1/models/aliases/global/history' });
    expect(global.statusCode).toBe(200);
    expect(global.json()).toEqual([]);
    expect(global.headers['x-total-count']).toBe('0');
    const [{ id }] = await query<{ id: number }>(
      testApp.databaseUrl,
      'select id from competitions where code = $1',
      [COMPETITION],
    );
    for (const scope of [COMPETITION, String(id)]) {
      const own = await inject({ url: `/v1/models/aliases/${encodeURIComponent(scope)}/history` });
      expect(own.statusCode).toBe(200);
      expect(own.json()).toEqual([
        expect.objectContaining({ scope: COMPETITION, alias: 'champion' }),
      ]);
    }
  });

  it('refuses an empty or unknown scope filter on the model list instead of a wrong page', async () => {
    for (const scope of ['', 'nowhere/nothing']) {
      const refused = await inject({ url: `/v1/models?scope=${encodeURIComponent(scope)}` });
      expect({ scope, status: refused.statusCode }).toEqual({ scope, status: 400 });
      expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual(['scope']);
    }
    const [{ id }] = await query<{ id: number }>(
      testApp.databaseUrl,
      'select id from competitions where code = $1',
      [COMPETITION],
    );
    for (const scope of [COMPETITION, String(id)]) {
      const listed = await inject({ url: `/v1/models?scope=${encodeURIComponent(scope)}` });
      expect(listed.statusCode).toBe(200);
      const versions = listed.json<ModelVersionView[]>();
      expect(versions.length).toBeGreaterThan(0);
      expect(versions.every((v) => v.scope === COMPETITION)).toBe(true);
    }
    const global = await inject({ url: '/v1/models?scope=global' });
    expect(global.statusCode).toBe(200);
  });

  it('serialises two promotions in one scope: no 500, and the history chains', async () => {
    const a = await train(inject, { modelType: 'dixon-coles', competitions: [COMPETITION] });
    const b = await train(inject, {
      modelType: 'elo',
      competitions: [COMPETITION],
      hyperparameters: { elo: { k: 30 } },
    });
    const promote = (id: string | null) =>
      inject({ method: 'POST', url: `/v1/models/${id}/promote`, payload: { alias: 'challenger' } });
    const answers = await Promise.all([promote(a.modelVersionId), promote(b.modelVersionId)]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200]);
    const history = (
      await inject({ url: `/v1/models/aliases/${encodeURIComponent(COMPETITION)}/history` })
    ).json<Array<{ alias: string; versionId: string; previousVersionId: string | null }>>();
    const [second, first] = history.filter((e) => e.alias === 'challenger');
    // Whichever went first, the second replaced it.
    expect(first.previousVersionId).toBeNull();
    expect(second.previousVersionId).toBe(first.versionId);
    const challenger = (await inject({ url: '/v1/models/aliases' })).json()[0].challenger;
    expect(challenger).toBe(second.versionId);
  });

  it('pages the alias history newest first, with X-Total-Count and Link', async () => {
    const historyUrl = (search = '') =>
      `/v1/models/aliases/${encodeURIComponent(COMPETITION)}/history${search}`;
    // The scope has a champion, a challenger and a version with no alias: four more challenger
    // changes (each hands the alias to the version without one) make an uneven last page of 2.
    const reasons = ['paging 1', 'paging 2', 'paging 3', 'paging 4'];
    for (const reason of reasons) {
      const versions = (
        await inject({ url: `/v1/models?scope=${encodeURIComponent(COMPETITION)}` })
      ).json<ModelVersionView[]>();
      const free = versions.find((v) => v.aliases.length === 0);
      expect(free).toBeDefined();
      const promoted = await inject({
        method: 'POST',
        url: `/v1/models/${free!.id}/promote`,
        payload: { alias: 'challenger', reason },
      });
      expect(promoted.statusCode).toBe(200);
    }
    const expected = (
      await query<{ id: number }>(
        testApp.databaseUrl,
        'select id from model_alias_events where scope = $1 order by id desc',
        [COMPETITION],
      )
    ).map((r) => Number(r.id));
    const total = expected.length;
    expect(total).toBeGreaterThanOrEqual(reasons.length + 3);
    expect(total % 2).toBe(1);
    const lastPage = Math.ceil(total / 2);
    const linksOf = (header: unknown) =>
      Object.fromEntries(
        [...String(header).matchAll(/<([^>]+)>; rel="(\w+)"/g)].map(([, target, rel]) => {
          const url = new URL(target, 'http://localhost');
          expect(url.pathname).toBe(
            `/v1/models/aliases/${encodeURIComponent(COMPETITION)}/history`,
          );
          expect(url.searchParams.get('pageSize')).toBe('2');
          return [rel, Number(url.searchParams.get('page'))];
        }),
      );
    const seen: AliasEventView[] = [];
    for (let page = 1; page <= lastPage; page++) {
      const response = await inject({ url: historyUrl(`?page=${page}&pageSize=2`) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-total-count']).toBe(String(total));
      const events = response.json<AliasEventView[]>();
      expect(events.map((e) => e.id)).toEqual(expected.slice((page - 1) * 2, page * 2));
      expect(events.every((e) => e.scope === COMPETITION)).toBe(true);
      seen.push(...events);
      expect(linksOf(response.headers.link)).toEqual({
        first: 1,
        ...(page > 1 ? { prev: page - 1 } : {}),
        ...(page < lastPage ? { next: page + 1 } : {}),
        last: lastPage,
      });
    }
    expect(seen.map((e) => e.id)).toEqual(expected);
    // Newest first: the last promotion heads page 1, and the scope's first champion ends the last.
    expect(seen.slice(0, reasons.length).map((e) => e.reason)).toEqual([...reasons].reverse());
    expect(seen.at(-1)).toMatchObject({ alias: 'champion', previousVersionId: null });
    const past = await inject({ url: historyUrl(`?page=${lastPage + 1}&pageSize=2`) });
    expect(past.statusCode).toBe(200);
    expect(past.json()).toEqual([]);
    expect(past.headers['x-total-count']).toBe(String(total));
    // Without paging parameters: the first page of the default size, all of them here.
    const whole = await inject({ url: historyUrl() });
    expect(whole.json<AliasEventView[]>().map((e) => e.id)).toEqual(expected);
    expect(whole.headers['x-total-count']).toBe(String(total));

    const refusals: Array<[string, string]> = [
      ['?page=0', 'page'],
      ['?page=-1', 'page'],
      ['?page=1.5', 'page'],
      ['?page=x', 'page'],
      ['?pageSize=0', 'pageSize'],
      ['?pageSize=201', 'pageSize'],
      ['?pageSize=1e1', 'pageSize'],
      ['?limit=2', 'limit'],
      ['?scope=global', 'scope'],
    ];
    for (const [search, field] of refusals) {
      const refused = await inject({ url: historyUrl(search) });
      expect({ search, status: refused.statusCode }).toEqual({ search, status: 400 });
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
      expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
  });

  it('records in the audit log which alias a promotion gave, and why', async () => {
    // Run alone, the first version of the scope is its champion: the second takes no alias.
    await train(inject, { modelType: 'elo', competitions: [COMPETITION] });
    const version = await train(inject, {
      modelType: 'elo',
      competitions: [COMPETITION],
      hyperparameters: { elo: { k: 20 } },
    });
    const promoted = await inject({
      method: 'POST',
      url: `/v1/models/${version.modelVersionId}/promote`,
      payload: { alias: 'challenger', reason: 'try a faster Elo' },
    });
    expect(promoted.statusCode).toBe(200);
    const entries = (
      await inject({
        url: `/v1/audit?action=${encodeURIComponent('POST /v1/models/:id/promote')}&pageSize=200`,
      })
    ).json<Array<{ target: Record<string, unknown>; details: Record<string, unknown> }>>();
    expect(entries).toContainEqual(
      expect.objectContaining({
        target: { id: version.modelVersionId },
        details: { status: 200, body: { alias: 'challenger', reason: 'try a faster Elo' } },
      }),
    );
  });

  it('refuses to cancel a run whose version is already saved, and says so', async () => {
    // Steps in at the promotion of the run's version: saved, aliases changed, not yet succeeded.
    const events = testApp.app.get(DomainEvents);
    const cancels: Array<{ status: number; body: { status?: string; detail?: string } }> = [];
    let armed = true;
    events.on('model.promoted', async ({ versionId, alias }) => {
      if (!armed || alias !== 'challenger' || !versionId) return;
      armed = false;
      const version = (await inject({ url: `/v1/models/${versionId}` })).json<ModelVersionView>();
      const cancel = await inject({
        method: 'DELETE',
        url: `/v1/training-runs/${version.trainingRunId}`,
      });
      cancels.push({ status: cancel.statusCode, body: cancel.json() });
    });
    // A scheduled retrain's version becomes the challenger as it finishes.
    const retrain = await testApp.app
      .get(TrainingService)
      .create({ modelType: 'elo', competitions: [COMPETITION] }, null, 'schedule');
    const run = await waitForTraining(inject, retrain.id);
    expect(cancels).toEqual([
      {
        status: 409,
        body: expect.objectContaining({
          detail: expect.stringContaining('can no longer be cancelled'),
        }),
      },
    ]);
    // What the DELETE said is what happened: the run succeeded and its version is the challenger.
    expect(run).toMatchObject({ status: 'succeeded', modelVersionId: expect.any(String) });
    expect(run.log.map((l) => l.message).join('\n')).not.toMatch(/cancelled/);
  });

  it("retrains a champion with its run's search, not the defaults", async () => {
    const searched = await train(inject, {
      modelType: 'elo',
      competitions: [COMPETITION],
      searchSpace: { 'elo.k': [8, 40] },
      evaluationWeeks: 6,
    });
    const champion = async () =>
      (await inject({ url: '/v1/models/aliases' })).json<Array<{ champion: string }>>()[0].champion;
    // (The scope's first version is its champion already.)
    if ((await champion()) !== searched.modelVersionId) {
      await inject({
        method: 'POST',
        url: `/v1/models/${searched.modelVersionId}/promote`,
        payload: {},
      });
    }
    expect(await champion()).toBe(searched.modelVersionId);
    // The path drift and the schedule take.
    const [id] = await testApp.app
      .get(TrainingScheduleService)
      .retrainChampions('drift', COMPETITION);
    const retrain = await waitForTraining(inject, id);
    expect(retrain).toMatchObject({
      status: 'succeeded',
      searchSpace: { 'elo.k': [8, 40] },
      evaluationWeeks: 6,
    });
    const version = (
      await inject({ url: `/v1/models/${retrain.modelVersionId}` })
    ).json<ModelVersionView>();
    expect(version.search).toMatchObject({ chosen: { 'elo.k': expect.any(Number) } });
  });

  it('announces a cancelled run as finished, once', async () => {
    const finished: Array<DomainEventMap['training.finished']> = [];
    testApp.app.get(DomainEvents).on('training.finished', (event) => void finished.push(event));
    const created = await post({
      modelType: 'ensemble',
      competitions: [COMPETITION],
      searchSpace: { 'ensemble.l2': [0, 0.01, 0.1] },
    });
    expect(created.statusCode).toBe(202);
    const { id } = created.json<TrainingRunView>();
    const cancelled = await inject({ method: 'DELETE', url: `/v1/training-runs/${id}` });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
    await waitForTraining(inject, id);
    // Longer than a running run takes to notice (CANCEL_POLL_MS).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(finished).toEqual([{ trainingRunId: id, status: 'cancelled', modelVersionId: null }]);
  });

  it('starts a retried run from 0 %, not where the failed attempt stopped', async () => {
    // The first attempt trains, then cannot save its version; the retry (after 5 s) can.
    await query(testApp.databaseUrl, 'alter table model_versions rename to model_versions_away');
    const created = await post({ modelType: 'elo', competitions: [COMPETITION] });
    const { id } = created.json<TrainingRunView>();
    let run = created.json<TrainingRunView>();
    try {
      for (let i = 0; i < 300 && !(run.attempts === 1 && run.error); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        run = (await inject({ url: `/v1/training-runs/${id}` })).json<TrainingRunView>();
      }
    } finally {
      await query(testApp.databaseUrl, 'alter table model_versions_away rename to model_versions');
    }
    expect(run).toMatchObject({ status: 'queued', attempts: 1, progress: 0 });
    expect(run.log.at(-1)?.message).toMatch(/^attempt 1 failed \(.*\); retrying$/);
    const retried = await waitForTraining(inject, id);
    expect(retried).toMatchObject({ status: 'succeeded', attempts: 2, error: null, progress: 100 });
  });

  it('keeps a cancel that lands between a retry reading the run and starting it', async () => {
    // A first attempt that fails (it cannot save its version) leaves the run queued for 5 s.
    await query(testApp.databaseUrl, 'alter table model_versions rename to model_versions_away');
    const { id } = (await post({ modelType: 'elo', competitions: [COMPETITION] })).json();
    let run: TrainingRunView | undefined;
    try {
      for (let i = 0; i < 300 && !run?.error; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        run = (await inject({ url: `/v1/training-runs/${id}` })).json<TrainingRunView>();
      }
    } finally {
      await query(testApp.databaseUrl, 'alter table model_versions_away rename to model_versions');
    }
    expect(run).toMatchObject({ status: 'queued', attempts: 1 });
    // The cancel's own statement, committed only once the retry has read the run (still queued)
    // and waits on the row to start it.
    const canceller = new Client({ connectionString: testApp.databaseUrl });
    await canceller.connect();
    try {
      await canceller.query('begin');
      await canceller.query(
        `update training_runs set status = 'cancelled', finished_at = now(),
           log = log || '[{"at": "2026-01-01T00:00:00Z", "message": "cancelled"}]'::jsonb
         where id = $1 and status in ('queued', 'running') and model_version_id is null`,
        [id],
      );
      let waiting = 0;
      for (let i = 0; i < 200 && waiting === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const [row] = await query<{ count: string }>(
          testApp.databaseUrl,
          `select count(*) from pg_stat_activity
           where datname = current_database() and wait_event_type = 'Lock'
             and query ilike 'update%training_runs%'`,
        );
        waiting = Number(row.count);
      }
      expect(waiting).toBe(1);
      await canceller.query('commit');
    } finally {
      await canceller.end();
    }
    // Time for a wrongly started attempt to show itself.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await waitForTraining(inject, id);
    expect(after).toMatchObject({ status: 'cancelled', attempts: 1, modelVersionId: null });
    expect(after.log.at(-1)?.message).toBe('cancelled');
  });
});
