import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import { query } from './support/databases';
import { startTestApp, type Inject, TestApp } from './support/test-app';
import { waitForTraining } from './support/training';

/**
 * With the in-process queue (no Redis), a training run lives only in the process that queued it.
 * A server that starts on a database where an earlier process left a run queued or running
 * queues it again, instead of leaving its scope blocked for good.
 */
describe('training runs left by a stopped process (in-process queue, e2e)', () => {
  let first: TestApp | undefined;
  let second: TestApp | undefined;

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('are queued again when the next server starts, and then train', async () => {
    first = await startTestApp({ REDIS_URL: '' });
    await first.app.get(IngestionService).importParsed(generatedLeague(new Date()));
    // What a process stopped mid-run leaves behind: a run marked running, its job gone with it.
    const [{ id }] = await query<{ id: string }>(
      first.databaseUrl,
      `insert into training_runs (id, status, model_type, scope, competitions, hyperparameters,
         evaluation_weeks, trigger, progress, attempts, log, created_at, started_at)
       values (gen_random_uuid(), 'running', 'elo', 'generated/premier-division',
         '["generated/premier-division"]', '{}', 6, 'api', 40, 1, '[]',
         now() - interval '1 hour', now() - interval '1 hour')
       returning id`,
    );
    const databaseUrl = first.databaseUrl;
    // A second server on the same database (the first still drops it when the test ends).
    second = await startTestApp({ REDIS_URL: '' }, { databaseUrl });
    const inject: Inject = (options) => second!.asAdmin(options);
    const run = await waitForTraining(inject, id);
    expect(run).toMatchObject({ status: 'succeeded', modelVersionId: expect.any(String) });
    expect(run.log.map((line: { message: string }) => line.message)).toContain(
      'queued again: the process that had it stopped',
    );
  });
});
