import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { deleteKeysWithPrefix } from '../../test/support/redis-keys';
import { waitFor } from '../../test/support/webhook-receiver';
import { RedisReceiverSlots } from './redis-receiver-slots';
import { receiverSlotsContract } from './receiver-slots.spec-support';

// Real Redis only: without REDIS_URL the suite reports itself skipped, saying why.
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;
const title = redisUrl
  ? 'RedisReceiverSlots on Redis'
  : 'RedisReceiverSlots on Redis (skipped: REDIS_URL not set)';

/** Longer than any test here: a slot held this long is never taken for a dead process's. */
const HOLD_MS = 600_000;

describeWithRedis(title, () => {
  // Every store of a test shares this deployment prefix: the replicas of one deployment.
  let prefix: string;
  const opened: RedisReceiverSlots[] = [];
  const replica = (perSubscription: number, holdMs = HOLD_MS) => {
    const store = new RedisReceiverSlots(
      redisUrl!,
      `${prefix}:webhook-slots:`,
      perSubscription,
      holdMs,
    );
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    prefix = `oracx-slots-test-${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    expect(await deleteKeysWithPrefix(redisUrl!, prefix)).toBe(0);
  });

  describe('as one store', () => {
    receiverSlotsContract((perSubscription) => replica(perSubscription));
  });

  it('keeps one limit for two replicas, and a slot freed on one hands back a delivery that waited on the other', async () => {
    const [a, b] = [replica(2), replica(2)];
    const first = await a.tryAcquire('s', 'd1');
    const second = await b.tryAcquire('s', 'd2');
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    // Each replica holds one: with slots per process each could still send one more.
    expect(await a.tryAcquire('s', 'd3')).toBeUndefined();
    expect(await b.tryAcquire('s', 'd4')).toBeUndefined();
    expect(await a.inFlightFor('s')).toBe(2);
    expect(await b.inFlightFor('s')).toBe(2);
    expect(await b.tryAcquire('other', 'e1')).toBeDefined();

    expect(await b.release('s', second!)).toBe('d3');
    expect(await a.inFlightFor('s')).toBe(1);
    const third = await b.tryAcquire('s', 'd3');
    expect(third).toBeDefined();
    expect(await a.tryAcquire('s', 'd5')).toBeUndefined();
    expect(await a.release('s', first!)).toBe('d4');
    expect(await b.release('s', third!)).toBe('d5');
    expect(await a.release('s', 'never-held')).toBeUndefined();
    expect(await b.inFlightFor('s')).toBe(0);
  });

  it('frees exactly the slot of the holder released, once', async () => {
    const [a, b] = [replica(2), replica(2)];
    const first = await a.tryAcquire('s', 'd1');
    // The same delivery run twice at once (a stalled job run again elsewhere) holds two slots.
    const again = await b.tryAcquire('s', 'd1');
    expect(again).toBeDefined();
    expect(again).not.toBe(first);
    await a.release('s', first!);
    await a.release('s', first!);
    expect(await b.inFlightFor('s')).toBe(1);
    expect(await b.tryAcquire('s', 'd2')).toBeDefined();
    expect(await b.tryAcquire('s', 'd3')).toBeUndefined();
  });

  it("frees a dead replica's slot once it is held longer than its hold time, not before", async () => {
    // Two replicas die while sending, each holding one slot: one took it 50 ms long, the other
    // longer than the test.
    const [dyingSoon, dyingLate] = [replica(2, 50), replica(2)];
    expect(await dyingSoon.tryAcquire('s', 'd1')).toBeDefined();
    expect(await dyingLate.tryAcquire('s', 'd2')).toBeDefined();
    await Promise.all([dyingSoon.close(), dyingLate.close()]);

    const survivor = replica(2);
    await waitFor(
      'the short-held slot to expire',
      async () => (await survivor.inFlightFor('s')) === 1,
    );
    expect(await survivor.tryAcquire('s', 'd3')).toBeDefined();
    // The other dead replica's slot still counts until its own expiry.
    expect(await survivor.tryAcquire('s', 'd4')).toBeUndefined();
    expect(await survivor.inFlightFor('s')).toBe(2);
  });

  it('keeps nothing in Redis past a slot: the keys expire with their holders', async () => {
    const store = replica(1, 5_000);
    await store.tryAcquire('s', 'd1');
    await store.tryAcquire('s', 'd2');
    const redis = new Redis(redisUrl!);
    try {
      const keys = (await redis.keys(`${prefix}:*`)).toSorted();
      expect(keys).toEqual(
        ['held', 'line', 'waiting'].map((key) => `${prefix}:webhook-slots:{s}:${key}`),
      );
      for (const key of keys) {
        const ttl = await redis.pttl(key);
        expect(ttl).toBeGreaterThan(0);
      }
      expect(await redis.pttl(keys[0])).toBeLessThanOrEqual(5_000);
    } finally {
      redis.disconnect();
    }
  });
});

describe('RedisReceiverSlots while Redis is unreachable', () => {
  afterEach(() => jest.restoreAllMocks());

  it('lets the delivery go (logged once) rather than hold it', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const store = new RedisReceiverSlots('redis://127.0.0.1:1', 'spec:webhook-slots:', 1, 1000);
    try {
      const holder = await store.tryAcquire('s', 'd1');
      expect(holder).toMatch(/^d1:/);
      expect(await store.tryAcquire('s', 'd2')).toMatch(/^d2:/);
      expect(await store.release('s', holder!)).toBeUndefined();
      expect(warn.mock.calls).toEqual([
        [
          { err: expect.objectContaining({ message: expect.any(String) }) },
          'webhook slots on Redis failed: deliveries go out without the per-subscription limit',
        ],
      ]);
    } finally {
      await store.close();
    }
  });
});
