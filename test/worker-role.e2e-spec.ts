import { startTestApp, TestApp } from './support/test-app';

// The worker role shares jobs with api replicas through Redis: without REDIS_URL the suite
// reports itself skipped, saying why (the configuration refuses a worker without Redis).
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;
const title = redisUrl
  ? 'ORACXPRED_ROLE=worker'
  : 'ORACXPRED_ROLE=worker (skipped: REDIS_URL not set)';

describeWithRedis(title, () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ ORACXPRED_ROLE: 'worker', REDIS_URL: redisUrl! });
  });
  afterAll(() => testApp?.close());

  it.each(['/health/live', '/health/ready', '/metrics'])('answers %s', async (url) => {
    expect((await testApp.app.inject(url)).statusCode).toBe(200);
  });

  it.each([
    ['GET', '/v1/matches'],
    ['GET', '/v1/competitions'],
    ['POST', '/v1/imports'],
    ['GET', '/docs'],
    ['GET', '/docs-json'],
    ['GET', '/healthz'],
  ])('serves no public API: %s %s is 404', async (method, url) => {
    const response = await testApp.app.inject({ method: method as 'GET' | 'POST', url });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 404,
      type: 'https://oracxpred.dev/problems/not-served-by-worker',
      instance: url,
    });
  });

  it('says which role it runs in its build info', async () => {
    const body = (await testApp.app.inject('/metrics')).body;
    expect(body).toMatch(/oracxpred_build_info\{[^}]*role="worker"[^}]*\} 1/);
  });
});
