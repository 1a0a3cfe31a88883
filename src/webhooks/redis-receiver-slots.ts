import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ReceiverSlots } from './receiver-slots';

/** Redis's own clock, in ms: one clock for every replica's holders. */
const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * Takes a slot, or puts the delivery in line once. KEYS: holders (sorted set, holder -> expiry in
 * ms), waiting (sorted set, delivery -> place in line), the line's counter. ARGV: limit, hold ms,
 * holder, delivery, ms the line is kept. Holders past their expiry (a process that died holding
 * them) are dropped first. Returns 1 when the slot is taken.
 */
const ACQUIRE_SCRIPT = `${NOW}
local held, waiting, counter = KEYS[1], KEYS[2], KEYS[3]
local limit, hold = tonumber(ARGV[1]), tonumber(ARGV[2])
local holder, delivery, keep = ARGV[3], ARGV[4], tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', held, '-inf', now)
if redis.call('ZCARD', held) < limit then
  redis.call('ZADD', held, now + hold, holder)
  if redis.call('PTTL', held) < hold then redis.call('PEXPIRE', held, hold) end
  return 1
end
if not redis.call('ZSCORE', waiting, delivery) then
  redis.call('ZADD', waiting, redis.call('INCR', counter), delivery)
end
redis.call('PEXPIRE', waiting, keep)
redis.call('PEXPIRE', counter, keep)
return 0
`;

/**
 * Frees the holder's slot (KEYS[1], ARGV[1]); returns the first delivery in line (KEYS[2]). An
 * empty line's counter (KEYS[3]) goes too: nothing is left of a subscription with nothing in
 * flight or waiting.
 */
const RELEASE_SCRIPT = `
redis.call('ZREM', KEYS[1], ARGV[1])
local next = redis.call('ZPOPMIN', KEYS[2])[1]
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('DEL', KEYS[3]) end
return next
`;

/** Holders of KEYS[1] not expired. */
const COUNT_SCRIPT = `${NOW}
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
`;

/** A delivery waits in line at most this long untouched; the minute sweep queues it anyway. */
const LINE_KEPT_MS = 86_400_000;

type SlotsRedis = Redis & {
  acquireSlot(
    held: string,
    waiting: string,
    counter: string,
    limit: number,
    holdMs: number,
    holder: string,
    deliveryId: string,
    keepMs: number,
  ): Promise<number>;
  releaseSlot(
    held: string,
    waiting: string,
    counter: string,
    holder: string,
  ): Promise<string | null>;
  countSlots(held: string): Promise<number>;
};

/**
 * The slots on Redis, one limit for every replica. Each slot is a named holder with an expiry
 * (`holdMs`, longer than a delivery can take): the slot of a process that died while sending
 * frees itself then. The waiting line is shared too, so a slot freed on one replica hands a
 * delivery that waited on another back to the queue. Acquiring and releasing are each one Lua
 * script, atomic across replicas. If Redis fails, the delivery is sent without a slot (logged)
 * and its slot's release is left to the expiry.
 */
export class RedisReceiverSlots extends ReceiverSlots {
  readonly backend = 'redis';
  private readonly logger = new Logger(RedisReceiverSlots.name);
  private readonly redis: SlotsRedis;
  private lastWarning = 0;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly perSubscription: number,
    /** How long a slot is held at most: the delivery timeout plus a margin. */
    private readonly holdMs: number,
  ) {
    super();
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      // Connected by the first delivery: api replicas and the CLI never open it.
      lazyConnect: true,
    }) as SlotsRedis;
    this.redis.on('error', (error) => this.warn(error));
    this.redis.defineCommand('acquireSlot', { numberOfKeys: 3, lua: ACQUIRE_SCRIPT });
    this.redis.defineCommand('releaseSlot', { numberOfKeys: 3, lua: RELEASE_SCRIPT });
    this.redis.defineCommand('countSlots', { numberOfKeys: 1, lua: COUNT_SCRIPT });
  }

  async tryAcquire(subscriptionId: string, deliveryId: string): Promise<string | undefined> {
    // Named per attempt: a job run twice at once (a stalled worker's) holds two slots.
    const holder = `${deliveryId}:${randomUUID()}`;
    const keys = this.keys(subscriptionId);
    try {
      const taken = await this.redis.acquireSlot(
        keys.held,
        keys.waiting,
        keys.counter,
        this.perSubscription,
        this.holdMs,
        holder,
        deliveryId,
        LINE_KEPT_MS,
      );
      return taken === 1 ? holder : undefined;
    } catch (error) {
      this.warn(error);
      return holder;
    }
  }

  async release(subscriptionId: string, holder: string): Promise<string | undefined> {
    const keys = this.keys(subscriptionId);
    try {
      return (
        (await this.redis.releaseSlot(keys.held, keys.waiting, keys.counter, holder)) ?? undefined
      );
    } catch (error) {
      this.warn(error);
      return undefined;
    }
  }

  async inFlightFor(subscriptionId: string): Promise<number> {
    return this.redis.countSlots(this.keys(subscriptionId).held);
  }

  async close(): Promise<void> {
    // QUIT on a client never connected would connect it first.
    if (this.redis.status === 'wait') this.redis.disconnect();
    else await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** One hash tag per subscription: its keys live on the same Redis Cluster slot. */
  private keys(subscriptionId: string) {
    const base = `${this.prefix}{${subscriptionId}}`;
    return { held: `${base}:held`, waiting: `${base}:waiting`, counter: `${base}:line` };
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(
      { err: error },
      'webhook slots on Redis failed: deliveries go out without the per-subscription limit',
    );
  }
}
