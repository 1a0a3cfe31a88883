import { randomBytes } from 'node:crypto';
import { JobQueue } from '../src/infrastructure/queue/job-queue';
import { WEBHOOK_QUEUE } from '../src/webhooks/webhook-delivery.service';
import { SHARED_DATA_DIR } from './fixtures/shared-data';
import { deleteKeysWithPrefix } from './support/redis-keys';
import { ServerProcess, startServerProcess } from './support/server-process';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor, WebhookReceiver } from './support/webhook-receiver';

// Two replicas share the delivery slots through Redis: without REDIS_URL the suite reports
// itself skipped, saying why.
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;
const title = redisUrl
  ? 'webhooks: two worker replicas keep one in-flight limit per subscription (e2e)'
  : 'webhooks: two worker replicas keep one in-flight limit (skipped: REDIS_URL not set)';

interface Delivery {
  id: string;
  status: string;
  attempts: number;
}

/** WEBHOOK_MAX_IN_FLIGHT_PER_SUBSCRIPTION's default. */
const LIMIT = 2;
const LATER_PINGS = 10;

describeWithRedis(title, () => {
  const prefix = `oracx-hooks-replicas-${randomBytes(4).toString('hex')}`;
  const webhookEnv = {
    QUEUE_PREFIX: prefix,
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
    // Longer than the test: a hung request ends only when the receiver is let go.
    WEBHOOK_TIMEOUT_MS: '60000',
  };
  let receiver: WebhookReceiver;
  /** The first replica, in this process (API and jobs). */
  let first: TestApp;
  /** The second, a worker process of its own: the same database and Redis, nothing else. */
  let second: ServerProcess | undefined;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    first = await startTestApp({ ...webhookEnv, REDIS_URL: redisUrl! });
  });

  afterAll(async () => {
    await second?.stop();
    await first?.close();
    await receiver?.stop();
    expect(await deleteKeysWithPrefix(redisUrl!, prefix)).toBe(0);
  });

  async function deliveries(id: string): Promise<Delivery[]> {
    const response = await first.asAdmin({ url: `/v1/webhooks/${id}/deliveries?pageSize=200` });
    expect(response.statusCode).toBe(200);
    return response.json<Delivery[]>();
  }

  async function ping(id: string, times: number): Promise<void> {
    for (let n = 0; n < times; n += 1) {
      const response = await first.asAdmin({ method: 'POST', url: `/v1/webhooks/${id}/ping` });
      expect(response.statusCode).toBe(202);
    }
  }

  it('sends a hung receiver at most the limit at once from both replicas together', async () => {
    let letGo!: () => void;
    const hang = new Promise<void>((resolve) => (letGo = resolve));
    receiver.answer('/hung', () => ({ status: 200, until: hang }));
    try {
      const created = await first.asAdmin({
        method: 'POST',
        url: '/v1/webhooks',
        payload: { url: receiver.url('/hung'), events: ['model.promoted'] },
      });
      expect(created.statusCode).toBe(201);
      const hung = created.json<{ id: string }>().id;

      // The first replica, alone so far, takes every slot of the subscription...
      await ping(hung, LIMIT);
      await waitFor(
        'the first replica to hold the slots',
        () => receiver.openAt('/hung') === LIMIT,
      );
      // ...and stops taking jobs (its running ones go on), so the next ones reach the second
      // replica, which holds no slot of its own: with slots per process it would send LIMIT more.
      const queue = first.app.get(JobQueue);
      const firstStopped = queue.stopProcessing();
      second = await startServerProcess({
        ...webhookEnv,
        NODE_ENV: 'test',
        DEMO_DATA: 'off',
        ORACXPRED_ROLE: 'worker',
        DATABASE_URL: first.databaseUrl,
        REDIS_URL: redisUrl!,
        SHARED_DATA_DIR,
      });
      await ping(hung, LATER_PINGS);

      // Every job has run (those over the limit end without an attempt) or is sending, and every
      // one sending has reached the receiver: nothing more can go out until the receiver answers.
      const pings = LIMIT + LATER_PINGS;
      let states: string[] = [];
      await waitFor(
        () => `every delivery job to run (states: ${states.join(', ')})`,
        async () => {
          const ids = (await deliveries(hung)).map((d) => d.id);
          states = await Promise.all(
            ids.map(async (id) => (await queue.status(WEBHOOK_QUEUE, id))?.state ?? 'none'),
          );
          const sending = states.filter((state) => state === 'active').length;
          return (
            ids.length === pings &&
            states.every((state) => state === 'active' || state === 'completed') &&
            receiver.openAt('/hung') === sending
          );
        },
      );
      expect(receiver.mostOpenAt('/hung')).toBe(LIMIT);
      expect(receiver.at('/hung')).toHaveLength(LIMIT);
      // Those sending are counted when they end; the others wait, unattempted.
      const unattempted = (await deliveries(hung)).filter(
        (d) => d.status === 'pending' && d.attempts === 0,
      );
      expect(unattempted).toHaveLength(pings);

      letGo();
      // The slots the first replica frees hand the waiting deliveries back to the queue, and the
      // second replica sends them: each once, never more than the limit at once.
      let seen: Delivery[] = [];
      const sent = await waitFor(
        () => `${pings} deliveries (seen: ${JSON.stringify(seen.map((d) => d.status))})`,
        async () => {
          seen = await deliveries(hung);
          return seen.length === pings && seen.every((d) => d.status === 'delivered') && seen;
        },
      );
      expect(sent.every((d) => d.attempts === 1)).toBe(true);
      const received = receiver.at('/hung').map((r) => r.headers['x-oracxpred-delivery']);
      expect(received.toSorted()).toEqual(sent.map((d) => d.id).toSorted());
      expect(receiver.mostOpenAt('/hung')).toBe(LIMIT);
      await firstStopped;
    } finally {
      letGo();
    }
  });
});
