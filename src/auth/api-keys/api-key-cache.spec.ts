import type { Principal } from '../../common/auth/principal';
import { ApiKeyCache } from './api-key-cache';

const principal = (apiKeyId: string, userId = 'u1'): Principal => ({
  userId,
  role: 'user',
  via: 'apiKey',
  apiKeyId,
  scopes: ['read'],
  plan: 'free',
});

describe('ApiKeyCache', () => {
  it('answers from the cache until the TTL ends', () => {
    const cache = new ApiKeyCache(30_000);
    cache.set('h1', principal('k1'), 1_000);
    expect(cache.get('h1', 30_999)).toEqual({ principal: principal('k1') });
    expect(cache.get('h1', 31_000)).toBeUndefined();
  });

  it("never keeps an entry beyond the key's own expiry", () => {
    const cache = new ApiKeyCache(30_000);
    cache.set('h1', principal('k1'), 1_000, 5_000);
    expect(cache.get('h1', 4_999)).toBeDefined();
    expect(cache.get('h1', 5_000)).toBeUndefined();
  });

  it('does not cache a lookup that was under way while keys were forgotten (a revocation)', () => {
    const cache = new ApiKeyCache(30_000);
    const stamp = cache.stamp();
    // The key is revoked while its lookup (which still saw it live) is in flight.
    cache.forget((p) => p.apiKeyId === 'k1');
    cache.set('h1', principal('k1'), 0, Infinity, stamp);
    expect(cache.get('h1', 1)).toBeUndefined();
    cache.set('h1', principal('k1'), 0, Infinity, cache.stamp());
    expect(cache.get('h1', 1)).toBeDefined();
  });

  it('remembers unknown keys for one second at most', () => {
    const cache = new ApiKeyCache(30_000);
    cache.set('bad', undefined, 0);
    expect(cache.get('bad', 999)).toEqual({ principal: undefined });
    expect(cache.get('bad', 1_000)).toBeUndefined();
  });

  it('forgets the entries matching a predicate only', () => {
    const cache = new ApiKeyCache(30_000);
    cache.set('h1', principal('k1', 'u1'), 0);
    cache.set('h2', principal('k2', 'u2'), 0);
    cache.forget((p) => p.userId === 'u1');
    expect(cache.get('h1', 1)).toBeUndefined();
    expect(cache.get('h2', 1)).toBeDefined();
  });

  it('evicts the oldest entry when full, and caches nothing with a zero TTL', () => {
    const cache = new ApiKeyCache(30_000, 2);
    cache.set('a', principal('a'), 0);
    cache.set('b', principal('b'), 0);
    cache.set('c', principal('c'), 0);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)).toBeDefined();
    const off = new ApiKeyCache(0);
    off.set('a', principal('a'), 0);
    expect(off.get('a', 0)).toBeUndefined();
  });
});
