import { startServerProcess, type ServerProcess } from './support/server-process';
import { startTestApp, TEST_ADMIN, type TestApp } from './support/test-app';
import { waitFor, WebhookReceiver } from './support/webhook-receiver';

// The address is checked again when a delivery is attempted. Here the API replica allows
// 127.0.0.1 (WEBHOOK_ALLOWED_NETWORKS) and accepts the subscription, while the worker that
// delivers does not: as if the host had resolved to an allowed address at creation and to a
// loopback one at delivery. Needs Redis (an api and a worker share jobs through it).
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;
const title = redisUrl
  ? 'webhooks: the address check at delivery time (api + worker)'
  : 'webhooks: the address check at delivery time (skipped: REDIS_URL not set)';

describeWithRedis(title, () => {
  let worker: TestApp;
  let api: ServerProcess;
  let receiver: WebhookReceiver;
  let token: string;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    worker = await startTestApp({
      ORACXPRED_ROLE: 'worker',
      REDIS_URL: redisUrl!,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_NETWORKS: '',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_MS: '50',
    });
    api = await startServerProcess({
      ORACXPRED_ROLE: 'api',
      DATABASE_URL: worker.databaseUrl,
      REDIS_URL: redisUrl!,
      QUEUE_PREFIX: process.env.QUEUE_PREFIX!,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
    });
    const login = await fetch(`${api.baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_ADMIN),
    });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { accessToken: string }).accessToken;
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
    await worker?.close();
    await receiver?.stop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('refuses to deliver to an address the delivering worker does not allow, without retrying', async () => {
    const created = await call('POST', '/v1/webhooks', {
      url: receiver.url('/rebound'),
      events: ['model.promoted'],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const ping = await call('POST', `/v1/webhooks/${id}/ping`);
    expect(ping.status).toBe(202);

    const delivery = await waitFor('the delivery to be attempted', async () => {
      const log = await fetch(`${api.baseUrl}/v1/webhooks/${id}/deliveries`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const [first] = (await log.json()) as Array<Record<string, unknown>>;
      return first?.status === 'failed' ? first : undefined;
    });
    expect(delivery).toMatchObject({
      attempts: 1,
      lastResponseStatus: null,
      lastError: 'address refused: 127.0.0.1: loopback address 127.0.0.1 is not allowed',
    });
    // Nothing reached the receiver, and the failure counts towards disabling.
    expect(receiver.receipts).toEqual([]);
    const hook = await call('GET', `/v1/webhooks/${id}`);
    expect(hook.body).toMatchObject({ active: true, consecutiveFailures: 1 });
  });
});
