import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  hits: number;
  endsAt: number;
  blockedUntil: number;
}

const SWEEP_EVERY_MS = 10_000;

/**
 * The in-process storage (no REDIS_URL): the same fixed-window semantics as the Redis script,
 * in O(1) per request. (@nestjs/throttler's own memory storage keeps one expiry per hit and
 * filters them on every request, which a busy single process cannot afford.)
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_EVERY_MS).unref();

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
    now = Date.now(),
  ): Promise<ThrottlerStorageRecord> {
    const id = `${throttlerName}:${key}`;
    let window = this.windows.get(id);
    if (window && window.blockedUntil > now) {
      const left = window.blockedUntil - now;
      return {
        totalHits: window.hits,
        timeToExpire: seconds(left),
        isBlocked: true,
        timeToBlockExpire: seconds(left),
      };
    }
    if (!window || window.endsAt <= now || window.blockedUntil !== 0) {
      window = { hits: 0, endsAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    window.hits += 1;
    if (window.hits > limit) {
      window.blockedUntil = now + blockDuration;
      window.endsAt = window.blockedUntil;
      return {
        totalHits: window.hits,
        timeToExpire: seconds(blockDuration),
        isBlocked: true,
        timeToBlockExpire: seconds(blockDuration),
      };
    }
    return {
      totalHits: window.hits,
      timeToExpire: seconds(window.endsAt - now),
      isBlocked: false,
      timeToBlockExpire: 0,
    };
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(now: number): void {
    for (const [id, window] of this.windows) {
      if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(id);
    }
  }
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}
