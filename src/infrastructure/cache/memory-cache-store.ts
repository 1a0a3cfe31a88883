import { CacheStore } from './cache-store';

const MAX_KEYS = 50_000;

/** Process memory, bounded (oldest keys evicted first), with expiry checked on read. */
export class MemoryCacheStore extends CacheStore {
  readonly backend = 'memory';
  private readonly entries = new Map<string, { expiresAt: number; fields: Map<string, string> }>();

  async get(key: string, field: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.fields.get(field);
  }

  async set(key: string, field: string, value: string, ttlSeconds: number): Promise<void> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { expiresAt: 0, fields: new Map() };
      this.entries.set(key, entry);
      if (this.entries.size > MAX_KEYS)
        this.entries.delete(this.entries.keys().next().value as string);
    }
    entry.fields.set(field, value);
    entry.expiresAt = Date.now() + ttlSeconds * 1000;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }

  async clear(prefix: string): Promise<void> {
    for (const key of [...this.entries.keys()])
      if (key.startsWith(prefix)) this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
