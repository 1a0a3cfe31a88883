import type { Principal } from '../../common/auth/principal';

interface Entry {
  principal: Principal | undefined;
  expiresAt: number;
}

/**
 * Recent API key lookups (key hash → principal, or undefined for unknown keys) for `ttlMs`, so
 * a busy client costs one database query per TTL per replica. Revoking a key or changing its
 * owner drops the entries on this replica at once; other replicas follow within the TTL.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached answer (`{ principal }`, possibly undefined), or undefined when not cached. */
  get(hash: string, now = Date.now()): { principal: Principal | undefined } | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(hash);
      return undefined;
    }
    return { principal: entry.principal };
  }

  /** `until`: when the key itself expires (an entry never outlives its key). */
  set(hash: string, principal: Principal | undefined, now = Date.now(), until = Infinity): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    // Unknown keys are remembered briefly only: a key created meanwhile works within a second.
    const ttl = principal ? this.ttlMs : Math.min(this.ttlMs, 1000);
    this.entries.set(hash, { principal, expiresAt: Math.min(now + ttl, until) });
  }

  /** Forgets every cached key matching `predicate` (revocation, role or status changes). */
  forget(predicate: (principal: Principal) => boolean): void {
    for (const [hash, entry] of this.entries) {
      if (entry.principal && predicate(entry.principal)) this.entries.delete(hash);
    }
  }
}
