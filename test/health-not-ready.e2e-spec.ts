import { startTestApp, TestApp } from './support/test-app';

// Nothing listens on port 1: the app starts (Redis is not needed to boot) but cannot take jobs.
const UNREACHABLE_REDIS = 'redis://127.0.0.1:1';

describe('readiness when Redis is unreachable', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({
      REDIS_URL: UNREACHABLE_REDIS,
      // Live sources and retraining to schedule: their schedules wait for Redis, the start
      // does not.
      COLLECTOR_SOURCES: JSON.stringify([
        { id: 'live', provider: 'virtual-league', url: 'http://127.0.0.1:1/feed' },
      ]),
      TRAINING_SCHEDULE: '0 3 * * 1',
    });
  }, 30_000);
  afterAll(() => testApp?.close());

  it('stays live', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /health/ready with a 503 problem naming the queue as down', async () => {
    const started = Date.now();
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/health/ready',
      headers: { 'x-request-id': 'ready-probe-1' },
    });
    // The queue check gives up after its 2 s timeout rather than hanging the probe.
    expect(Date.now() - started).toBeLessThan(10000);
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('ready-probe-1');
    const problem = response.json();
    expect(problem).toMatchObject({
      type: 'https://oracxpred.dev/problems/not-ready',
      title: 'Service unavailable',
      status: 503,
      instance: '/health/ready',
      requestId: 'ready-probe-1',
    });
    expect(problem.checks).toMatchObject({
      database: { status: 'up' },
      queue: { status: 'down', backend: 'bull' },
    });
    expect(typeof problem.checks.queue.message).toBe('string');
    // The Redis address (which could carry credentials) is not echoed to the client.
    expect(response.body).not.toContain(UNREACHABLE_REDIS);
  });
});
