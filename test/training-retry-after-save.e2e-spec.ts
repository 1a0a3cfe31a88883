import { DomainEvents, type DomainEventMap } from '../src/common/events/domain-events';
import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { TrainingRunView } from '../src/training/training.dto';
import { TrainingService } from '../src/training/training.service';
import { query } from './support/databases';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { waitForTraining } from './support/training';

const COMPETITION = 'generated/premier-division';

/**
 * A run whose model version is saved and whose next step then fails is retried: the retry must
 * finish the run with the version already saved, not train and save a second one. The faults are
 * real: a trigger makes PostgreSQL refuse one statement once (a sequence, which a rollback does
 * not undo, counts the calls).
 */
describe('a training run retried after its model version was saved (e2e)', () => {
  let testApp: TestApp;
  const inject: Inject = (options) => testApp.asAdmin(options);
  const finished: Array<DomainEventMap['training.finished']> = [];

  beforeAll(async () => {
    testApp = await startTestApp();
    await testApp.app.get(IngestionService).importParsed(generatedLeague(new Date()));
    testApp.app.get(DomainEvents).on('training.finished', (event) => void finished.push(event));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  /** Makes `table` refuse its first `event` (for rows matching `when`) with an error, once. */
  async function failOnce(name: string, table: string, event: string, when = 'true') {
    await query(
      testApp.databaseUrl,
      `create sequence ${name}_calls;
       create function ${name}() returns trigger language plpgsql as $$
       begin
         if nextval('${name}_calls') = 1 then raise exception 'injected fault: ${name}'; end if;
         return new;
       end $$;
       create trigger ${name} before ${event} on ${table} for each row when (${when})
         execute function ${name}();`,
    );
    return async () => {
      await query(
        testApp.databaseUrl,
        `drop trigger ${name} on ${table}; drop function ${name}(); drop sequence ${name}_calls;`,
      );
    };
  }

  const versionsOf = async (runId: string) =>
    (
      await query<{ id: string }>(
        testApp.databaseUrl,
        'select id from model_versions where training_run_id = $1',
        [runId],
      )
    ).map((row) => row.id);

  /** Polls the run until its first attempt has failed (it is then queued for its retry). */
  async function firstAttemptFailed(id: string): Promise<TrainingRunView> {
    let run: TrainingRunView | undefined;
    for (let i = 0; i < 1200 && !(run?.attempts === 1 && run.error); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = (await inject({ url: `/v1/training-runs/${id}` })).json<TrainingRunView>();
    }
    return run!;
  }

  /** What every run finished by its retry shows: one version, succeeded, and a log saying so. */
  async function expectFinishedByRetry(id: string, fault: string): Promise<string> {
    const run = await waitForTraining(inject, id);
    const versions = await versionsOf(id);
    expect(versions).toHaveLength(1);
    expect(run).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      progress: 100,
      error: null,
      modelVersionId: versions[0],
    });
    const log = run.log.map((line) => line.message);
    const retried = log.indexOf('attempt 2 started');
    expect(log[retried - 1]).toMatch(new RegExp(`^attempt 1 failed \\(.*${fault}.*\\); retrying$`));
    // Trained (and its data loaded) once, by the first attempt.
    expect(log.filter((m) => /^loaded \d+ finished matches/.test(m))).toHaveLength(1);
    expect(log.slice(retried + 1)).toEqual([
      `model version ${versions[0]} was saved by an earlier attempt: finishing the run without training again`,
      expect.stringMatching(new RegExp(`^model version ${versions[0]}: \\d+ held-out matches`)),
    ]);
    expect(finished.filter((event) => event.trainingRunId === id)).toEqual([
      { trainingRunId: id, status: 'succeeded', modelVersionId: versions[0] },
    ]);
    return versions[0];
  }

  it('finishes a run whose auto-promotion failed once with the version it saved', async () => {
    // The scope's first version becomes its champion: that alias change fails, once.
    const restore = await failOnce('fail_alias_event', 'model_alias_events', 'insert');
    let id: string;
    try {
      const created = await inject({
        method: 'POST',
        url: '/v1/training-runs',
        payload: { modelType: 'elo', competitions: [COMPETITION] },
      });
      expect(created.statusCode).toBe(202);
      id = created.json<TrainingRunView>().id;
      const waiting = await firstAttemptFailed(id);
      expect(waiting).toMatchObject({ status: 'queued', attempts: 1, progress: 0 });
      expect(waiting.error).toMatch(/injected fault: fail_alias_event/);
      // Saved, not yet finished: the run is no longer cancellable while it waits for its retry.
      const [saved] = await versionsOf(id);
      expect(waiting.modelVersionId).toBe(saved);
      const cancel = await inject({ method: 'DELETE', url: `/v1/training-runs/${id}` });
      expect(cancel.statusCode).toBe(409);
      expect(cancel.json().detail).toMatch(/has saved model version .* can no longer be cancelled/);
    } finally {
      await restore();
    }
    const version = await expectFinishedByRetry(id, 'injected fault: fail_alias_event');
    // The retry made the promotion the first attempt could not, once.
    const aliases = (await inject({ url: '/v1/models/aliases' })).json();
    expect(aliases).toEqual([{ scope: COMPETITION, champion: version, challenger: null }]);
    const history = (
      await inject({ url: `/v1/models/aliases/${encodeURIComponent(COMPETITION)}/history` })
    ).json<Array<{ alias: string; versionId: string; action: string }>>();
    expect(history).toEqual([
      expect.objectContaining({ alias: 'champion', versionId: version, action: 'auto-promote' }),
    ]);
  });

  it('finishes a scheduled retrain whose final update failed once, promoting it once', async () => {
    // The champion of the first test is in place: a scheduled retrain becomes the challenger,
    // then the statement marking the run succeeded fails, once.
    const restore = await failOnce(
      'fail_succeeded',
      'training_runs',
      'update',
      "new.status = 'succeeded'",
    );
    let id: string;
    try {
      const retrain = await testApp.app
        .get(TrainingService)
        .create({ modelType: 'elo', competitions: [COMPETITION] }, null, 'schedule');
      id = retrain.id;
      const waiting = await firstAttemptFailed(id);
      expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
      expect(waiting.error).toMatch(/injected fault: fail_succeeded/);
    } finally {
      await restore();
    }
    const version = await expectFinishedByRetry(id, 'injected fault: fail_succeeded');
    const [aliases] = (await inject({ url: '/v1/models/aliases' })).json<
      Array<{ challenger: string }>
    >();
    expect(aliases.challenger).toBe(version);
    const history = (
      await inject({ url: `/v1/models/aliases/${encodeURIComponent(COMPETITION)}/history` })
    ).json<Array<{ alias: string; versionId: string }>>();
    expect(history.filter((event) => event.versionId === version)).toEqual([
      expect.objectContaining({ alias: 'challenger', action: 'auto-promote' }),
    ]);
  });

  it('lets the database refuse a second version for a run', async () => {
    const [{ training_run_id: runId }] = await query<{ training_run_id: string }>(
      testApp.databaseUrl,
      'select training_run_id from model_versions where training_run_id is not null limit 1',
    );
    await expect(
      query(
        testApp.databaseUrl,
        `insert into model_versions (id, model_type, scope, competitions, parameters,
           hyperparameters, evaluation, fingerprint, matches_used, data_from, data_to, as_of,
           code_version, training_run_id, created_at)
         select gen_random_uuid(), model_type, scope, competitions, parameters, hyperparameters,
           evaluation, fingerprint, matches_used, data_from, data_to, as_of, code_version,
           training_run_id, now()
         from model_versions where training_run_id = $1`,
        [runId],
      ),
    ).rejects.toThrow(/model_versions_training_run_id_unique/);
  });
});
