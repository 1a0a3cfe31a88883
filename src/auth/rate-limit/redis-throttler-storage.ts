import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Counts a hit and answers whether the caller is blocked, atomically, in one round trip. A
 * fixed window of `ttl` ms per key; the hit that exceeds `limit` blocks the key for
 * `blockDuration` ms. Returns {hits, ms left in the window, blocked (0/1), ms left blocked}.
 */
const INCREMENT_SCRIPT = `
local hitsKey, blockKey = KEYS[1], KEYS[2]
local ttl, limit, block = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local blockedFor = redis.call('PTTL', blockKey)
if blockedFor > 0 then
  return {tonumber(redis.call('GET', hitsKey) or limit + 1), blockedFor, 1, blockedFor}
end
local hits = redis.call('INCR', hitsKey)
local left = redis.call('PTTL', hitsKey)
if left < 0 then
  redis.call('PEXPIRE', hitsKey, ttl)
  left = ttl
end
if hits > limit then
  redis.call('SET', blockKey, '1', 'PX', block)
  redis.call('SET', hitsKey, hits, 'PX', block)
  return {hits, block, 1, block}
end
return {hits, left, 0, 0}
`;

type ThrottleRedis = Redis & {
  throttle(
    hitsKey: string,
    blockKey: string,
    ttl: number,
    limit: number,
    block: number,
  ): Promise<[number, number, number, number]>;
};

/**
 * @nestjs/throttler storage on Redis, shared by every replica (no maintained package supports
 * NestJS 12 yet). If Redis fails, requests pass unthrottled (logged): rate limiting must not
 * take the API down with it; sign-in lockouts do not depend on it (they live in PostgreSQL).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly redis: ThrottleRedis;
  private lastWarning = 0;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = new Redis(url, {
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
      // While disconnected, fail at once (and let the request through) rather than queue.
      enableOfflineQueue: false,
    }) as ThrottleRedis;
    this.redis.on('error', (error) => this.warn(error));
    this.redis.defineCommand('throttle', { numberOfKeys: 2, lua: INCREMENT_SCRIPT });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // One hash tag per key: both keys live on the same Redis Cluster slot.
    const base = `${this.prefix}{${throttlerName}:${key}}`;
    try {
      const [hits, left, blocked, blockedFor] = await this.redis.throttle(
        `${base}:hits`,
        `${base}:block`,
        ttl,
        limit,
        blockDuration,
      );
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(left / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.ceil(blockedFor / 1000),
      };
    } catch (error) {
      this.warn(error);
      return {
        totalHits: 0,
        timeToExpire: Math.ceil(ttl / 1000),
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn({ err: error }, 'rate limiting on Redis failed: requests pass unthrottled');
  }
}
