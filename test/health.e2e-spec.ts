import { ReadinessRegistry } from '../src/infrastructure/health/readiness.registry';
import { startTestApp, TestApp } from './support/test-app';

/** Checks this file adds, as a module of the app (e.g. the champion model's) would. */
let modelState: 'loaded' | 'none' | 'broken' = 'loaded';

describe('health endpoints (PostgreSQL; Bull when REDIS_URL is set)', () => {
  let testApp: TestApp;
  const withRedis = Boolean(process.env.REDIS_URL);

  beforeAll(async () => {
    testApp = await startTestApp();
    testApp.app.get(ReadinessRegistry).register('example', async () => {
      if (modelState === 'broken') throw new Error('example parameters could not be loaded');
      return modelState === 'none' ? { model: 'none yet' } : { model: 'v7' };
    });
  });
  afterAll(() => testApp?.close());

  const get = (url: string) => testApp.asAdmin({ method: 'GET', url });

  it('is ready when every registered check is up, naming each check', async () => {
    const response = await get('/health/ready');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toMatch(/no-cache|no-store/);
    const body = response.json();
    expect(body.status).toBe('ok');
    expect(Object.keys(body.details).sort()).toEqual(
      withRedis
        ? ['champion', 'database', 'example', 'queue', 'redis']
        : ['champion', 'database', 'example', 'queue'],
    );
    expect(body.details.queue).toEqual({
      status: 'up',
      backend: withRedis ? 'bull' : 'in-process',
    });
    expect(body.details.example).toEqual({ status: 'up', model: 'v7' });
    // The app's own check: no model trained yet is ready, and says so.
    expect(body.details.champion).toEqual({ status: 'up', champions: 'none yet' });
  });

  it('reports "nothing to load yet" as ready, saying so', async () => {
    modelState = 'none';
    const response = await get('/health/ready');
    expect(response.statusCode).toBe(200);
    expect(response.json().details.example).toEqual({ status: 'up', model: 'none yet' });
  });

  it('answers 503 naming the failing check, while liveness stays 200', async () => {
    modelState = 'broken';
    const ready = await get('/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ready.json().checks).toMatchObject({
      example: { status: 'down', message: 'example parameters could not be loaded' },
      database: { status: 'up' },
    });
    const live = await get('/health/live');
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
  });

  it('gives the detail of every check at /health, with timings', async () => {
    const response = await get('/health');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      status: 'not-ready',
      role: 'all',
      shuttingDownSince: null,
      uptimeSeconds: expect.any(Number),
    });
    expect(body.checks.example).toMatchObject({ status: 'down', durationMs: expect.any(Number) });
    expect(body.checks.database).toMatchObject({ status: 'up', durationMs: expect.any(Number) });
    modelState = 'loaded';
    expect((await get('/health')).json().status).toBe('ready');
  });

  it('refuses a second check under a name already taken', () => {
    expect(() =>
      testApp.app.get(ReadinessRegistry).register('database', async () => undefined),
    ).toThrow('readiness check "database" is already registered');
  });

  it('answers 503 from the moment shutdown begins, though every check is up', async () => {
    testApp.app.get(ReadinessRegistry).beginShutdown();
    const ready = await get('/health/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      type: 'https://oracxpred.dev/problems/not-ready',
      checks: { shutdown: { status: 'down', message: 'the process is shutting down' } },
    });
    expect(ready.headers.connection).toBe('close');
    expect((await get('/health/live')).statusCode).toBe(200);
    const detail = (await get('/health')).json();
    expect(detail.status).toBe('shutting-down');
    expect(detail.shuttingDownSince).toEqual(expect.any(String));
  });
});
