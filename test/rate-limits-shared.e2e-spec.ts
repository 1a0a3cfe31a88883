import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { SHARED_DATA_DIR } from './fixtures/shared-data';
import { deleteKeysWithPrefix } from './support/redis-keys';
import { ServerProcess, startServerProcess } from './support/server-process';
import { startTestApp, TestApp, TEST_ADMIN } from './support/test-app';

// Real Redis only: without REDIS_URL the suite reports itself skipped, saying why.
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;
const title = redisUrl
  ? 'rate limits shared by two app instances on one Redis'
  : 'rate limits shared by two app instances (skipped: REDIS_URL not set)';

describeWithRedis(title, () => {
  // Both instances use this prefix for their Redis keys (queues and rate limits).
  const prefix = `oracx-rl-test-${randomBytes(4).toString('hex')}`;
  const shared = {
    QUEUE_PREFIX: prefix,
    JWT_SECRET: 'shared-signing-secret-for-both-instances',
    RATE_LIMIT_WINDOW_SECONDS: '60',
    RATE_LIMIT_ANONYMOUS: '4',
    RATE_LIMIT_USER: '6',
  };
  let first: TestApp;
  let second: ServerProcess;
  let token: string;

  beforeAll(async () => {
    // The first instance in this process, the second a real server process of its own: the
    // same database and Redis, nothing else in common.
    first = await startTestApp(shared);
    token = (await first.login(TEST_ADMIN.email, TEST_ADMIN.password)).accessToken;
    second = await startServerProcess({
      ...shared,
      NODE_ENV: 'test',
      DEMO_DATA: 'off',
      ORACXPRED_ROLE: 'api',
      DATABASE_URL: first.databaseUrl,
      REDIS_URL: redisUrl!,
      SHARED_DATA_DIR,
    });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.close();
    expect(await deleteKeysWithPrefix(redisUrl!, prefix)).toBe(0);
  });

  it('refuses a user on the second instance once the first used the budget', async () => {
    const statuses: number[] = [];
    const remaining: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await first.withToken(token)({ method: 'GET', url: '/v1/me' });
      statuses.push(response.statusCode);
      remaining.push(response.headers['x-ratelimit-remaining']);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(remaining).toEqual(['5', '4', '3', '2', '1', '0']);

    const refused = await fetch(`${second.baseUrl}/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('shares anonymous budgets per address the other way round too', async () => {
    // Both see the client as 127.0.0.1: the second serves a real socket, the first an inject.
    const viaFirst = () => first.app.inject({ method: 'GET', url: '/v1/ledger/verify' });
    const viaSecond = () => fetch(`${second.baseUrl}/v1/ledger/verify`);
    const before = Number((await viaFirst()).headers['x-ratelimit-remaining']);
    expect(before).toBeGreaterThan(0);
    const next = await viaSecond();
    expect(Number(next.headers.get('x-ratelimit-remaining'))).toBe(before - 1);
    for (let left = before - 1; left > 0; left--) expect((await viaSecond()).status).toBe(200);
    expect((await viaSecond()).status).toBe(429);
    expect((await viaFirst()).statusCode).toBe(429);
  });

  it('keeps the counters in Redis under the deployment prefix', async () => {
    const redis = new Redis(redisUrl!, { maxRetriesPerRequest: 1 });
    try {
      const keys = await redis.keys(`${prefix}:ratelimit:*`);
      expect(keys.length).toBeGreaterThanOrEqual(2);
      expect(keys.some((key) => key.includes('user:'))).toBe(true);
      expect(keys.some((key) => key.includes('ip:127.0.0.1'))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});
