import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { CacheStore } from './cache-store';

/** Redis hashes under a deployment prefix; auto-pipelining batches concurrent requests. */
export class RedisCacheStore extends CacheStore {
  readonly backend = 'redis';
  private readonly redis: Redis;
  private readonly logger = new Logger(RedisCacheStore.name);
  private unreachable = false;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    this.redis = new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 2 });
    // Without a listener ioredis prints every failed reconnect, stack and all, to stderr (one
    // every few seconds while Redis is down): say it once per outage in the log instead.
    this.redis.on('error', (error: Error) => {
      if (this.unreachable) return;
      this.unreachable = true;
      this.logger.warn(`Redis unreachable for the cache (${error.message}): retrying`);
    });
    this.redis.on('ready', () => {
      if (this.unreachable) this.logger.log('Redis reachable again for the cache');
      this.unreachable = false;
    });
  }

  async get(key: string, field: string): Promise<string | undefined> {
    return (await this.redis.hget(this.prefix + key, field)) ?? undefined;
  }

  async set(key: string, field: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis
      .multi()
      .hset(this.prefix + key, field, value)
      .expire(this.prefix + key, ttlSeconds)
      .exec();
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 500) {
      await this.redis.del(...keys.slice(i, i + 500).map((k) => this.prefix + k));
    }
  }

  async clear(prefix: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${this.prefix}${prefix}*`,
        'COUNT',
        1000,
      );
      if (keys.length > 0) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
