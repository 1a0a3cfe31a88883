/**
 * A small key → field → value cache: Redis hashes when REDIS_URL is set (shared by replicas),
 * else process memory. Grouping fields under a key lets a whole group be dropped at once.
 */
export abstract class CacheStore {
  abstract readonly backend: 'redis' | 'memory';
  abstract get(key: string, field: string): Promise<string | undefined>;
  /** Sets a field; the whole key expires ttlSeconds after its latest write. */
  abstract set(key: string, field: string, value: string, ttlSeconds: number): Promise<void>;
  abstract delete(keys: string[]): Promise<void>;
  /** Drops every key starting with the prefix. */
  abstract clear(prefix: string): Promise<void>;
  abstract close(): Promise<void>;
}
