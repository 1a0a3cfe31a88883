import { EntityRepository } from '@mikro-orm/postgresql';
import type { LoginFailure } from '../entities/login-failure.entity';

export interface FailureState {
  key: string;
  failures: number;
  /** Seconds until the lock ends (≤ 0: not locked). */
  lockedForSeconds: number;
  /** Seconds since the last failure. */
  secondsSinceLastFailure: number;
}

/** Failed sign-in counters; the database clock decides, so replicas agree. */
export class LoginFailureRepository extends EntityRepository<LoginFailure> {
  async states(keys: string[]): Promise<FailureState[]> {
    const rows = await this.getEntityManager().execute<
      Array<{ key: string; failures: number; locked_for: string | null; since_last: string }>
    >(
      `select key, failures,
              extract(epoch from (locked_until - now())) as locked_for,
              extract(epoch from (now() - last_failure_at)) as since_last
         from login_failures where key in (${keys.map(() => '?').join(', ')})`,
      keys,
    );
    return rows.map((r) => ({
      key: r.key,
      failures: r.failures,
      lockedForSeconds: r.locked_for === null ? 0 : Number(r.locked_for),
      secondsSinceLastFailure: Number(r.since_last),
    }));
  }

  /**
   * Counts one failure for `key` and locks it for `lockSeconds` once it reaches `threshold`.
   * A count older than the lock duration (or one whose lock ended) starts again at 1. Returns
   * the new count and whether this failure locked the key.
   */
  async recordFailure(
    key: string,
    threshold: number,
    lockSeconds: number,
  ): Promise<{ failures: number; lockedNow: boolean }> {
    const fresh = `(f.locked_until is not null and f.locked_until <= now())
                    or f.last_failure_at < now() - interval '1 second' * ?`;
    const count = `case when ${fresh} then 1 else f.failures + 1 end`;
    const [row] = await this.getEntityManager().execute<
      Array<{ failures: number; locked_until: Date | null }>
    >(
      `insert into login_failures as f (key, failures, last_failure_at, locked_until)
       values (?, 1, now(), case when 1 >= ? then now() + interval '1 second' * ? end)
       on conflict (key) do update set
         failures = ${count},
         last_failure_at = now(),
         locked_until = case when ${count} >= ? then now() + interval '1 second' * ?
                             when ${fresh} then null else f.locked_until end
       returning failures, locked_until`,
      [key, threshold, lockSeconds, lockSeconds, lockSeconds, threshold, lockSeconds, lockSeconds],
    );
    return { failures: row.failures, lockedNow: row.failures >= threshold };
  }

  async clear(key: string): Promise<void> {
    await this.nativeDelete({ key });
  }
}
