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
  /** Bumped by every forget(), so a lookup read before it cannot be cached after it. */
  private forgets = 0;

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

  /** Taken before a database lookup and given to set(): see there. */
  stamp(): number {
    return this.forgets;
  }

  /**
   * `until`: when the key itself expires (an entry never outlives its key). `stamp`: from
   * stamp() before the lookup; if keys were forgotten since, the lookup may predate a
   * revocation and is not cached (it made a just-revoked key work on for the whole TTL).
   */
  set(
    hash: string,
    principal: Principal | undefined,
    now = Date.now(),
    until = Infinity,
    stamp = this.forgets,
  ): void {
    if (this.ttlMs <= 0 || stamp !== this.forgets) return;
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    // Unknown keys are remembered briefly only: a key created meanwhile works within a second.
    const ttl = principal ? this.ttlMs : Math.min(this.ttlMs, 1000);
    this.entries.set(hash, { principal, expiresAt: Math.min(now + ttl, until) });
  }

  /** Forgets every cached key matching `predicate` (revocation, role or status changes). */
  forget(predicate: (principal: Principal) => boolean): void {
    this.forgets++;
    for (const [hash, entry] of this.entries) {
      if (entry.principal && predicate(entry.principal)) this.entries.delete(hash);
    }
  }
}
