import { MemoryThrottlerStorage } from './memory-throttler-storage';

describe('MemoryThrottlerStorage', () => {
  afterEach(() => jest.useRealTimers());

  it('counts hits in a fixed window, blocks past the limit, and starts over after it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const storage = new MemoryThrottlerStorage();
    const hit = () => storage.increment('ip:1', 60_000, 3, 60_000, 'default');
    expect(await hit()).toEqual({
      totalHits: 1,
      timeToExpire: 60,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
    await hit();
    expect((await hit()).isBlocked).toBe(false);
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true, timeToBlockExpire: 60 });
    jest.setSystemTime(1_000_000 + 30_000);
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    jest.setSystemTime(1_000_000 + 60_001);
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps callers and throttlers apart', async () => {
    const storage = new MemoryThrottlerStorage();
    await storage.increment('a', 60_000, 1, 60_000, 'default');
    expect((await storage.increment('b', 60_000, 1, 60_000, 'default')).totalHits).toBe(1);
    expect((await storage.increment('a', 60_000, 1, 60_000, 'auth')).totalHits).toBe(1);
    expect((await storage.increment('a', 60_000, 1, 60_000, 'default')).isBlocked).toBe(true);
  });
});
