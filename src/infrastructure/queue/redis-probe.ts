import Redis from 'ioredis';

/**
 * Says whether Redis itself answers, apart from the queue's own connections (which queue
 * commands while disconnected and would hide an outage behind a hanging call). One connection,
 * reconnecting in the background; while it is down, ping fails at once.
 */
export class RedisProbe {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 1500,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    this.redis.on('error', () => undefined); // reported by ping() instead
  }

  async ping(): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
    await this.redis.ping();
  }

  close(): void {
    this.redis.disconnect();
  }
}
