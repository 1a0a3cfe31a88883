import { MemoryThrottlerStorage } from './memory-throttler-storage';

describe('MemoryThrottlerStorage', () => {
  let storage: MemoryThrottlerStorage;
  beforeEach(() => (storage = new MemoryThrottlerStorage()));
  afterEach(() => storage.close());

  const hit = (now: number, key = 'ip:1') =>
    storage.increment(key, 60_000, 3, 30_000, 'default', now);

  it('counts hits in a fixed window and reports the time left', async () => {
    expect(await hit(0)).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    expect(await hit(20_500)).toMatchObject({ totalHits: 2, timeToExpire: 40, isBlocked: false });
    expect(await hit(59_999)).toMatchObject({ totalHits: 3, isBlocked: false });
  });

  it('blocks the hit over the limit for the block duration, then starts a new window', async () => {
    for (const now of [0, 1, 2]) await hit(now);
    expect(await hit(3)).toEqual({
      totalHits: 4,
      timeToExpire: 30,
      isBlocked: true,
      timeToBlockExpire: 30,
    });
    expect(await hit(10_000)).toMatchObject({ isBlocked: true, timeToBlockExpire: 21 });
    expect(await hit(30_003)).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('keeps callers and throttlers apart, and restarts a window once it ended', async () => {
    for (const now of [0, 1, 2]) await hit(now, 'ip:1');
    expect(await hit(3, 'ip:2')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await storage.increment('ip:1', 60_000, 3, 30_000, 'auth', 3)).toMatchObject({
      totalHits: 1,
    });
    expect(await hit(60_000, 'ip:1')).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
