import Redis from 'ioredis';
import { CacheStore } from './cache-store';

/** Redis hashes under a deployment prefix; auto-pipelining batches concurrent requests. */
export class RedisCacheStore extends CacheStore {
  readonly backend = 'redis';
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    this.redis = new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 2 });
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
