import { setTimeout as sleep } from 'node:timers/promises';
import { generatedLeague } from '../src/matches/demo/generated-league';
import { IngestionService } from '../src/matches/imports/ingestion.service';
import type { TrainingRunView } from '../src/training/training.dto';
import { createTestDatabase, query } from './support/databases';
import { ServerProcess, startServerProcess } from './support/server-process';
import { startTestApp, TEST_ADMIN } from './support/test-app';

/**
 * A training run polls its own status every half second (to notice a cancel). A query that fails
 * meanwhile (a database restart, a fail-over) must not take the whole server process down.
 */
describe('a training run while the database fails a query (the real server process)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ServerProcess | undefined;

  afterAll(async () => {
    server?.kill();
    await database?.drop();
  });

  it('keeps the server up, and the run finishes', async () => {
    database = await createTestDatabase();
    // Data first, through an app of this test (migrations, then the generated league).
    const loader = await startTestApp({ REDIS_URL: '' }, { databaseUrl: database.url });
    await loader.app.get(IngestionService).importParsed(generatedLeague(new Date()));
    await loader.close();

    server = await startServerProcess({
      DATABASE_URL: database.url,
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
    });
    const login = await fetch(`${server.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_ADMIN),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const api = async (method: string, url: string, body?: object) => {
      const response = await fetch(`${server!.baseUrl}${url}`, {
        method,
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return response.json() as Promise<TrainingRunView>;
    };
    const { id } = await api('POST', '/v1/training-runs', {
      modelType: 'ensemble',
      competitions: ['generated/premier-division'],
      searchSpace: { 'ensemble.l2': [0, 0.01, 0.1], 'elo.k': [10, 20, 30] },
    });
    let run = await api('GET', `/v1/training-runs/${id}`);
    while (run.status === 'queued') {
      await sleep(50);
      run = await api('GET', `/v1/training-runs/${id}`);
    }
    expect(run.status).toBe('running');
    // For two and a half seconds, every query of training_runs fails.
    await query(database.url, 'alter table training_runs rename to training_runs_away');
    await sleep(2500);
    await query(database.url, 'alter table training_runs_away rename to training_runs');

    expect(server.child.exitCode).toBeNull();
    for (let i = 0; i < 600 && !['succeeded', 'failed'].includes(run.status); i++) {
      await sleep(100);
      run = await api('GET', `/v1/training-runs/${id}`);
    }
    expect(run).toMatchObject({ status: 'succeeded', modelVersionId: expect.any(String) });
  });
});
