import { randomBytes } from 'node:crypto';
import { BullJobQueue } from '../src/infrastructure/queue/bull-job-queue';
import { jobQueueContract } from './support/job-queue-contract';
import { deleteKeysWithPrefix } from './support/redis-keys';

// Real Redis only: without REDIS_URL the suite reports itself skipped, saying why.
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;
const title = redisUrl ? 'Bull job queue on Redis' : 'Bull job queue (skipped: REDIS_URL not set)';

describeWithRedis(title, () => {
  // Keys of this run only, so parallel runs and the app's own queues are never touched.
  const prefix = `oracx-contract-${randomBytes(4).toString('hex')}`;

  afterAll(async () => {
    expect(await deleteKeysWithPrefix(redisUrl!, prefix)).toBe(0);
  });

  jobQueueContract({ create: () => new BullJobQueue(redisUrl!, true, prefix), timeoutMs: 10000 });

  it('only enqueues in the api role: jobs wait for a worker replica', async () => {
    const api = new BullJobQueue(redisUrl!, false, prefix);
    const worker = new BullJobQueue(redisUrl!, true, prefix);
    try {
      let ranInApi = false;
      api.process('roles', async () => {
        ranInApi = true;
      });
      const id = await api.enqueue('roles', { from: 'api' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(ranInApi).toBe(false);
      expect(await api.status('roles', id)).toMatchObject({ state: 'waiting' });

      worker.process<{ from: string }, string>('roles', async ({ data }) => `ran for ${data.from}`);
      const deadline = Date.now() + 10000;
      while ((await api.status('roles', id))?.state !== 'completed' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await api.status('roles', id)).toMatchObject({
        state: 'completed',
        result: 'ran for api',
      });
      expect(ranInApi).toBe(false);
    } finally {
      await Promise.all([api.close(), worker.close()]);
    }
  });

  it('runs each tick of a schedule once, when two worker replicas declare it', async () => {
    const replicas = [
      new BullJobQueue(redisUrl!, true, prefix),
      new BullJobQueue(redisUrl!, true, prefix),
    ];
    const runs: Array<{ replica: number; id: string }> = [];
    try {
      for (const [replica, queue] of replicas.entries()) {
        queue.process('retrain', async ({ id }) => {
          runs.push({ replica, id });
          // Long enough that the other replica would pick the same tick up if it were queued twice.
          await new Promise((resolve) => setTimeout(resolve, 150));
        });
        await queue.schedule('retrain', 'retrain-champions', '* * * * * *', {});
      }
      const deadline = Date.now() + 10000;
      while (runs.length < 4 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(runs.length).toBeGreaterThanOrEqual(4);
      const ids = runs.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await Promise.all(replicas.map((q) => q.close()));
    }
  });
});
