import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisCacheStore } from './redis-cache-store';

describe('RedisCacheStore while Redis is unreachable', () => {
  afterEach(() => jest.restoreAllMocks());

  it('says so once in the log, not on stderr at every reconnect attempt', async () => {
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const store = new RedisCacheStore('redis://127.0.0.1:1', 'spec:cache:');
    try {
      await expect(store.get('key', 'field')).rejects.toThrow();
      await sleep(300); // a few reconnect attempts (ioredis retries after 50, 100, 150 ms ...)
      expect(stderr).not.toHaveBeenCalled();
      expect(warn.mock.calls).toEqual([
        [expect.stringMatching(/^Redis unreachable for the cache \(connect ECONNREFUSED/)],
      ]);
    } finally {
      await store.close();
    }
  });
});
